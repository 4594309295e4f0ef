import { Stack, aws_iam as iam } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AddonIdentityOptions, ManagedAddonInstallOptions } from './addon-identity-options';
import type { AddonPolicy } from './addon-policy';
import type { Subject } from '../private/errors';
import { assertOptionalBoolean } from '../private/names';

/**
 * Properties of `AddonIdentity.vpcCni()`: the Amazon VPC CNI plugin (`aws-node`), which attaches network interfaces
 * and addresses to nodes for pods. Conventional service account: `kube-system/aws-node` (the EKS add-on `vpc-cni` and
 * the aws-vpc-cni Helm chart).
 */
export interface VpcCniIdentityProps extends AddonIdentityOptions {
  /**
   * Install the add-on as the EKS managed add-on `vpc-cni`, which then names the role itself (no separate association).
   *
   * @default - not installed here: the add-on is installed by other means, and gets a separate association
   */
  readonly installAddon?: ManagedAddonInstallOptions;

  /**
   * The cluster assigns IPv4 addresses to pods (the IPv4 statement of the CNI's scope-down policy).
   *
   * @default true
   */
  readonly ipv4?: boolean;

  /**
   * The cluster assigns IPv6 addresses to pods (the EKS user guide's IPv6 policy: `AssignIpv6Addresses`).
   *
   * @default false
   */
  readonly ipv6?: boolean;

  /**
   * The network policy agent sends its logs to CloudWatch Logs (`enableCloudWatchLogs` of the add-on's
   * configuration).
   *
   * @default false
   */
  readonly cloudWatchLogs?: boolean;
}

const DESCRIBE = ['ec2:DescribeInstances', 'ec2:DescribeTags', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeInstanceTypes',
  'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets'];

/**
 * The VPC CNI's policy, from terraform-aws-eks-pod-identity v2.8.1 aws_vpc_cni.tf: the IPv4 statement of
 * aws/amazon-vpc-cni-k8s docs/iam-policy.md ("Sample scope-down IAM policy for IPv4 mode"), the IPv6 policy of the EKS
 * user guide ("Create IAM policy for clusters that use the IPv6 family"), `ec2:CreateTags` on network interfaces, and
 * the network policy agent's CloudWatch Logs statement (EKS user guide, "Set up the network policy agent").
 *
 * Upstream writes the network interface actions on `*`: the CNI creates, attaches and deletes interfaces whose ids it
 * learns at run time, on whichever node, subnet and security group the node's configuration names. Here they are on
 * the interfaces, instances, subnets and security groups of the stack's account and region; the Describe calls stay
 * on `*` (they take no resource); the log actions are on the log groups of the account and region.
 */
export function vpcCniPolicy(subject: Subject, scope: Construct, props: VpcCniIdentityProps): AddonPolicy {
  for (const flag of ['ipv4', 'ipv6', 'cloudWatchLogs'] as const) assertOptionalBoolean(subject, flag, props[flag]);
  const stack = Stack.of(scope);
  const ec2 = (resource: string) => `arn:${stack.partition}:ec2:${stack.region}:${stack.account}:${resource}`;
  const interfaces = ec2('network-interface/*');
  const ipv4 = props.ipv4 !== false;
  const ipv6 = props.ipv6 === true;
  const statements: iam.PolicyStatement[] = [
    new iam.PolicyStatement({ sid: 'TagNetworkInterfaces', actions: ['ec2:CreateTags'], resources: [interfaces] }),
  ];
  if (ipv4) {
    statements.push(new iam.PolicyStatement({
      sid: 'ManageNetworkInterfacesAndIpv4Addresses',
      actions: ['ec2:AssignPrivateIpAddresses', 'ec2:AttachNetworkInterface', 'ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface',
        'ec2:DetachNetworkInterface', 'ec2:ModifyNetworkInterfaceAttribute', 'ec2:UnassignPrivateIpAddresses'],
      resources: [interfaces, ec2('instance/*'), ec2('subnet/*'), ec2('security-group/*')],
    }));
  }
  if (ipv6) {
    statements.push(new iam.PolicyStatement({ sid: 'AssignIpv6Addresses', actions: ['ec2:AssignIpv6Addresses'], resources: [interfaces] }));
  }
  statements.push(new iam.PolicyStatement({ sid: 'DescribeCallsTakeNoResource', actions: DESCRIBE, resources: ['*'] }));
  if (props.cloudWatchLogs === true) {
    statements.push(new iam.PolicyStatement({
      sid: 'NetworkPolicyAgentLogs',
      actions: ['logs:DescribeLogGroups', 'logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [`arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*`],
    }));
  }
  return {
    addon: 'vpc-cni',
    namespace: 'kube-system',
    serviceAccount: 'aws-node',
    eksAddonName: 'vpc-cni',
    splitHint: 'statements',
    source: 'aws/amazon-vpc-cni-k8s docs/iam-policy.md; EKS user guide; terraform-aws-eks-pod-identity aws_vpc_cni.tf',
    statements,
  };
}
