import { Stack, aws_iam as iam } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AddonIdentityOptions } from './addon-identity-options';
import type { AddonPolicy } from './addon-policy';
import { meshArnsOf } from './app-mesh';
import type { Subject } from '../private/errors';

/**
 * Properties of `AddonIdentity.appMeshController()`: the AWS App Mesh controller for Kubernetes, which creates meshes,
 * virtual nodes, services, routers, routes and gateways from its custom resources, and registers pods in Cloud Map.
 * AWS App Mesh reached end of support on 2026-09-30: this identity serves clusters still migrating off it.
 * Conventional service account: `appmesh-system/appmesh-controller` (the eks-charts `appmesh-controller` chart).
 */
export interface AppMeshControllerIdentityProps extends AddonIdentityOptions {
  /**
   * The meshes the controller manages (the names of its Mesh resources' `awsName`).
   */
  readonly meshNames: string[];
}

const APP_MESH = ['ListVirtualRouters', 'ListVirtualServices', 'ListRoutes', 'ListGatewayRoutes', 'ListVirtualNodes', 'ListVirtualGateways',
  'DescribeMesh', 'DescribeVirtualRouter', 'DescribeRoute', 'DescribeVirtualNode', 'DescribeVirtualGateway', 'DescribeGatewayRoute',
  'DescribeVirtualService', 'CreateMesh', 'CreateVirtualRouter', 'CreateVirtualGateway', 'CreateVirtualService', 'CreateGatewayRoute',
  'CreateRoute', 'CreateVirtualNode', 'UpdateMesh', 'UpdateRoute', 'UpdateVirtualGateway', 'UpdateVirtualRouter', 'UpdateGatewayRoute',
  'UpdateVirtualService', 'UpdateVirtualNode', 'DeleteMesh', 'DeleteRoute', 'DeleteVirtualRouter', 'DeleteGatewayRoute',
  'DeleteVirtualService', 'DeleteVirtualNode', 'DeleteVirtualGateway'].map(a => `appmesh:${a}`);

/**
 * The App Mesh controller's policy, from terraform-aws-eks-pod-identity v2.8.1 aws_appmesh.tf (after
 * aws/aws-app-mesh-controller-for-k8s config/iam/controller-iam-policy.json):
 *
 * - the 34 App Mesh actions on the given meshes and what is in them (upstream: `*`); `ListMeshes` on `*` (no resource);
 * - App Mesh's service-linked role, in the role's account (upstream: any account);
 * - ACM and ACM PCA reads on `*`, as upstream: certificates are named in the virtual nodes' TLS settings at run time;
 * - Cloud Map on the namespaces and services of the stack's account and region, and the calls without a resource on
 *   `*`; the Route 53 health check and record calls Cloud Map makes on the controller's behalf on `*`, as upstream
 *   (the private DNS namespaces' zones are Cloud Map's).
 */
export function appMeshControllerPolicy(subject: Subject, scope: Construct, props: AppMeshControllerIdentityProps): AddonPolicy {
  const { meshes, inMeshes } = meshArnsOf(subject, scope, props.meshNames, 'the meshes the controller manages');
  const stack = Stack.of(scope);
  return {
    addon: 'appmesh-controller',
    namespace: 'appmesh-system',
    serviceAccount: 'appmesh-controller',
    splitHint: 'meshes',
    source: 'aws/aws-app-mesh-controller-for-k8s config/iam/controller-iam-policy.json; terraform-aws-eks-pod-identity aws_appmesh.tf',
    statements: [
      new iam.PolicyStatement({ sid: 'ManageTheGivenMeshes', actions: APP_MESH, resources: [...meshes, ...inMeshes] }),
      new iam.PolicyStatement({ sid: 'ListMeshesTakesNoResource', actions: ['appmesh:ListMeshes'], resources: ['*'] }),
      new iam.PolicyStatement({
        sid: 'CreateTheAppMeshServiceLinkedRole',
        actions: ['iam:CreateServiceLinkedRole'],
        resources: [`arn:${stack.partition}:iam::${stack.account}:role/aws-service-role/appmesh.${stack.urlSuffix}/AWSServiceRoleForAppMesh`],
        conditions: { StringLike: { 'iam:AWSServiceName': `appmesh.${stack.urlSuffix}` } },
      }),
      new iam.PolicyStatement({
        sid: 'ReadCertificatesNamedAtRunTime',
        actions: ['acm:ListCertificates', 'acm:DescribeCertificate', 'acm-pca:DescribeCertificateAuthority', 'acm-pca:ListCertificateAuthorities'],
        resources: ['*'],
      }),
      new iam.PolicyStatement({
        sid: 'RegisterPodsInCloudMap',
        actions: ['servicediscovery:CreateService', 'servicediscovery:DeleteService', 'servicediscovery:GetService', 'servicediscovery:GetInstance',
          'servicediscovery:RegisterInstance', 'servicediscovery:DeregisterInstance', 'servicediscovery:ListInstances',
          'servicediscovery:GetInstancesHealthStatus', 'servicediscovery:UpdateInstanceCustomHealthStatus'],
        resources: [`arn:${stack.partition}:servicediscovery:${stack.region}:${stack.account}:*`],
      }),
      new iam.PolicyStatement({
        sid: 'CloudMapCallsWithoutAResourceAndItsRoute53Calls',
        actions: ['servicediscovery:ListNamespaces', 'servicediscovery:ListServices', 'servicediscovery:GetOperation', 'route53:GetHealthCheck',
          'route53:CreateHealthCheck', 'route53:UpdateHealthCheck', 'route53:ChangeResourceRecordSets', 'route53:DeleteHealthCheck'],
        resources: ['*'],
      }),
    ],
  };
}
