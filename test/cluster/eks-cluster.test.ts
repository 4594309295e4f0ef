import { App, Stack, aws_eks as eks, aws_eks_v2 as eksv2 } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EksCluster, PodIdentityAgent, PodIdentityAgentSupport, WorkloadRole } from '../../src';
import { ACCOUNT, REGION, newStack } from '../util/fixtures';

describe('EksCluster.fromClusterAttributes', () => {
  test('by name: the ARN is the stack\'s account and region, literal when they are known', () => {
    const stack = newStack();
    const cluster = EksCluster.fromClusterAttributes(stack, 'Demo', { clusterName: 'demo' });
    expect(cluster.clusterName).toBe('demo');
    expect(cluster.clusterArn).toBe(`arn:aws:eks:${REGION}:${ACCOUNT}:cluster/demo`);
    expect(cluster.env).toMatchObject({ account: ACCOUNT, region: REGION });
  });

  test('the partition follows the region (China)', () => {
    const stack = newStack({ env: { account: ACCOUNT, region: 'cn-north-1' } });
    const cluster = EksCluster.fromClusterAttributes(stack, 'Demo', { clusterName: 'demo' });
    expect(cluster.clusterArn).toBe(`arn:aws-cn:eks:cn-north-1:${ACCOUNT}:cluster/demo`);
  });

  test('in an environment-agnostic stack the ARN is computed at deploy time', () => {
    const stack = new Stack(new App(), 'Agnostic');
    const cluster = EksCluster.fromClusterAttributes(stack, 'Demo', { clusterName: 'demo' });
    expect(stack.resolve(cluster.clusterArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':eks:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':cluster/demo']],
    });
  });

  test('a provided ARN is used, and gives the cluster its account and region', () => {
    const stack = newStack();
    const arn = 'arn:aws:eks:us-east-2:444455556666:cluster/other';
    const cluster = EksCluster.fromClusterAttributes(stack, 'Other', { clusterName: 'other', clusterArn: arn });
    expect(cluster.clusterArn).toBe(arn);
    expect(cluster.env).toMatchObject({ account: '444455556666', region: 'us-east-2' });
  });

  test('the agent is installed as an add-on by default; preinstalled and unavailable can be declared', () => {
    const stack = newStack();
    expect(EksCluster.fromClusterAttributes(stack, 'A', { clusterName: 'a' }).podIdentityAgent.support).toBe(PodIdentityAgentSupport.ADDON);
    const pre = EksCluster.fromClusterAttributes(stack, 'B', { clusterName: 'b', podIdentityAgent: PodIdentityAgent.preinstalled() });
    expect(pre.podIdentityAgent.support).toBe(PodIdentityAgentSupport.PREINSTALLED);
    const fargate = EksCluster.fromClusterAttributes(stack, 'C', { clusterName: 'c', podIdentityAgent: PodIdentityAgent.unavailable('Fargate-only') });
    expect(fargate.podIdentityAgent).toMatchObject({ support: PodIdentityAgentSupport.UNAVAILABLE, reason: 'Fargate-only' });
  });

  test.each([
    ['-demo', 'Invalid EKS cluster name "-demo": expected 1 to 100 characters of letters, digits, \'-\' and \'_\', starting with a letter or digit'],
    ['demo.cluster', 'Invalid EKS cluster name "demo.cluster"'],
    ['', 'Invalid EKS cluster name ""'],
    ['x'.repeat(101), `Invalid EKS cluster name "${'x'.repeat(101)}": expected 1 to 100 characters of letters, digits, '-' and '_', starting with a letter or digit; it has 101 characters`],
  ])('cluster name %p is rejected', (name, message) => {
    expect(() => EksCluster.fromClusterAttributes(newStack(), 'Bad', { clusterName: name })).toThrow(message);
  });

  test('names EKS allows are accepted: letters, digits, - and _ up to 100 characters', () => {
    const stack = newStack();
    for (const [i, name] of ['Demo_1', '0-cluster', 'x'.repeat(100)].entries()) {
      expect(EksCluster.fromClusterAttributes(stack, `C${i}`, { clusterName: name }).clusterName).toBe(name);
    }
  });

  test('an ARN that is not an EKS cluster ARN is rejected', () => {
    expect(() => EksCluster.fromClusterAttributes(newStack(), 'Bad', { clusterName: 'demo', clusterArn: 'arn:aws:ecs:eu-west-1:111122223333:cluster/demo' }))
      .toThrow('Invalid EKS cluster ARN "arn:aws:ecs:eu-west-1:111122223333:cluster/demo": expected arn:<partition>:eks:<region>:<account>:cluster/<name>');
  });

  test('an ARN naming another cluster is rejected', () => {
    expect(() => EksCluster.fromClusterAttributes(newStack(), 'Bad', { clusterName: 'demo', clusterArn: 'arn:aws:eks:eu-west-1:111122223333:cluster/prod' }))
      .toThrow('EKS cluster ARN "arn:aws:eks:eu-west-1:111122223333:cluster/prod" names cluster "prod", but clusterName is "demo"');
  });
});

describe('EksCluster.fromCluster', () => {
  test('wraps an aws-eks-v2 cluster by its name and ARN', () => {
    const stack = newStack();
    const v2 = eksv2.Cluster.fromClusterAttributes(stack, 'V2', { clusterName: 'v2-cluster' });
    const cluster = EksCluster.fromCluster(stack, 'Wrapped', v2);
    expect(cluster.clusterName).toBe('v2-cluster');
    expect(stack.resolve(cluster.clusterArn)).toEqual(stack.resolve(v2.clusterArn));
    expect(cluster.podIdentityAgent.support).toBe(PodIdentityAgentSupport.ADDON);
  });

  test('wraps an aws-eks cluster, with the agent options given', () => {
    const stack = newStack();
    const v1 = eks.Cluster.fromClusterAttributes(stack, 'V1', { clusterName: 'v1-cluster' });
    const cluster = EksCluster.fromCluster(stack, 'Wrapped', v1, { podIdentityAgent: PodIdentityAgent.preinstalled() });
    expect(cluster.clusterName).toBe('v1-cluster');
    expect(cluster.podIdentityAgent.support).toBe(PodIdentityAgentSupport.PREINSTALLED);
    expect(cluster.env.account).toBe(v1.env.account);
  });
});

describe('EksCluster.fromCluster with a cluster defined in the app', () => {
  test('reads the issuer from the cluster, and IRSA trust then needs exactly one CfnJson per role', () => {
    const stack = newStack();
    const cluster = new eksv2.Cluster(stack, 'Eks', { version: eksv2.KubernetesVersion.V1_31 });
    const wrapped = EksCluster.fromCluster(stack, 'Wrapped', cluster);
    expect(stack.resolve(wrapped.oidcIssuerUrl)).toEqual(stack.resolve(cluster.clusterOpenIdConnectIssuerUrl));
    new WorkloadRole(stack, 'Role', { irsa: [{ cluster: wrapped, namespace: 'a', serviceAccount: 'x' }, { cluster: wrapped, namespace: 'b', serviceAccount: 'y' }] });
    const template = Template.fromStack(stack);
    template.resourceCountIs('Custom::AWSCDKCfnJson', 1);
    template.resourceCountIs('AWS::IAM::OIDCProvider', 1);
    // Nothing was added to the cluster construct: aws-eks-v2's own provider (a custom resource) is not created.
    template.resourceCountIs('Custom::AWSCDKOpenIdConnectProvider', 0);
  });
});
