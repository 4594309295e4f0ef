import { aws_sqs as sqs } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AddonIdentity } from '../../src';
import { addonDecision, addonPolicyOf } from '../util/addon-sim';
import { expectError } from '../util/errors';
import { ACCOUNT, REGION, importCluster, newStack } from '../util/fixtures';

const queueArn = (name: string) => `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`;
const QUEUE = queueArn('nth-events');
const GROUP = `arn:aws:autoscaling:${REGION}:${ACCOUNT}:autoScalingGroup:0b6c7c3e-1b7e-4a53-9c6d-8f0e1d2c3b4a:autoScalingGroupName/nodes`;

function nth(props: Partial<Parameters<typeof AddonIdentity.nodeTerminationHandler>[2]> = { queueArns: [QUEUE] }) {
  const stack = newStack();
  const identity = AddonIdentity.nodeTerminationHandler(stack, 'Nth', { cluster: importCluster(stack), ...props });
  return { identity, template: Template.fromStack(stack) };
}

describe('AddonIdentity.nodeTerminationHandler', () => {
  test('kube-system/aws-node-termination-handler; the policy, exactly', () => {
    const { identity, template } = nth();
    expect(identity.bindings.map(b => `${b.namespace}/${b.serviceAccount}`)).toEqual(['kube-system/aws-node-termination-handler']);
    expect(addonPolicyOf(template).Statement).toEqual([
      { Sid: 'ReadTheGivenQueues', Effect: 'Allow', Action: ['sqs:DeleteMessage', 'sqs:ReceiveMessage'], Resource: QUEUE },
      {
        Sid: 'CompleteLifecycleActions',
        Effect: 'Allow',
        Action: 'autoscaling:CompleteLifecycleAction',
        Resource: `arn:aws:autoscaling:${REGION}:${ACCOUNT}:autoScalingGroup:*:autoScalingGroupName/*`,
      },
      {
        Sid: 'DescribeCallsTakeNoResource',
        Effect: 'Allow',
        Resource: '*',
        Action: ['autoscaling:DescribeAutoScalingInstances', 'autoscaling:DescribeTags', 'ec2:DescribeInstances'],
      },
    ]);
  });

  test('the simulator: the given queue, not another; lifecycle actions in the stack\'s region only', async () => {
    const policy = addonPolicyOf(nth().template);
    for (const action of ['sqs:ReceiveMessage', 'sqs:DeleteMessage']) {
      expect(await addonDecision(policy, { action, resource: QUEUE })).toBe('Allowed');
      expect(await addonDecision(policy, { action, resource: queueArn('orders') })).toBe('Denied');
    }
    expect(await addonDecision(policy, { action: 'sqs:SendMessage', resource: QUEUE })).toBe('Denied');
    expect(await addonDecision(policy, { action: 'autoscaling:CompleteLifecycleAction', resource: GROUP })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'autoscaling:CompleteLifecycleAction', resource: GROUP.replace(REGION, 'us-east-1') })).toBe('Denied');
    for (const action of ['autoscaling:DescribeAutoScalingInstances', 'autoscaling:DescribeTags', 'ec2:DescribeInstances']) {
      expect(await addonDecision(policy, { action, resource: '*' })).toBe('Allowed');
    }
  });

  test('a typed queue gives the same statements as its ARN', () => {
    const stack = newStack();
    const queue = sqs.Queue.fromQueueArn(stack, 'Queue', QUEUE);
    AddonIdentity.nodeTerminationHandler(stack, 'Nth', { cluster: importCluster(stack), queues: [queue] });
    expect(addonPolicyOf(Template.fromStack(stack))).toEqual(addonPolicyOf(nth().template));
  });

  test('bad inputs', () => {
    expectError(() => nth({}), 'AddonIdentity.nodeTerminationHandler Test/Nth: neither queues nor queueArns is given, expected the SQS queues the ' +
      'handler reads events from; a policy on every queue of the account is what this library does not write');
    expectError(() => nth({ queueArns: [queueArn('*')] }),
      `AddonIdentity.nodeTerminationHandler Test/Nth: queueArns has "${queueArn('*')}", expected arn:<partition>:sqs:<region>:<account>:<queue name>`);
  });

  test('fifty queues fit in one managed policy', () => {
    const arns = Array.from({ length: 50 }, (_, i) => queueArn(`nth-events-${i}`));
    expect(JSON.stringify(addonPolicyOf(nth({ queueArns: arns }).template)).length).toBeLessThanOrEqual(6144);
  });
});
