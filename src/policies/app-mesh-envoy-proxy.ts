import { Token, aws_iam as iam } from 'aws-cdk-lib';
import type { aws_certificatemanager as acm, aws_acmpca as acmpca } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AddonIdentityOptions } from './addon-identity-options';
import type { AddonPolicy } from './addon-policy';
import { meshArnsOf } from './app-mesh';
import { fail, show, type Subject } from '../private/errors';

/**
 * Properties of `AddonIdentity.appMeshEnvoyProxy()`: the App Mesh Envoy sidecars, which stream their configuration
 * from App Mesh and, with TLS, export their certificates. AWS App Mesh reached end of support on 2026-09-30.
 * Conventional service account: `appmesh-system/envoy-proxy` (terraform-aws-eks-pod-identity's README example; the
 * sidecars run under each application's own service account, so give the application's).
 */
export interface AppMeshEnvoyProxyIdentityProps extends AddonIdentityOptions {
  /**
   * The meshes whose virtual nodes and gateways the proxies serve.
   */
  readonly meshNames: string[];

  /**
   * ACM certificates the proxies export for TLS (virtual nodes' `tls.certificate.acm`).
   *
   * @default - none: no acm:ExportCertificate
   */
  readonly certificates?: acm.ICertificate[];

  /**
   * ARNs of ACM certificates the proxies export for TLS.
   *
   * @default - none: no acm:ExportCertificate
   */
  readonly certificateArns?: string[];

  /**
   * Private CAs whose certificates the proxies validate peers with (`validation.trust.acm`).
   *
   * @default - none: no acm-pca:GetCertificateAuthorityCertificate
   */
  readonly certificateAuthorities?: acmpca.ICertificateAuthority[];
}

const CERTIFICATE_ARN = /^arn:aws[a-z0-9-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/;

/**
 * The Envoy proxy's policy, from terraform-aws-eks-pod-identity v2.8.1 aws_appmesh.tf (after
 * aws/aws-app-mesh-controller-for-k8s config/iam/envoy-iam-policy.json): `appmesh:StreamAggregatedResources` on the
 * virtual nodes and gateways of the given meshes, and the TLS calls on the given certificates and CAs only (upstream:
 * all on `*`). Nothing is on `*`.
 */
export function appMeshEnvoyProxyPolicy(subject: Subject, scope: Construct, props: AppMeshEnvoyProxyIdentityProps): AddonPolicy {
  const { meshes } = meshArnsOf(subject, scope, props.meshNames, 'the meshes whose virtual nodes and gateways the proxies serve');
  for (const [name, list] of [['certificates', props.certificates], ['certificateArns', props.certificateArns],
    ['certificateAuthorities', props.certificateAuthorities]] as const) {
    if (list !== undefined && !Array.isArray(list)) fail(subject, `${name} is ${show(list)}`, 'a list');
  }
  for (const arn of props.certificateArns ?? []) {
    if (typeof arn !== 'string' || (!Token.isUnresolved(arn) && !CERTIFICATE_ARN.test(arn))) {
      fail(subject, `certificateArns has ${show(arn)}`, 'arn:<partition>:acm:<region>:<account>:certificate/<id>');
    }
  }
  const certificates = [...new Set([...(props.certificates ?? []).map(c => c.certificateArn), ...(props.certificateArns ?? [])])];
  const authorities = [...new Set((props.certificateAuthorities ?? []).map(c => c.certificateAuthorityArn))];
  return {
    addon: 'appmesh-envoy-proxy',
    namespace: 'appmesh-system',
    serviceAccount: 'envoy-proxy',
    splitHint: 'meshes or certificates',
    source: 'aws/aws-app-mesh-controller-for-k8s config/iam/envoy-iam-policy.json; terraform-aws-eks-pod-identity aws_appmesh.tf',
    statements: [
      new iam.PolicyStatement({
        sid: 'StreamConfigurationOfTheGivenMeshes',
        actions: ['appmesh:StreamAggregatedResources'],
        resources: meshes.flatMap(mesh => [`${mesh}/virtualNode/*`, `${mesh}/virtualGateway/*`]),
      }),
      ...(certificates.length > 0 ? [new iam.PolicyStatement({ sid: 'ExportTheGivenCertificates', actions: ['acm:ExportCertificate'], resources: certificates })] : []),
      ...(authorities.length > 0 ? [new iam.PolicyStatement({
        sid: 'ReadTheGivenCertificateAuthorities', actions: ['acm-pca:GetCertificateAuthorityCertificate'], resources: authorities,
      })] : []),
    ],
  };
}
