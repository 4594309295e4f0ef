import { aws_elasticloadbalancingv2 as elbv2 } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AddonIdentity } from '../../src';
import { addonDecision, addonPolicyOf } from '../util/addon-sim';
import { expectError } from '../util/errors';
import { ACCOUNT, REGION, importCluster, newStack } from '../util/fixtures';

const tg = (name: string) => `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/${name}/0123456789abcdef`;
const TG = tg('web');
const WRITES = ['elasticloadbalancing:ModifyTargetGroup', 'elasticloadbalancing:ModifyTargetGroupAttributes',
  'elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'];

function binding(props: Partial<Parameters<typeof AddonIdentity.loadBalancerControllerTargetGroupBinding>[2]> = { targetGroupArns: [TG] }) {
  const stack = newStack();
  const identity = AddonIdentity.loadBalancerControllerTargetGroupBinding(stack, 'Tgb', { cluster: importCluster(stack), ...props });
  return { identity, template: Template.fromStack(stack) };
}

describe('AddonIdentity.loadBalancerControllerTargetGroupBinding', () => {
  test('kube-system/aws-load-balancer-controller; the policy, exactly', () => {
    const { identity, template } = binding();
    expect(identity.bindings.map(b => `${b.namespace}/${b.serviceAccount}`)).toEqual(['kube-system/aws-load-balancer-controller']);
    expect(addonPolicyOf(template).Statement).toEqual([
      { Sid: 'RegisterTargetsInTheGivenTargetGroups', Effect: 'Allow', Action: WRITES, Resource: TG },
      {
        Sid: 'DescribeAndOpenSecurityGroupsOnAnyResource',
        Effect: 'Allow',
        Resource: '*',
        Action: ['ec2:DescribeVpcs', 'ec2:DescribeSecurityGroups', 'ec2:DescribeInstances', 'ec2:AuthorizeSecurityGroupIngress',
          'ec2:RevokeSecurityGroupIngress', 'elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeTargetHealth'],
      },
    ]);
  });

  test('the simulator: the given target group, not another; no load balancer changes', async () => {
    const policy = addonPolicyOf(binding().template);
    for (const action of WRITES) {
      expect(await addonDecision(policy, { action, resource: TG })).toBe('Allowed');
      expect(await addonDecision(policy, { action, resource: tg('payments') })).toBe('Denied');
    }
    expect(await addonDecision(policy, { action: 'elasticloadbalancing:DeleteTargetGroup', resource: TG })).toBe('Denied');
    expect(await addonDecision(policy, { action: 'elasticloadbalancing:DescribeTargetHealth', resource: '*' })).toBe('Allowed');
  });

  test('a typed target group gives the same statements as its ARN', () => {
    const stack = newStack();
    const group = elbv2.ApplicationTargetGroup.fromTargetGroupAttributes(stack, 'Tg', { targetGroupArn: TG });
    AddonIdentity.loadBalancerControllerTargetGroupBinding(stack, 'Tgb', { cluster: importCluster(stack), targetGroups: [group] });
    expect(addonPolicyOf(Template.fromStack(stack))).toEqual(addonPolicyOf(binding().template));
  });

  test('bad inputs', () => {
    expectError(() => binding({}), 'AddonIdentity.loadBalancerControllerTargetGroupBinding Test/Tgb: neither targetGroups nor targetGroupArns is ' +
      'given, expected the target groups TargetGroupBindings name; a policy on every target group of the account is what this library does not write');
    expectError(() => binding({ targetGroupArns: [tg('*')] }), 'AddonIdentity.loadBalancerControllerTargetGroupBinding Test/Tgb: targetGroupArns ' +
      `has "${tg('*')}", expected arn:<partition>:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>`);
  });

  test('fifty target groups fit in one managed policy', () => {
    const arns = Array.from({ length: 50 }, (_, i) => tg(`web-${i}`));
    expect(JSON.stringify(addonPolicyOf(binding({ targetGroupArns: arns }).template)).length).toBeLessThanOrEqual(6144);
  });
});
