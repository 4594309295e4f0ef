import { App, Stack, aws_eks as eks } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { EksCluster, IWorkloadCluster, WorkloadRole } from '../src';
import { ACCOUNT, newStack } from './util/fixtures';
import { createdProviders, eksIssuer, irsaDecision, providerArnFor } from './util/irsa-sim';

const ONE = eksIssuer('ONE1111');
const TWO = eksIssuer('TWO2222');

function clusters(stack: Stack): { one: IWorkloadCluster; two: IWorkloadCluster } {
  return {
    one: EksCluster.fromClusterAttributes(stack, 'One', { clusterName: 'one', oidcIssuerUrl: ONE }),
    two: EksCluster.fromClusterAttributes(stack, 'Two', { clusterName: 'two', oidcIssuerUrl: TWO, oidcProviderArn: providerArnFor(TWO) }),
  };
}

function trustStatements(template: Template): any[] {
  return (Object.values(template.findResources('AWS::IAM::Role'))[0] as any).Properties.AssumeRolePolicyDocument.Statement;
}

describe('WorkloadRole IRSA trust', () => {
  test('one service account: Federated provider, AssumeRoleWithWebIdentity, StringEquals on aud and sub', () => {
    const stack = newStack();
    const { one } = clusters(stack);
    new WorkloadRole(stack, 'Role', { irsa: [{ cluster: one, namespace: 'default', serviceAccount: 'my-serviceaccount' }] });
    const template = Template.fromStack(stack);
    const [providerId] = Object.keys(template.findResources('AWS::IAM::OIDCProvider'));
    expect(trustStatements(template)).toEqual([{
      Effect: 'Allow',
      Principal: { Federated: { Ref: providerId } },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: {
          'oidc.eks.eu-west-1.amazonaws.com/id/ONE1111:aud': 'sts.amazonaws.com',
          'oidc.eks.eu-west-1.amazonaws.com/id/ONE1111:sub': 'system:serviceaccount:default:my-serviceaccount',
        },
      },
    }]);
  });

  test('the provider is created natively, with the audiences used as client ids, no thumbprint and no custom resource', () => {
    const stack = newStack();
    const { one } = clusters(stack);
    new WorkloadRole(stack, 'Role', { irsa: [{ cluster: one, namespace: 'a', serviceAccount: 'x' }] });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::OIDCProvider', 1);
    template.hasResourceProperties('AWS::IAM::OIDCProvider', { Url: ONE, ClientIdList: ['sts.amazonaws.com'], ThumbprintList: Match.absent() });
    template.resourceCountIs('AWS::Lambda::Function', 0);
    template.resourceCountIs('Custom::AWSCDKOpenIdConnectProvider', 0);
    template.resourceCountIs('Custom::AWSCDKCfnJson', 0);
  });

  test('many service accounts on one provider share one statement with a list of subjects; another cluster gets its own', () => {
    const stack = newStack();
    const { one, two } = clusters(stack);
    new WorkloadRole(stack, 'Role', {
      irsa: [
        { cluster: one, namespace: 'a', serviceAccount: 'x' },
        { cluster: one, namespace: 'b', serviceAccount: 'y' },
        { cluster: two, namespace: 'a', serviceAccount: 'x' },
      ],
    });
    const statements = trustStatements(Template.fromStack(stack));
    expect(statements).toHaveLength(2);
    expect(statements[0].Condition.StringEquals['oidc.eks.eu-west-1.amazonaws.com/id/ONE1111:sub'])
      .toEqual(['system:serviceaccount:a:x', 'system:serviceaccount:b:y']);
    expect(statements[1].Principal).toEqual({ Federated: providerArnFor(TWO) });
  });

  test('the simulator admits exactly the requested (issuer, audience, subject) and denies the near misses', async () => {
    const stack = newStack();
    const { one, two } = clusters(stack);
    new WorkloadRole(stack, 'Role', {
      irsa: [{ cluster: one, namespace: 'a', serviceAccount: 'x' }, { cluster: one, namespace: 'b', serviceAccount: 'y' }, { cluster: two, namespace: 'c', serviceAccount: 'z' }],
    });
    const template = Template.fromStack(stack);
    const roleId = Object.keys(template.findResources('AWS::IAM::Role'))[0];
    const decide = (r: Parameters<typeof irsaDecision>[2]) => irsaDecision(template, roleId, r, createdProviders(template));
    for (const [issuer, namespace, serviceAccount] of [[ONE, 'a', 'x'], [ONE, 'b', 'y'], [TWO, 'c', 'z']]) {
      expect(await decide({ issuer, namespace, serviceAccount })).toBe('Allowed');
    }
    // Cross products and near misses.
    expect(await decide({ issuer: ONE, namespace: 'a', serviceAccount: 'y' })).toBe('Denied');
    expect(await decide({ issuer: ONE, namespace: 'b', serviceAccount: 'x' })).toBe('Denied');
    expect(await decide({ issuer: ONE, namespace: 'c', serviceAccount: 'z' })).toBe('Denied');
    expect(await decide({ issuer: TWO, namespace: 'a', serviceAccount: 'x' })).toBe('Denied');
    expect(await decide({ issuer: ONE, namespace: 'a', serviceAccount: 'x', audience: 'awssts' })).toBe('Denied');
    expect(await decide({ issuer: ONE, namespace: 'a', serviceAccount: 'x', action: 'sts:AssumeRole' })).toBe('Denied');
    expect(await decide({ issuer: ONE, namespace: 'a', serviceAccount: 'x', providerArn: providerArnFor(TWO) })).toBe('Denied');
  });

  test('a custom audience is trusted and added to the created provider\'s client ids', async () => {
    const stack = newStack();
    const { one } = clusters(stack);
    const role = new WorkloadRole(stack, 'Role');
    role.addIrsaTrust({ cluster: one, namespace: 'a', serviceAccount: 'x' }, { audience: 'awssts' });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::OIDCProvider', { ClientIdList: ['awssts'] });
    const roleId = Object.keys(template.findResources('AWS::IAM::Role'))[0];
    expect(await irsaDecision(template, roleId, { issuer: ONE, namespace: 'a', serviceAccount: 'x', audience: 'awssts' }, createdProviders(template))).toBe('Allowed');
    expect(await irsaDecision(template, roleId, { issuer: ONE, namespace: 'a', serviceAccount: 'x' }, createdProviders(template))).toBe('Denied');
  });

  test('a whole namespace only through addIrsaNamespaceTrust: StringLike system:serviceaccount:<ns>:*', async () => {
    const stack = newStack();
    const { one } = clusters(stack);
    const role = new WorkloadRole(stack, 'Role', { irsa: [{ cluster: one, namespace: 'batch', serviceAccount: 'runner' }, { cluster: one, namespace: 'web', serviceAccount: 'api' }] });
    role.addIrsaNamespaceTrust({ cluster: one, namespace: 'batch' });
    const template = Template.fromStack(stack);
    const statements = trustStatements(template);
    // batch/runner is covered by the namespace and not listed again.
    expect(statements.map(s => s.Condition)).toEqual([
      { StringEquals: { [`${ONE.slice(8)}:aud`]: 'sts.amazonaws.com', [`${ONE.slice(8)}:sub`]: 'system:serviceaccount:web:api' } },
      { StringEquals: { [`${ONE.slice(8)}:aud`]: 'sts.amazonaws.com' }, StringLike: { [`${ONE.slice(8)}:sub`]: 'system:serviceaccount:batch:*' } },
    ]);
    const roleId = Object.keys(template.findResources('AWS::IAM::Role'))[0];
    const decide = (namespace: string, serviceAccount: string) =>
      irsaDecision(template, roleId, { issuer: ONE, namespace, serviceAccount }, createdProviders(template));
    expect(await decide('batch', 'anything')).toBe('Allowed');
    expect(await decide('web', 'api')).toBe('Allowed');
    expect(await decide('web', 'other')).toBe('Denied');
    expect(await decide('batch-2', 'runner')).toBe('Denied');
  });

  test('IRSA and Pod Identity in one role: both statements', () => {
    const stack = newStack();
    const { one } = clusters(stack);
    const binding = { cluster: one, namespace: 'a', serviceAccount: 'x' };
    new WorkloadRole(stack, 'Role', { irsa: [binding], podIdentity: [binding] });
    expect(trustStatements(Template.fromStack(stack)).map(s => s.Action)).toEqual(['sts:AssumeRoleWithWebIdentity', ['sts:AssumeRole', 'sts:TagSession']]);
  });

  test('a literal issuer needs no custom resource; one known only at deploy time needs exactly one CfnJson per role', () => {
    const app = new App();
    const stack = new Stack(app, 'InApp', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    const cfnCluster = new eks.CfnCluster(stack, 'Cluster', { roleArn: `arn:aws:iam::${ACCOUNT}:role/eks`, resourcesVpcConfig: { subnetIds: ['subnet-1'] } });
    const cluster = EksCluster.fromClusterAttributes(stack, 'Imported', { clusterName: 'in-app', oidcIssuerUrl: cfnCluster.attrOpenIdConnectIssuerUrl });
    const role = new WorkloadRole(stack, 'Role', { irsa: [{ cluster, namespace: 'a', serviceAccount: 'x' }, { cluster, namespace: 'b', serviceAccount: 'y' }] });
    role.addIrsaNamespaceTrust({ cluster, namespace: 'c' });
    new WorkloadRole(stack, 'Second', { irsa: [{ cluster, namespace: 'd', serviceAccount: 'z' }] });
    const template = Template.fromStack(stack);
    template.resourceCountIs('Custom::AWSCDKCfnJson', 2);
    template.resourceCountIs('AWS::IAM::OIDCProvider', 1);
    const roleResource = template.findResources('AWS::IAM::Role', { Properties: { RoleName: Match.absent() } });
    const trusts = Object.values(roleResource).map((r: any) => r.Properties.AssumeRolePolicyDocument).filter(d => d['Fn::GetAtt']);
    expect(trusts).toHaveLength(2);
    const value = JSON.stringify((Object.values(template.findResources('Custom::AWSCDKCfnJson'))[0] as any).Properties.Value);
    expect(value).toContain('OpenIdConnectIssuerUrl');
    expect(value).toContain(':sub');
  });

  test('service accounts in a trust over 2,048 characters: the error names IRSA remedies', () => {
    const stack = newStack();
    const clustersByIssuer = Array.from({ length: 8 }, (_, i) =>
      EksCluster.fromClusterAttributes(stack, `C${i}`, { clusterName: `c${i}`, oidcIssuerUrl: eksIssuer(`ISSUER${i}ABCDEFABCDEFABCDEF`) }));
    new WorkloadRole(stack, 'Role', { irsa: clustersByIssuer.map(cluster => ({ cluster, namespace: 'apps', serviceAccount: 'api' })) });
    expect(() => Template.fromStack(stack)).toThrow(
      /trust policy is about \d{4} characters \(whitespace removed\), over the limit of 2048\. It trusts 8 service account\(s\): apps\/api@c0 \(IRSA\), .*Use Pod Identity \(its trust does not grow with clusters\), trust whole namespaces with addIrsaNamespaceTrust\(\), or split them over a second role/,
    );
  });

  test.each([
    ['', 'Invalid IRSA audience "": expected 1 to 255 characters (an IAM OIDC provider client id)'],
    ['a'.repeat(256), `Invalid IRSA audience "${'a'.repeat(256)}": expected 1 to 255 characters (an IAM OIDC provider client id)`],
  ])('audience %p is rejected', (audience, message) => {
    const stack = newStack();
    const { one } = clusters(stack);
    expect(() => new WorkloadRole(stack, 'Role').addIrsaTrust({ cluster: one, namespace: 'a', serviceAccount: 'x' }, { audience })).toThrow(message);
  });

  test('IRSA on a cluster without an issuer is an error that says what to set', () => {
    const stack = newStack();
    const cluster = EksCluster.fromClusterAttributes(stack, 'NoIssuer', { clusterName: 'no-issuer' });
    expect(() => new WorkloadRole(stack, 'Role', { irsa: [{ cluster, namespace: 'a', serviceAccount: 'x' }] })).toThrow(
      'Cluster "no-issuer" has no OIDC issuer, which IRSA needs: set oidcIssuerUrl (aws eks describe-cluster --query cluster.identity.oidc.issuer) when importing it, or use Pod Identity');
  });

  test('a role in another account than the cluster\'s OIDC provider is an error saying what to do', () => {
    const app = new App();
    const clusterStack = newStack({ stackName: 'Cluster' }, app);
    const { one, two } = clusters(clusterStack);
    const elsewhere = newStack({ stackName: 'Elsewhere', env: { account: '444455556666', region: 'eu-west-1' } }, app);
    expect(() => new WorkloadRole(elsewhere, 'Role', { irsa: [{ cluster: one, namespace: 'a', serviceAccount: 'x' }] })).toThrow(
      'WorkloadRole Elsewhere/Role: IRSA needs an IAM OIDC provider in the role\'s account 444455556666, but the provider for cluster "one" ' +
      `is in account ${ACCOUNT}. Create the provider in account 444455556666 and import the cluster there with its oidcProviderArn, ` +
      'or use Pod Identity with a target role.');
    // An imported provider's account comes from its ARN.
    expect(() => new WorkloadRole(elsewhere, 'Other', { irsa: [{ cluster: two, namespace: 'a', serviceAccount: 'x' }] })).toThrow(`is in account ${ACCOUNT}`);
  });

  test('literalRoleArn: known with a role name in an environment-specific stack, unknown otherwise', () => {
    const stack = newStack();
    expect(new WorkloadRole(stack, 'Named', { roleName: 'reader', path: '/apps/' }).literalRoleArn).toBe(`arn:aws:iam::${ACCOUNT}:role/apps/reader`);
    expect(new WorkloadRole(stack, 'Unnamed').literalRoleArn).toBeUndefined();
    expect(new WorkloadRole(new Stack(new App(), 'Agnostic'), 'Named', { roleName: 'reader' }).literalRoleArn).toBeUndefined();
    expect(new WorkloadRole(newStack({ env: { account: ACCOUNT, region: 'us-gov-west-1' } }), 'Gov', { roleName: 'r' }).literalRoleArn)
      .toBe(`arn:aws-us-gov:iam::${ACCOUNT}:role/r`);
  });
});
