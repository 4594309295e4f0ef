import { Template } from 'aws-cdk-lib/assertions';
import { AddonIdentity, IdentityMechanism } from '../../src';
import { expectError } from '../util/errors';
import { importCluster, newStack } from '../util/fixtures';

const managed = (name: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::aws:policy/${name}`]] });

function cloudWatch(props: Partial<Parameters<typeof AddonIdentity.cloudWatchObservability>[2]> = {}) {
  const stack = newStack();
  const identity = AddonIdentity.cloudWatchObservability(stack, 'Cw', { cluster: importCluster(stack), ...props });
  return { identity, template: Template.fromStack(stack) };
}

describe('AddonIdentity.cloudWatchObservability', () => {
  test('amazon-cloudwatch/cloudwatch-agent with the two AWS managed policies, and no customer policy', () => {
    const { identity, template } = cloudWatch();
    expect(identity.bindings.map(b => `${b.namespace}/${b.serviceAccount}`)).toEqual(['amazon-cloudwatch/cloudwatch-agent']);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: [managed('CloudWatchAgentServerPolicy'), managed('AWSXrayWriteOnlyAccess')] });
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Namespace: 'amazon-cloudwatch', ServiceAccount: 'cloudwatch-agent' });
  });

  test('xray: false leaves X-Ray out', () => {
    cloudWatch({ xray: false }).template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: [managed('CloudWatchAgentServerPolicy')] });
    expectError(() => cloudWatch({ xray: 'no' as any }), 'AddonIdentity.cloudWatchObservability Test/Cw: xray is "no" (string), expected true or false');
  });

  test('installAddon: the EKS add-on names the role; IRSA: its ServiceAccountRoleArn', () => {
    const { template } = cloudWatch({ installAddon: {} });
    template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 0);
    template.hasResourceProperties('AWS::EKS::Addon', {
      AddonName: 'amazon-cloudwatch-observability', PodIdentityAssociations: [{ ServiceAccount: 'cloudwatch-agent' }],
    });
    const stack = newStack();
    const cluster = importCluster(stack, 'demo', { oidcIssuerUrl: 'https://oidc.eks.eu-west-1.amazonaws.com/id/ABC' });
    AddonIdentity.cloudWatchObservability(stack, 'Cw', { cluster, mechanism: IdentityMechanism.IRSA, installAddon: {} });
    const irsa = Template.fromStack(stack);
    const [roleId] = Object.keys(irsa.findResources('AWS::IAM::Role'));
    irsa.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'amazon-cloudwatch-observability', ServiceAccountRoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] } });
  });
});
