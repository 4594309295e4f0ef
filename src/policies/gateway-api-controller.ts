import { Stack, aws_iam as iam } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AddonIdentityOptions } from './addon-identity-options';
import type { AddonPolicy } from './addon-policy';
import type { Subject } from '../private/errors';
import { assertOptionalBoolean } from '../private/names';

/**
 * Properties of `AddonIdentity.gatewayApiController()`: the AWS Gateway API Controller for Amazon VPC Lattice, which
 * creates service networks, services, listeners, rules and target groups from Gateway API resources. Conventional
 * service account: `aws-application-networking-system/gateway-api-controller` (its Helm chart
 * `aws-gateway-controller-chart`, installed in that namespace as its deployment guide does).
 */
export interface GatewayApiControllerIdentityProps extends AddonIdentityOptions {
  /**
   * The controller configures access logs (AccessLogPolicy resources): CloudWatch Logs deliveries, the log delivery
   * service-linked role, Firehose stream tags and S3 bucket policies for log destinations.
   *
   * @default false
   */
  readonly accessLogs?: boolean;
}

/**
 * The Gateway API controller's policy, from terraform-aws-eks-pod-identity v2.8.1 aws_gateway_controller.tf (after
 * aws/aws-application-networking-k8s files/controller-installation/recommended-inline-policy.json):
 *
 * - `vpc-lattice:*` on the VPC Lattice resources of the stack's account and region (upstream: on `*`: the controller
 *   creates them, with generated ids), and the VPC Lattice List calls on `*`, which take no resource;
 * - the EC2 Describe calls and `tag:GetResources` on `*`: they take no resource;
 * - VPC Lattice's service-linked role in the role's account (upstream: any account);
 * - only with `accessLogs`: the log delivery calls, the log delivery service-linked role, `firehose:TagDeliveryStream`
 *   and `s3:GetBucketPolicy`/`PutBucketPolicy` (upstream grants these always, the last two on every bucket: the
 *   controller writes the delivery's statement into the destination bucket's policy).
 */
export function gatewayApiControllerPolicy(subject: Subject, scope: Construct, props: GatewayApiControllerIdentityProps): AddonPolicy {
  assertOptionalBoolean(subject, 'accessLogs', props.accessLogs);
  const stack = Stack.of(scope);
  const serviceRole = (service: string, name: string) => new iam.PolicyStatement({
    sid: `CreateThe${name}`,
    actions: ['iam:CreateServiceLinkedRole'],
    resources: [`arn:${stack.partition}:iam::${stack.account}:role/aws-service-role/${service}/AWSServiceRoleFor${name.replace(/ServiceLinkedRole$/, '')}`],
    conditions: { StringLike: { 'iam:AWSServiceName': service } },
  });
  return {
    addon: 'aws-gateway-api-controller',
    namespace: 'aws-application-networking-system',
    serviceAccount: 'gateway-api-controller',
    splitHint: 'statements',
    source: 'aws/aws-application-networking-k8s recommended-inline-policy.json; terraform-aws-eks-pod-identity aws_gateway_controller.tf',
    statements: [
      new iam.PolicyStatement({
        sid: 'ManageVpcLatticeResources',
        actions: ['vpc-lattice:*'],
        resources: [`arn:${stack.partition}:vpc-lattice:${stack.region}:${stack.account}:*`],
      }),
      new iam.PolicyStatement({
        sid: 'CallsWithoutAResource',
        actions: ['vpc-lattice:List*', 'ec2:DescribeVpcs', 'ec2:DescribeSubnets', 'ec2:DescribeTags', 'ec2:DescribeSecurityGroups', 'tag:GetResources'],
        resources: ['*'],
      }),
      serviceRole('vpc-lattice.amazonaws.com', 'VpcLatticeServiceLinkedRole'),
      ...(props.accessLogs === true ? [
        serviceRole('delivery.logs.amazonaws.com', 'LogDeliveryServiceLinkedRole'),
        new iam.PolicyStatement({
          sid: 'DeliverAccessLogs',
          actions: ['logs:CreateLogDelivery', 'logs:GetLogDelivery', 'logs:UpdateLogDelivery', 'logs:DeleteLogDelivery', 'logs:ListLogDeliveries',
            'firehose:TagDeliveryStream', 's3:GetBucketPolicy', 's3:PutBucketPolicy'],
          resources: ['*'],
        }),
      ] : []),
    ],
  };
}
