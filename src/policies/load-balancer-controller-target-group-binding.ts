import { aws_iam as iam } from 'aws-cdk-lib';
import type { aws_elasticloadbalancingv2 as elbv2 } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AddonIdentityOptions } from './addon-identity-options';
import type { AddonPolicy } from './addon-policy';
import { resourceArnsOf } from './resource-arns';
import { fail, type Subject } from '../private/errors';

/**
 * Properties of `AddonIdentity.loadBalancerControllerTargetGroupBinding()`: the AWS Load Balancer Controller limited
 * to TargetGroupBindings, which register pods in target groups created outside Kubernetes (no Ingress or Service of
 * type LoadBalancer). Conventional service account: `kube-system/aws-load-balancer-controller` (its Helm chart).
 */
export interface LoadBalancerControllerTargetGroupBindingIdentityProps extends AddonIdentityOptions {
  /**
   * The target groups TargetGroupBindings name. Give these or `targetGroupArns` (or both).
   *
   * @default - none
   */
  readonly targetGroups?: elbv2.ITargetGroup[];

  /**
   * The ARNs of the target groups TargetGroupBindings name
   * (`arn:<partition>:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>`).
   *
   * @default - none
   */
  readonly targetGroupArns?: string[];
}

// Target group ARNs (Service Authorization Reference, Elastic Load Balancing V2 `targetgroup`).
const TARGET_GROUP_ARN = /^arn:aws[a-z0-9-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:targetgroup\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{16}$/;

/**
 * The TargetGroupBinding-only policy of terraform-aws-eks-pod-identity v2.8.1 aws_lb_controller.tf
 * (`lb_controller_targetgroup_only`, after the controller's installation guide, "Option B: Attach IAM policies to
 * nodes"): registering and modifying the given target groups only; the Describe calls, and opening security groups to
 * the targets, on `*` as upstream (Describe takes no resource; the nodes' security groups are learned at run time).
 */
export function loadBalancerControllerTargetGroupBindingPolicy(subject: Subject, _scope: Construct,
  props: LoadBalancerControllerTargetGroupBindingIdentityProps): AddonPolicy {
  const targetGroups = resourceArnsOf(subject, 'targetGroups', props.targetGroups, t => t.targetGroupArn, 'targetGroupArns', props.targetGroupArns, TARGET_GROUP_ARN,
    'arn:<partition>:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>');
  if (targetGroups.length === 0) {
    fail(subject, 'neither targetGroups nor targetGroupArns is given', 'the target groups TargetGroupBindings name',
      'a policy on every target group of the account is what this library does not write');
  }
  return {
    addon: 'aws-load-balancer-controller',
    namespace: 'kube-system',
    serviceAccount: 'aws-load-balancer-controller',
    splitHint: 'target groups',
    source: 'terraform-aws-eks-pod-identity aws_lb_controller.tf (lb_controller_targetgroup_only)',
    statements: [
      new iam.PolicyStatement({
        sid: 'RegisterTargetsInTheGivenTargetGroups',
        actions: ['elasticloadbalancing:ModifyTargetGroup', 'elasticloadbalancing:ModifyTargetGroupAttributes',
          'elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'],
        resources: targetGroups,
      }),
      new iam.PolicyStatement({
        sid: 'DescribeAndOpenSecurityGroupsOnAnyResource',
        actions: ['ec2:DescribeVpcs', 'ec2:DescribeSecurityGroups', 'ec2:DescribeInstances', 'ec2:AuthorizeSecurityGroupIngress',
          'ec2:RevokeSecurityGroupIngress', 'elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeTargetHealth'],
        resources: ['*'],
      }),
    ],
  };
}
