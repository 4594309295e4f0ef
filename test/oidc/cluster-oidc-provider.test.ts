import { App, CfnParameter, Stack, aws_eks_v2 as eksv2 } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ClusterOidcProvider, EksCluster, WorkloadIdentity, IdentityMechanism } from '../../src';
import { newStack } from '../util/fixtures';
import { eksIssuer, providerArnFor } from '../util/irsa-sim';

const ISSUER = eksIssuer('ABCDEF0123456789');

describe('ClusterOidcProvider', () => {
  test('created once per issuer in an app however many identities, imports and stacks need it', () => {
    const app = new App();
    const a = newStack({ stackName: 'A' }, app);
    const b = newStack({ stackName: 'B' }, app);
    const inA = EksCluster.fromClusterAttributes(a, 'Demo', { clusterName: 'demo', oidcIssuerUrl: ISSUER });
    const again = EksCluster.fromClusterAttributes(a, 'DemoAgain', { clusterName: 'demo', oidcIssuerUrl: ISSUER });
    const inB = EksCluster.fromClusterAttributes(b, 'Demo', { clusterName: 'demo', oidcIssuerUrl: ISSUER });
    new WorkloadIdentity(a, 'One', { cluster: inA, namespace: 'apps', serviceAccount: 'one', mechanism: IdentityMechanism.IRSA });
    new WorkloadIdentity(a, 'Two', { cluster: again, namespace: 'apps', serviceAccount: 'two', mechanism: IdentityMechanism.IRSA });
    new WorkloadIdentity(b, 'Three', { cluster: inB, namespace: 'apps', serviceAccount: 'three', mechanism: IdentityMechanism.IRSA });
    Template.fromStack(a).resourceCountIs('AWS::IAM::OIDCProvider', 1);
    Template.fromStack(b).resourceCountIs('AWS::IAM::OIDCProvider', 0);
    expect(ClusterOidcProvider.forCluster(inB)).toBe(ClusterOidcProvider.forCluster(inA));
    Template.fromStack(a).hasResourceProperties('AWS::IAM::OIDCProvider', { Url: ISSUER, ClientIdList: ['sts.amazonaws.com'] });
  });

  test('an existing provider is imported by ARN, and nothing is created', () => {
    const stack = newStack();
    const cluster = EksCluster.fromClusterAttributes(stack, 'Demo', { clusterName: 'demo', oidcIssuerUrl: ISSUER, oidcProviderArn: providerArnFor(ISSUER) });
    const provider = ClusterOidcProvider.forCluster(cluster);
    expect(provider.created).toBe(false);
    expect(provider.provider.oidcProviderArn).toBe(providerArnFor(ISSUER));
    new WorkloadIdentity(stack, 'Id', { cluster, namespace: 'apps', serviceAccount: 'api', mechanism: IdentityMechanism.IRSA });
    Template.fromStack(stack).resourceCountIs('AWS::IAM::OIDCProvider', 0);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Federated: providerArnFor(ISSUER) } })] },
    });
  });

  test('a second provider for the same issuer is an error naming the first', () => {
    const stack = newStack();
    new ClusterOidcProvider(stack, 'First', { issuerUrl: ISSUER });
    expect(() => new ClusterOidcProvider(stack, 'Second', { issuerUrl: ISSUER })).toThrow(
      `ClusterOidcProvider Test/Second: issuer ${ISSUER} already has an IAM OIDC provider in this app at Test/First; ` +
      'use ClusterOidcProvider.forCluster(cluster) to share it');
  });

  test('a cluster in an environment-agnostic stack with a deploy-time issuer still gets one provider', () => {
    const stack = new Stack(new App(), 'Agnostic');
    const issuer = new CfnParameter(stack, 'Issuer').valueAsString;
    const one = EksCluster.fromClusterAttributes(stack, 'One', { clusterName: 'demo', oidcIssuerUrl: issuer });
    const two = EksCluster.fromClusterAttributes(stack, 'Two', { clusterName: 'demo', oidcIssuerUrl: issuer });
    expect(ClusterOidcProvider.forCluster(one)).toBe(ClusterOidcProvider.forCluster(two));
  });
});

describe('EksCluster OIDC attributes', () => {
  test.each([
    ['http://oidc.eks.eu-west-1.amazonaws.com/id/X'],
    ['oidc.eks.eu-west-1.amazonaws.com/id/X'],
    ['https://oidc.eks.eu-west-1.amazonaws.com/id/X?x=1'],
    ['https://oidc.eks.eu-west-1.amazonaws.com/id/X#frag'],
    [`https://example.com/${'x'.repeat(240)}`],
  ])('issuer %p is rejected', (url) => {
    expect(() => EksCluster.fromClusterAttributes(newStack(), 'Bad', { clusterName: 'demo', oidcIssuerUrl: url })).toThrow(
      `Invalid OIDC issuer URL ${JSON.stringify(url)}: expected an https:// URL without query or fragment, at most 255 characters, ` +
      'like https://oidc.eks.<region>.amazonaws.com/id/<id>');
  });

  test('a provider ARN that is not an OIDC provider ARN is rejected', () => {
    expect(() => EksCluster.fromClusterAttributes(newStack(), 'Bad', { clusterName: 'demo', oidcIssuerUrl: ISSUER, oidcProviderArn: 'arn:aws:iam::111122223333:role/x' }))
      .toThrow('Invalid IAM OIDC provider ARN "arn:aws:iam::111122223333:role/x": expected arn:<partition>:iam::<account>:oidc-provider/<issuer host and path>');
  });

  test('a provider ARN for another issuer is rejected', () => {
    const other = providerArnFor(eksIssuer('OTHER'));
    expect(() => EksCluster.fromClusterAttributes(newStack(), 'Bad', { clusterName: 'demo', oidcIssuerUrl: ISSUER, oidcProviderArn: other }))
      .toThrow(`IAM OIDC provider "${other}" is for issuer "https://oidc.eks.eu-west-1.amazonaws.com/id/OTHER", but oidcIssuerUrl is "${ISSUER}"`);
  });

  test('fromCluster takes the issuer and provider as options', () => {
    const stack = newStack();
    const v2 = eksv2.Cluster.fromClusterAttributes(stack, 'V2', { clusterName: 'v2' });
    const cluster = EksCluster.fromCluster(stack, 'Wrapped', v2, { oidcIssuerUrl: ISSUER, oidcProviderArn: providerArnFor(ISSUER) });
    expect(cluster.oidcIssuerUrl).toBe(ISSUER);
    expect(cluster.oidcProviderArn).toBe(providerArnFor(ISSUER));
  });
});
