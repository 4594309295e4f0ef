import { aws_iam as iam } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AddonIdentity } from '../../src';
import { synthErrors } from '../util/errors';
import { importCluster, newStack } from '../util/fixtures';

// The limits the framework checks at synthesis, on one add-on (external-dns): every add-on shares them.
const zones = (n: number) => Array.from({ length: n }, (_, i) => `arn:aws:route53:::hostedzone/Z${String(i).padStart(20, '0')}`);

describe('AddonIdentity: IAM\'s limits, checked at synthesis', () => {
  test('a policy over 6,144 characters fails, naming the add-on, its size and what to split', () => {
    const stack = newStack();
    AddonIdentity.externalDns(stack, 'Dns', { cluster: importCluster(stack), hostedZoneArns: zones(160) });
    const [error] = synthErrors(stack);
    expect(error).toMatch(new RegExp('^\\[Test/Dns\\] AddonIdentity.externalDns Test/Dns: the policy of external-dns is \\d{4} characters ' +
      '\\(whitespace removed\\), expected at most 6144 \\(IAM\'s limit for a managed policy\\); give one identity fewer hosted zones, ' +
      'and the others to a second identity with its own service account$'));
    expect(Number(/is (\d+) characters/.exec(error)![1])).toBeGreaterThan(6144);
  });

  test('at the limit it passes: the largest number of zones that fits synthesizes', () => {
    // Each zone ARN adds its characters plus quotes and a comma; find the largest count that fits, then one more fails.
    let n = 1;
    const fits = (k: number) => {
      const stack = newStack();
      AddonIdentity.externalDns(stack, 'Dns', { cluster: importCluster(stack), hostedZoneArns: zones(k) });
      try {
        Template.fromStack(stack);
        return true;
      } catch {
        return false;
      }
    };
    while (fits(n * 2)) n *= 2;
    let hi = n * 2;
    while (hi - n > 1) {
      const mid = Math.floor((n + hi) / 2);
      if (fits(mid)) n = mid; else hi = mid;
    }
    const stack = newStack();
    AddonIdentity.externalDns(stack, 'Dns', { cluster: importCluster(stack), hostedZoneArns: zones(n) });
    const [policy] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy')) as any[];
    const size = JSON.stringify(policy.Properties.PolicyDocument).length;
    expect(size).toBeLessThanOrEqual(6144);
    expect(size + 'arn:aws:route53:::hostedzone/Z00000000000000000000'.length + 3).toBeGreaterThan(6144);
  });

  test('more than 10 managed policies on the role warn (IAM\'s default quota); more than 20 fail', () => {
    const add = (stack: ReturnType<typeof newStack>, n: number) => {
      const identity = AddonIdentity.externalDns(stack, 'Dns', { cluster: importCluster(stack), hostedZoneArns: zones(1) });
      for (let i = 0; i < n; i++) identity.role.addManagedPolicy(iam.ManagedPolicy.fromManagedPolicyName(stack, `P${i}`, `extra-${i}`));
    };
    const warned = newStack();
    add(warned, 10);
    Annotations.fromStack(warned).hasWarning('/Test/Dns', Match.stringLikeRegexp('The role has 11 managed policies: over IAM\'s default quota of 10'));
    const failed = newStack();
    add(failed, 20);
    expect(synthErrors(failed)).toEqual([
      '[Test/Dns] AddonIdentity.externalDns Test/Dns: the role has 21 managed policies, expected at most 20 (IAM\'s largest quota)',
    ]);
  });
});
