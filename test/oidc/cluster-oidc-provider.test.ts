import { App, CfnParameter, Stack, aws_eks_v2 as eksv2 } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ClusterOidcProvider, EksCluster, WorkloadIdentity, WorkloadRole, IdentityMechanism, type IWorkloadCluster } from '../../src';
import { expectError } from '../util/errors';
import { ACCOUNT, REGION, logicalIdsOf, newStack } from '../util/fixtures';
import { eksIssuer, irsaDecision, providerArnFor } from '../util/irsa-sim';

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
    expectError(() => new ClusterOidcProvider(stack, 'Second', { issuerUrl: ISSUER }),
      `ClusterOidcProvider Test/Second: issuer ${ISSUER} already has an IAM OIDC provider in this app at Test/First, expected one ` +
      'provider per issuer and account; use ClusterOidcProvider.forCluster(cluster) to share it');
  });

  test('a second provider for the same issuer in another stack of the same account is an error too', () => {
    const app = new App();
    new ClusterOidcProvider(newStack({ stackName: 'A' }, app), 'First', { issuerUrl: ISSUER });
    const other = newStack({ stackName: 'B', env: { account: ACCOUNT, region: 'us-east-1' } }, app);
    expectError(() => new ClusterOidcProvider(other, 'Second', { issuerUrl: ISSUER }),
      `ClusterOidcProvider B/Second: issuer ${ISSUER} already has an IAM OIDC provider in this app at A/First, expected one ` +
      'provider per issuer and account; use ClusterOidcProvider.forCluster(cluster) to share it');
  });

  test('providers for one issuer in two accounts are two providers', () => {
    const app = new App();
    const a = new ClusterOidcProvider(newStack({ stackName: 'A' }, app), 'Provider', { issuerUrl: ISSUER });
    const b = new ClusterOidcProvider(newStack({ stackName: 'B', env: { account: '444455556666', region: REGION } }, app), 'Provider', { issuerUrl: ISSUER });
    expect([a.account, b.account]).toEqual([ACCOUNT, '444455556666']);
    expect(b.literalProviderArn).toBe(providerArnFor(ISSUER, '444455556666'));
  });

  test('literalProviderArn: the ARN IAM gives a created provider when account, region and issuer are literal; an imported literal ARN', () => {
    const stack = newStack();
    expect(new ClusterOidcProvider(stack, 'Created', { issuerUrl: ISSUER }).literalProviderArn).toBe(providerArnFor(ISSUER));
    const other = eksIssuer('OTHER');
    const imported = new ClusterOidcProvider(stack, 'Imported', { issuerUrl: other, providerArn: providerArnFor(other) });
    expect(imported.literalProviderArn).toBe(providerArnFor(other));
    expect(imported.created).toBe(false);
  });

  test('literalProviderArn is undefined when the account, the issuer or the imported ARN is known only at deploy time', () => {
    const agnostic = new Stack(new App(), 'Agnostic');
    expect(new ClusterOidcProvider(agnostic, 'Provider', { issuerUrl: ISSUER }).literalProviderArn).toBeUndefined();
    const stack = newStack();
    const issuer = new CfnParameter(stack, 'Issuer').valueAsString;
    expect(new ClusterOidcProvider(stack, 'DeployTimeIssuer', { issuerUrl: issuer }).literalProviderArn).toBeUndefined();
    const arn = new CfnParameter(stack, 'ProviderArn').valueAsString;
    expect(new ClusterOidcProvider(stack, 'DeployTimeArn', { issuerUrl: ISSUER, providerArn: arn }).literalProviderArn).toBeUndefined();
  });

  test('a cluster in an environment-agnostic stack with a deploy-time issuer still gets one provider', () => {
    const stack = new Stack(new App(), 'Agnostic');
    const issuer = new CfnParameter(stack, 'Issuer').valueAsString;
    const one = EksCluster.fromClusterAttributes(stack, 'One', { clusterName: 'demo', oidcIssuerUrl: issuer });
    const two = EksCluster.fromClusterAttributes(stack, 'Two', { clusterName: 'demo', oidcIssuerUrl: issuer });
    expect(ClusterOidcProvider.forCluster(one)).toBe(ClusterOidcProvider.forCluster(two));
  });
});

const ISSUER_EXPECTED = 'an https:// URL with a host name and an optional path, without port, user, query, fragment or whitespace, ' +
  'at most 255 characters, like https://oidc.eks.<region>.amazonaws.com/id/<id>';

describe('EksCluster OIDC attributes', () => {
  const LONG = `https://example.com/${'x'.repeat(240)}`;
  test.each<[string, string, string]>([
    [`${ISSUER}\n`, 'has leading or trailing whitespace', '; remove it (aws eks describe-cluster --output text adds a newline)'],
    [`${ISSUER} `, 'has leading or trailing whitespace', '; remove it (aws eks describe-cluster --output text adds a newline)'],
    [` ${ISSUER}`, 'has leading or trailing whitespace', '; remove it (aws eks describe-cluster --output text adds a newline)'],
    ['https://oidc.eks.eu-west-1.amazonaws.com/id/AB CD', 'contains whitespace', ''],
    ['http://oidc.eks.eu-west-1.amazonaws.com/id/X', 'is http://, which IAM refuses', ''],
    ['oidc.eks.eu-west-1.amazonaws.com/id/X', 'does not start with https://', ''],
    [LONG, 'has 260 characters', ''],
    ['https://oidc.eks.eu-west-1.amazonaws.com/id/X?x=1', 'has a query', ''],
    ['https://oidc.eks.eu-west-1.amazonaws.com/id/X#frag', 'has a fragment', ''],
    ['https://user@oidc.eks.eu-west-1.amazonaws.com/id/X', 'has user information', ''],
    ['https://user:secret@oidc.eks.eu-west-1.amazonaws.com/id/X', 'has user information', ''],
    ['https://oidc.eks.eu-west-1.amazonaws.com:443/id/X', 'has a port',
      '; IAM OIDC providers take no port: serve the issuer on 443 and drop the port'],
    ['https://issuer_1.example.com/x', 'has host "issuer_1.example.com", which is not a DNS name', ''],
    ['https:///id/X', 'has host "", which is not a DNS name', ''],
    ['https://example.com//id/X', 'has an empty path segment', ''],
  ])('issuer %j is rejected', (url, why, fix) => {
    expectError(() => EksCluster.fromClusterAttributes(newStack(), 'Bad', { clusterName: 'demo', oidcIssuerUrl: url }),
      `EksCluster Test/Bad: oidcIssuerUrl ${JSON.stringify(url)} ${why}, expected ${ISSUER_EXPECTED}${fix}`);
  });

  test.each([
    ['an EKS issuer', ISSUER],
    ['a host without a path', 'https://issuer.example.com'],
    ['a path with a trailing slash', 'https://issuer.example.com/clusters/demo/'],
    ['255 characters', `https://example.com/${'x'.repeat(235)}`],
  ])('issuer with %s is accepted', (_, url) => {
    expect(EksCluster.fromClusterAttributes(newStack(), 'Demo', { clusterName: 'demo', oidcIssuerUrl: url }).oidcIssuerUrl).toBe(url);
  });

  test('an issuer that is not a string (JavaScript) is rejected', () => {
    expectError(() => EksCluster.fromClusterAttributes(newStack(), 'Bad', { clusterName: 'demo', oidcIssuerUrl: 42 as unknown as string }),
      `EksCluster Test/Bad: oidcIssuerUrl is 42, expected ${ISSUER_EXPECTED}`);
  });

  test('a provider ARN that is not an OIDC provider ARN is rejected', () => {
    expectError(() => EksCluster.fromClusterAttributes(newStack(), 'Bad', { clusterName: 'demo', oidcIssuerUrl: ISSUER, oidcProviderArn: 'arn:aws:iam::111122223333:role/x' }),
      'EksCluster Test/Bad: oidcProviderArn "arn:aws:iam::111122223333:role/x" is not an IAM OIDC provider ARN, expected ' +
      'arn:<partition>:iam::<account>:oidc-provider/<issuer host and path>');
  });

  test('a provider ARN for another issuer is rejected', () => {
    const other = providerArnFor(eksIssuer('OTHER'));
    expectError(() => EksCluster.fromClusterAttributes(newStack(), 'Bad', { clusterName: 'demo', oidcIssuerUrl: ISSUER, oidcProviderArn: other }),
      `EksCluster Test/Bad: oidcProviderArn "${other}" is the provider of issuer "https://oidc.eks.eu-west-1.amazonaws.com/id/OTHER", ` +
      `but oidcIssuerUrl is "${ISSUER}", expected the ARN of the provider for ${ISSUER}; ` +
      'arn:<partition>:iam::<account>:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789');
  });

  test('fromCluster takes the issuer and provider as options', () => {
    const stack = newStack();
    const v2 = eksv2.Cluster.fromClusterAttributes(stack, 'V2', { clusterName: 'v2' });
    const cluster = EksCluster.fromCluster(stack, 'Wrapped', v2, { oidcIssuerUrl: ISSUER, oidcProviderArn: providerArnFor(ISSUER) });
    expect(cluster.oidcIssuerUrl).toBe(ISSUER);
    expect(cluster.oidcProviderArn).toBe(providerArnFor(ISSUER));
  });
});

describe('ClusterOidcProvider across imports of one issuer', () => {
  const irsa = (cluster: IWorkloadCluster, serviceAccount: string) => ({ cluster, namespace: 'apps', serviceAccount });

  test('the import with oidcProviderArn first: an import without it uses the same provider, and none is created', async () => {
    const stack = newStack();
    const withArn = EksCluster.fromClusterAttributes(stack, 'WithArn', { clusterName: 'demo', oidcIssuerUrl: ISSUER, oidcProviderArn: providerArnFor(ISSUER) });
    const withoutArn = EksCluster.fromClusterAttributes(stack, 'WithoutArn', { clusterName: 'demo', oidcIssuerUrl: ISSUER });
    new WorkloadRole(stack, 'Role', { irsa: [irsa(withoutArn, 'api')] });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::OIDCProvider', 0);
    const provider = ClusterOidcProvider.forCluster(withoutArn);
    expect(provider).toBe(ClusterOidcProvider.forCluster(withArn));
    expect(provider.created).toBe(false);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Federated: providerArnFor(ISSUER) } })] },
    });
    const [roleId] = logicalIdsOf(template, 'AWS::IAM::Role');
    expect(await irsaDecision(template, roleId, { issuer: ISSUER, namespace: 'apps', serviceAccount: 'api' })).toBe('Allowed');
  });

  test('an import without oidcProviderArn defined first, but used for IRSA after the import with it, uses the existing provider', () => {
    const stack = newStack();
    const withoutArn = EksCluster.fromClusterAttributes(stack, 'WithoutArn', { clusterName: 'demo', oidcIssuerUrl: ISSUER });
    EksCluster.fromClusterAttributes(stack, 'WithArn', { clusterName: 'demo', oidcIssuerUrl: ISSUER, oidcProviderArn: providerArnFor(ISSUER) });
    new WorkloadRole(stack, 'Role', { irsa: [irsa(withoutArn, 'api')] });
    Template.fromStack(stack).resourceCountIs('AWS::IAM::OIDCProvider', 0);
    expect(ClusterOidcProvider.forCluster(withoutArn).provider.oidcProviderArn).toBe(providerArnFor(ISSUER));
  });

  test('an import with oidcProviderArn after an IRSA identity created a provider from an import without it is an error', () => {
    const stack = newStack();
    const withoutArn = EksCluster.fromClusterAttributes(stack, 'WithoutArn', { clusterName: 'demo', oidcIssuerUrl: ISSUER });
    new WorkloadRole(stack, 'Role', { irsa: [irsa(withoutArn, 'api')] });
    expectError(() => EksCluster.fromClusterAttributes(stack, 'WithArn', { clusterName: 'demo', oidcIssuerUrl: ISSUER, oidcProviderArn: providerArnFor(ISSUER) }),
      `EksCluster Test/WithArn: oidcProviderArn is "${providerArnFor(ISSUER)}", but an IRSA identity defined earlier already created a ` +
      `provider for issuer ${ISSUER} at Test/WithoutArn/OidcProvider, from an import of the cluster without oidcProviderArn, expected ` +
      'every import of one issuer to agree on its provider; give oidcProviderArn on every import of the cluster, or import the cluster once');
  });

  test('two imports of one issuer and account with different oidcProviderArn are an error', () => {
    const stack = newStack();
    EksCluster.fromClusterAttributes(stack, 'First', { clusterName: 'demo', oidcIssuerUrl: ISSUER, oidcProviderArn: providerArnFor(ISSUER) });
    const deployTimeArn = new CfnParameter(stack, 'ProviderArn').valueAsString;
    expectError(() => EksCluster.fromClusterAttributes(stack, 'Second', { clusterName: 'demo', oidcIssuerUrl: ISSUER, oidcProviderArn: deployTimeArn }),
      `EksCluster Test/Second: oidcProviderArn is ${JSON.stringify(deployTimeArn)}, but Test/First imports issuer ${ISSUER} with ` +
      `another provider ARN, "${providerArnFor(ISSUER)}", expected one IAM OIDC provider per issuer and account`);
  });

  test('two imports of one issuer with the same oidcProviderArn share one imported provider', () => {
    const stack = newStack();
    const one = EksCluster.fromClusterAttributes(stack, 'One', { clusterName: 'demo', oidcIssuerUrl: ISSUER, oidcProviderArn: providerArnFor(ISSUER) });
    const two = EksCluster.fromClusterAttributes(stack, 'Two', { clusterName: 'demo', oidcProviderArn: providerArnFor(ISSUER) });
    expect(ClusterOidcProvider.forCluster(one)).toBe(ClusterOidcProvider.forCluster(two));
  });
});

describe('ClusterOidcProvider referenced from other stacks', () => {
  /** The JSON of every template of the app's assembly. */
  function assemblyText(app: App): string {
    return app.synth().stacks.map(s => JSON.stringify(s.template)).join('\n');
  }

  test.each([
    ['without crossRegionReferences', false],
    ['with crossRegionReferences', true],
  ])('roles in other stacks and regions of the account name a created provider by its literal ARN (%s)', async (_, crossRegionReferences) => {
    const app = new App();
    const providerStack = newStack({ stackName: 'Provider', crossRegionReferences }, app);
    const sameRegion = newStack({ stackName: 'SameRegion', crossRegionReferences }, app);
    const otherRegion = newStack({ stackName: 'OtherRegion', crossRegionReferences, env: { account: ACCOUNT, region: 'us-east-1' } }, app);
    const cluster = EksCluster.fromClusterAttributes(providerStack, 'Demo', { clusterName: 'demo', oidcIssuerUrl: ISSUER });
    new WorkloadRole(providerStack, 'Local', { irsa: [{ cluster, namespace: 'apps', serviceAccount: 'local' }] });
    new WorkloadRole(sameRegion, 'Role', { irsa: [{ cluster, namespace: 'apps', serviceAccount: 'same-region' }] });
    new WorkloadRole(otherRegion, 'Role', { irsa: [{ cluster, namespace: 'apps', serviceAccount: 'other-region' }] });

    const provider = ClusterOidcProvider.forCluster(cluster);
    expect(provider.literalProviderArn).toBe(providerArnFor(ISSUER));
    Template.fromStack(providerStack).resourceCountIs('AWS::IAM::OIDCProvider', 1);
    // In its own stack the provider is referenced as a resource.
    Template.fromStack(providerStack).hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Federated: { Ref: logicalIdsOf(Template.fromStack(providerStack), 'AWS::IAM::OIDCProvider')[0] } } })] },
    });
    for (const [stack, serviceAccount] of [[sameRegion, 'same-region'], [otherRegion, 'other-region']] as const) {
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::IAM::OIDCProvider', 0);
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Federated: providerArnFor(ISSUER) } })] },
      });
      const [roleId] = logicalIdsOf(template, 'AWS::IAM::Role');
      expect(await irsaDecision(template, roleId, { issuer: ISSUER, namespace: 'apps', serviceAccount })).toBe('Allowed');
      expect(await irsaDecision(template, roleId, { issuer: ISSUER, namespace: 'apps', serviceAccount: 'local' })).toBe('Denied');
      // The role deploys after the provider exists.
      expect(stack.dependencies).toEqual([providerStack]);
    }
    expect(providerStack.dependencies).toEqual([]);
    const text = assemblyText(app);
    expect(text).not.toContain('Fn::ImportValue');
    expect(text).not.toContain('Custom::CrossRegionExportReader');
    expect(text).not.toContain('Custom::CrossRegionExportWriter');
  });
});
