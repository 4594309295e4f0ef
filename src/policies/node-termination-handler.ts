import { Stack, aws_iam as iam } from 'aws-cdk-lib';
import type { aws_sqs as sqs } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AddonIdentityOptions } from './addon-identity-options';
import type { AddonPolicy } from './addon-policy';
import { resourceArnsOf } from './resource-arns';
import { fail, type Subject } from '../private/errors';

/**
 * Properties of `AddonIdentity.nodeTerminationHandler()`: the AWS Node Termination Handler in queue processor mode,
 * which reads EC2 and Auto Scaling events from an SQS queue and drains the nodes they concern. Conventional service
 * account: `kube-system/aws-node-termination-handler` (its Helm chart `aws-node-termination-handler`, installed in
 * `kube-system` as its README does).
 */
export interface NodeTerminationHandlerIdentityProps extends AddonIdentityOptions {
  /**
   * The queues the handler reads events from. Give these or `queueArns` (or both).
   *
   * @default - none
   */
  readonly queues?: sqs.IQueue[];

  /**
   * The ARNs of the queues the handler reads events from (`arn:<partition>:sqs:<region>:<account>:<queue name>`).
   *
   * @default - none
   */
  readonly queueArns?: string[];
}

// SQS queue ARNs (Service Authorization Reference, Amazon SQS `queue`): names of up to 80 letters, digits, '-' and
// '_', with '.fifo' for FIFO queues.
const QUEUE_ARN = /^arn:aws[a-z0-9-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,75}(\.fifo|[A-Za-z0-9_-]{0,5})$/;

/**
 * The Node Termination Handler's policy, from terraform-aws-eks-pod-identity v2.8.1 aws_node_termination_handler.tf
 * (after aws/aws-node-termination-handler's README, "Create an IAM Role for the Pods"):
 *
 * - `sqs:ReceiveMessage` and `DeleteMessage` on the given queues only;
 * - `autoscaling:CompleteLifecycleAction` on the Auto Scaling groups of the stack's account and region (upstream: `*`;
 *   the groups that send lifecycle hooks to the queue are not known here);
 * - the Describe calls on `*`: they take no resource.
 */
export function nodeTerminationHandlerPolicy(subject: Subject, scope: Construct, props: NodeTerminationHandlerIdentityProps): AddonPolicy {
  const queues = resourceArnsOf(subject, 'queues', props.queues, q => q.queueArn, 'queueArns', props.queueArns, QUEUE_ARN,
    'arn:<partition>:sqs:<region>:<account>:<queue name>');
  if (queues.length === 0) {
    fail(subject, 'neither queues nor queueArns is given', 'the SQS queues the handler reads events from',
      'a policy on every queue of the account is what this library does not write');
  }
  const stack = Stack.of(scope);
  return {
    addon: 'aws-node-termination-handler',
    namespace: 'kube-system',
    serviceAccount: 'aws-node-termination-handler',
    splitHint: 'queues',
    source: 'aws/aws-node-termination-handler README; terraform-aws-eks-pod-identity aws_node_termination_handler.tf',
    statements: [
      new iam.PolicyStatement({ sid: 'ReadTheGivenQueues', actions: ['sqs:DeleteMessage', 'sqs:ReceiveMessage'], resources: queues }),
      new iam.PolicyStatement({
        sid: 'CompleteLifecycleActions',
        actions: ['autoscaling:CompleteLifecycleAction'],
        resources: [`arn:${stack.partition}:autoscaling:${stack.region}:${stack.account}:autoScalingGroup:*:autoScalingGroupName/*`],
      }),
      new iam.PolicyStatement({
        sid: 'DescribeCallsTakeNoResource',
        actions: ['autoscaling:DescribeAutoScalingInstances', 'autoscaling:DescribeTags', 'ec2:DescribeInstances'],
        resources: ['*'],
      }),
    ],
  };
}
