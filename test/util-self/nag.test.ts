import { App, Stack, Stage, aws_dynamodb as dynamodb, aws_iam as iam } from 'aws-cdk-lib';
import { assertNagClean, suppress } from '../util';

function stackWithManagedPolicyRole(scope: App | Stage): { stack: Stack; role: iam.Role } {
  const stack = new Stack(scope, 'Nagged');
  const role = new iam.Role(stack, 'Role', {
    assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com'),
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')],
  });
  return { stack, role };
}

describe('assertNagClean', () => {
  test('a role with an AWS managed policy fails naming the rule and the construct', () => {
    const app = new App();
    stackWithManagedPolicyRole(app);
    expect(() => assertNagClean(app)).toThrow(/cdk-nag AwsSolutions errors \(1\):\n {2}Nagged \/Nagged\/Role\/Resource: AwsSolutions-IAM4\[Policy::arn:<AWS::Partition>:iam::aws:policy\/ReadOnlyAccess\]/);
  });

  test('passes after suppress() with a written reason', () => {
    const app = new App();
    const { role } = stackWithManagedPolicyRole(app);
    suppress(role, 'AwsSolutions-IAM4', 'ReadOnlyAccess is what this test fixture needs.');
    expect(assertNagClean(app)).toEqual([]);
  });

  test('finds errors in stacks of nested stages', () => {
    const app = new App();
    stackWithManagedPolicyRole(new Stage(app, 'Prod'));
    expect(() => assertNagClean(app)).toThrow(/Prod\/Nagged \/Prod\/Nagged\/Role\/Resource: AwsSolutions-IAM4/);
  });

  test('returns warnings without throwing', () => {
    const app = new App();
    const stack = new Stack(app, 'Data');
    new dynamodb.Table(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    const warnings = assertNagClean(app);
    expect(warnings).toEqual([expect.stringMatching(/^Data \/Data\/Table\/Resource: AwsSolutions-DDB3/)]);
  });

  test('suppress() refuses a short reason', () => {
    const { role } = stackWithManagedPolicyRole(new App());
    expect(() => suppress(role, 'AwsSolutions-IAM4', 'needed')).toThrow(/at least 20 characters/);
    expect(() => suppress(role, 'AwsSolutions-IAM4', '                         x')).toThrow(/at least 20 characters/);
  });
});
