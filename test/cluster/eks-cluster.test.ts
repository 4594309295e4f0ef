import { App, CfnParameter, Stack, aws_eks as eks, aws_eks_v2 as eksv2 } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ClusterOidcProvider, EksCluster, PodIdentityAgent, PodIdentityAgentSupport, WorkloadRole } from '../../src';
import { expectError } from '../util/errors';
import { ACCOUNT, REGION, logicalIdsOf, newStack } from '../util/fixtures';
import { eksIssuer, irsaDecision, providerArnFor } from '../util/irsa-sim';

const ISSUER = eksIssuer('ABCDEF0123456789');

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
    ['-demo', ''],
    ['demo.cluster', ''],
    ['', ''],
    ['x'.repeat(101), ' (it has 101 characters)'],
  ])('cluster name %p is rejected', (name, note) => {
    expectError(() => EksCluster.fromClusterAttributes(newStack(), 'Bad', { clusterName: name }),
      `EksCluster Test/Bad: clusterName ${JSON.stringify(name)} is not an EKS cluster name${note}, expected 1 to 100 characters of ` +
      'letters, digits, \'-\' and \'_\', starting with a letter or digit');
  });

  test.each<[unknown, string]>([
    [42, '42 (number)'],
    [undefined, 'undefined (undefined)'],
    [null, 'null (null)'],
  ])('a clusterName that is not a string (JavaScript), %p, is rejected', (name, shown) => {
    expectError(() => EksCluster.fromClusterAttributes(newStack(), 'Bad', { clusterName: name as string }),
      `EksCluster Test/Bad: clusterName is ${shown}, expected a string`);
  });

  test('names EKS allows are accepted: letters, digits, - and _ up to 100 characters', () => {
    const stack = newStack();
    for (const [i, name] of ['Demo_1', '0-cluster', 'x'.repeat(100)].entries()) {
      expect(EksCluster.fromClusterAttributes(stack, `C${i}`, { clusterName: name }).clusterName).toBe(name);
    }
  });

  test('an ARN that is not an EKS cluster ARN is rejected', () => {
    expectError(() => EksCluster.fromClusterAttributes(newStack(), 'Bad', { clusterName: 'demo', clusterArn: 'arn:aws:ecs:eu-west-1:111122223333:cluster/demo' }),
      'EksCluster Test/Bad: clusterArn "arn:aws:ecs:eu-west-1:111122223333:cluster/demo" is not an EKS cluster ARN, expected ' +
      'arn:<partition>:eks:<region>:<account>:cluster/<name>');
  });

  test('an ARN naming another cluster is rejected', () => {
    expectError(() => EksCluster.fromClusterAttributes(newStack(), 'Bad', { clusterName: 'demo', clusterArn: 'arn:aws:eks:eu-west-1:111122223333:cluster/prod' }),
      'EksCluster Test/Bad: clusterArn "arn:aws:eks:eu-west-1:111122223333:cluster/prod" names cluster "prod", but clusterName is ' +
      '"demo", expected the ARN of the cluster named clusterName');
  });

  test('a clusterArn that is not a string (JavaScript) is rejected', () => {
    expectError(() => EksCluster.fromClusterAttributes(newStack(), 'Bad', { clusterName: 'demo', clusterArn: 5 as unknown as string }),
      'EksCluster Test/Bad: clusterArn is 5, expected an EKS cluster ARN');
  });

  test('an ARN whose partition is not its region\'s is rejected', () => {
    const stack = newStack({ env: { account: ACCOUNT, region: 'cn-north-1' } });
    expectError(() => EksCluster.fromClusterAttributes(stack, 'Bad', { clusterName: 'demo', clusterArn: 'arn:aws:eks:cn-north-1:111122223333:cluster/demo' }),
      'EksCluster Test/Bad: clusterArn "arn:aws:eks:cn-north-1:111122223333:cluster/demo" has partition "aws" but region "cn-north-1", ' +
      'which is in partition "aws-cn", expected an ARN of the form arn:aws-cn:eks:cn-north-1:...');
  });

  test('an ARN in another partition than the stack\'s is rejected', () => {
    expectError(() => EksCluster.fromClusterAttributes(newStack(), 'Bad', { clusterName: 'demo', clusterArn: 'arn:aws-cn:eks:cn-north-1:111122223333:cluster/demo' }),
      'EksCluster Test/Bad: clusterArn "arn:aws-cn:eks:cn-north-1:111122223333:cluster/demo" is in partition "aws-cn", but stack Test ' +
      'deploys to region "eu-west-1" in partition "aws", expected an ARN in partition "aws"; IAM roles, OIDC providers and EKS clusters ' +
      'of one identity must share a partition');
  });

  test.each<[string, unknown, string]>([
    ['an enum value', 'ADDON', '"ADDON"'],
    ['a look-alike object', { support: 'ADDON' }, '{"support":"ADDON"}'],
  ])('a podIdentityAgent that is not a PodIdentityAgent (%s) is rejected', (_, agent, shown) => {
    expectError(() => EksCluster.fromClusterAttributes(newStack(), 'Bad', { clusterName: 'demo', podIdentityAgent: agent as PodIdentityAgent }),
      `EksCluster Test/Bad: podIdentityAgent is ${shown}, expected PodIdentityAgent.addon(), PodIdentityAgent.preinstalled() or ` +
      'PodIdentityAgent.unavailable(reason)');
  });
});

describe('EksCluster OIDC issuer and provider', () => {
  test('an EKS issuer of another region than the cluster\'s is rejected', () => {
    const issuer = 'https://oidc.eks.us-west-2.amazonaws.com/id/X';
    expectError(() => EksCluster.fromClusterAttributes(newStack(), 'Bad', { clusterName: 'demo', oidcIssuerUrl: issuer }),
      `EksCluster Test/Bad: oidcIssuerUrl "${issuer}" is the issuer of an EKS cluster in region us-west-2, but the cluster is in ` +
      'eu-west-1, expected the cluster\'s own issuer, https://oidc.eks.eu-west-1.<domain>/id/<id>; run aws eks describe-cluster ' +
      '--region eu-west-1 --name <cluster> --query cluster.identity.oidc.issuer');
  });

  test('the issuer region is checked against the cluster\'s region, which its ARN gives, not the stack\'s', () => {
    const stack = newStack();
    const issuer = 'https://oidc.eks.us-west-2.amazonaws.com/id/X';
    const cluster = EksCluster.fromClusterAttributes(stack, 'Far', { clusterName: 'far', clusterArn: 'arn:aws:eks:us-west-2:111122223333:cluster/far', oidcIssuerUrl: issuer });
    expect(cluster.oidcIssuerUrl).toBe(issuer);
    expectError(() => EksCluster.fromClusterAttributes(stack, 'Bad', { clusterName: 'far', clusterArn: 'arn:aws:eks:us-west-2:111122223333:cluster/far', oidcIssuerUrl: ISSUER }),
      `EksCluster Test/Bad: oidcIssuerUrl "${ISSUER}" is the issuer of an EKS cluster in region eu-west-1, but the cluster is in ` +
      'us-west-2, expected the cluster\'s own issuer, https://oidc.eks.us-west-2.<domain>/id/<id>; run aws eks describe-cluster ' +
      '--region us-west-2 --name <cluster> --query cluster.identity.oidc.issuer');
  });

  test('an issuer that is not an EKS issuer is not checked for its region', () => {
    const cluster = EksCluster.fromClusterAttributes(newStack(), 'Demo', { clusterName: 'demo', oidcIssuerUrl: 'https://issuer.example.com/clusters/demo' });
    expect(cluster.oidcIssuerUrl).toBe('https://issuer.example.com/clusters/demo');
  });

  test('oidcProviderArn without oidcIssuerUrl gives the issuer, and IRSA uses the provider without creating one', async () => {
    const stack = newStack();
    const cluster = EksCluster.fromClusterAttributes(stack, 'Demo', { clusterName: 'demo', oidcProviderArn: providerArnFor(ISSUER) });
    expect(cluster.oidcIssuerUrl).toBe(ISSUER);
    expect(cluster.oidcProviderArn).toBe(providerArnFor(ISSUER));
    new WorkloadRole(stack, 'Role', { irsa: [{ cluster, namespace: 'apps', serviceAccount: 'api' }] });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::OIDCProvider', 0);
    const [roleId] = logicalIdsOf(template, 'AWS::IAM::Role');
    expect(await irsaDecision(template, roleId, { issuer: ISSUER, namespace: 'apps', serviceAccount: 'api' })).toBe('Allowed');
    expect(await irsaDecision(template, roleId, { issuer: ISSUER, namespace: 'apps', serviceAccount: 'other' })).toBe('Denied');
  });

  test('the issuer an oidcProviderArn gives is checked like oidcIssuerUrl', () => {
    const arn = 'arn:aws:iam::111122223333:oidc-provider/issuer.example.com:8443/x';
    expectError(() => EksCluster.fromClusterAttributes(newStack(), 'Bad', { clusterName: 'demo', oidcProviderArn: arn }),
      'EksCluster Test/Bad: the issuer of oidcProviderArn "https://issuer.example.com:8443/x" has a port, expected an https:// URL with ' +
      'a host name and an optional path, without port, user, query, fragment or whitespace, at most 255 characters, like ' +
      'https://oidc.eks.<region>.amazonaws.com/id/<id>; IAM OIDC providers take no port: serve the issuer on 443 and drop the port');
  });

  test('an oidcProviderArn known only at deploy time needs oidcIssuerUrl', () => {
    const stack = newStack();
    const arn = new CfnParameter(stack, 'ProviderArn').valueAsString;
    expectError(() => EksCluster.fromClusterAttributes(stack, 'Bad', { clusterName: 'demo', oidcProviderArn: arn }),
      'EksCluster Test/Bad: oidcProviderArn is known only at deploy time and oidcIssuerUrl is not set, expected oidcIssuerUrl too: IRSA ' +
      'trust conditions are keyed by the issuer; set oidcIssuerUrl to the cluster\'s issuer');
    const cluster = EksCluster.fromClusterAttributes(stack, 'Demo', { clusterName: 'demo', oidcProviderArn: arn, oidcIssuerUrl: ISSUER });
    expect(cluster.oidcIssuerUrl).toBe(ISSUER);
  });

  test('an oidcProviderArn in another partition than the stack\'s is rejected', () => {
    const arn = `arn:aws-cn:iam::111122223333:oidc-provider/${ISSUER.replace('https://', '')}`;
    expectError(() => EksCluster.fromClusterAttributes(newStack(), 'Bad', { clusterName: 'demo', oidcIssuerUrl: ISSUER, oidcProviderArn: arn }),
      `EksCluster Test/Bad: oidcProviderArn "${arn}" is in partition "aws-cn", but stack Test deploys to region "eu-west-1" in partition ` +
      '"aws", expected an ARN in partition "aws"; IAM roles, OIDC providers and EKS clusters of one identity must share a partition');
  });
});

describe('EksCluster in other partitions', () => {
  test('China: an aws-cn cluster ARN and a .amazonaws.com.cn issuer in a cn-north-1 stack; IRSA names an aws-cn provider', () => {
    const stack = newStack({ env: { account: ACCOUNT, region: 'cn-north-1' } });
    const issuer = 'https://oidc.eks.cn-north-1.amazonaws.com.cn/id/X';
    const cluster = EksCluster.fromClusterAttributes(stack, 'Demo', {
      clusterName: 'demo', clusterArn: `arn:aws-cn:eks:cn-north-1:${ACCOUNT}:cluster/demo`, oidcIssuerUrl: issuer,
    });
    expect(cluster.env).toMatchObject({ account: ACCOUNT, region: 'cn-north-1' });
    expect(cluster.oidcIssuerUrl).toBe(issuer);
    new WorkloadRole(stack, 'Role', { irsa: [{ cluster, namespace: 'apps', serviceAccount: 'api' }] });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::OIDCProvider', { Url: issuer });
    expect(ClusterOidcProvider.forCluster(cluster).literalProviderArn).toBe(`arn:aws-cn:iam::${ACCOUNT}:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/X`);
  });

  test('GovCloud: an aws-us-gov cluster ARN and issuer in a us-gov-west-1 stack', () => {
    const stack = newStack({ env: { account: ACCOUNT, region: 'us-gov-west-1' } });
    const issuer = 'https://oidc.eks.us-gov-west-1.amazonaws.com/id/X';
    const cluster = EksCluster.fromClusterAttributes(stack, 'Demo', {
      clusterName: 'demo', clusterArn: `arn:aws-us-gov:eks:us-gov-west-1:${ACCOUNT}:cluster/demo`, oidcIssuerUrl: issuer,
    });
    expect(cluster.env).toMatchObject({ account: ACCOUNT, region: 'us-gov-west-1' });
    new WorkloadRole(stack, 'Role', { irsa: [{ cluster, namespace: 'apps', serviceAccount: 'api' }] });
    Template.fromStack(stack).resourceCountIs('AWS::IAM::OIDCProvider', 1);
    expect(ClusterOidcProvider.forCluster(cluster).literalProviderArn).toBe(`arn:aws-us-gov:iam::${ACCOUNT}:oidc-provider/oidc.eks.us-gov-west-1.amazonaws.com/id/X`);
  });

  test('GovCloud: a default cluster ARN is in aws-us-gov', () => {
    const stack = newStack({ env: { account: ACCOUNT, region: 'us-gov-east-1' } });
    expect(EksCluster.fromClusterAttributes(stack, 'Demo', { clusterName: 'demo' }).clusterArn).toBe(`arn:aws-us-gov:eks:us-gov-east-1:${ACCOUNT}:cluster/demo`);
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
