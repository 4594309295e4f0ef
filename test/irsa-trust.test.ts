import { App, Stack, aws_eks as eks } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { EksCluster, WorkloadRole, type IWorkloadCluster, type ServiceAccountBinding } from '../src';
import { expectError, synthErrors } from './util/errors';
import { ACCOUNT, newStack } from './util/fixtures';
import { resolveIntrinsics } from './util/iam-simulator';
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

/**
 * The trust policy of the only role in `stack` as IAM will store it: the template's document (synthesized without
 * validation, so also when it is over the limit) with each created OIDC provider's `Ref` replaced by its real ARN,
 * without whitespace. aws-cdk-lib keeps the first assembly an app synthesizes: check validation before calling this.
 */
function deployedTrustPolicy(stack: Stack): string {
  const template = App.of(stack)!.synth({ skipValidation: true }).getStackArtifact(stack.artifactId).template;
  const [role] = Object.values(template.Resources as Record<string, any>).filter(r => r.Type === 'AWS::IAM::Role');
  return JSON.stringify(resolveIntrinsics(role.Properties.AssumeRolePolicyDocument, { refs: createdProviders(Template.fromJSON(template)) }));
}

/** `items` as the library lists them in messages: the first ten, then how many more. */
function listed(items: string[]): string {
  return items.length <= 10 ? items.join(', ') : `${items.slice(0, 10).join(', ')} and ${items.length - 10} more`;
}

/** The message of an IRSA trust policy over `max` characters, for `bindings` (on clusters with literal names). */
function irsaSizeMessage(path: string, characters: number, bindings: ServiceAccountBinding[], max = 2048): string {
  const tuples = bindings.map(b => `${b.namespace}/${b.serviceAccount}@${b.cluster.clusterName} (IRSA)`);
  return `WorkloadRole ${path}: the trust policy is ${characters} characters (whitespace removed) for ${tuples.length} service account(s): ` +
    `${listed(tuples)}, expected at most maxTrustPolicySize, ${max}; use Pod Identity (its trust does not grow with clusters), ` +
    'trust whole namespaces with addIrsaNamespaceTrust(), or split them over a second role; or, if your account\'s trust policy ' +
    'quota was raised, set maxTrustPolicySize (at most 4096)';
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

  test('service accounts in a trust over 2,048 characters: the error names its exact size and the IRSA remedies', () => {
    const stack = newStack();
    const clustersByIssuer = Array.from({ length: 8 }, (_, i) =>
      EksCluster.fromClusterAttributes(stack, `C${i}`, { clusterName: `c${i}`, oidcIssuerUrl: eksIssuer(`ISSUER${i}ABCDEFABCDEFABCDEF`) }));
    const irsa = clustersByIssuer.map(cluster => ({ cluster, namespace: 'apps', serviceAccount: 'api' }));
    new WorkloadRole(stack, 'Role', { irsa });
    const [error] = synthErrors(stack);
    // Every provider is created in the stack: its ARN is known, so the size is exact (no "about").
    const size = deployedTrustPolicy(stack).length;
    expect(size).toBeGreaterThan(2048);
    expect(error).toBe(`[Test/Role] ${irsaSizeMessage('Test/Role', size, irsa)}`);
  });

  const audienceMessage = (shown: string) => `WorkloadRole Test/Role: IRSA audience ${shown} is not an IAM OIDC provider client id, ` +
    'expected 1 to 255 characters without whitespace, such as sts.amazonaws.com';
  test.each([
    ['', '""'],
    ['a'.repeat(256), `"${'a'.repeat(256)}"`],
    ['sts amazonaws.com', '"sts amazonaws.com"'],
    ['sts.amazonaws.com\n', '"sts.amazonaws.com\\n"'],
  ])('audience %p is rejected', (audience, shown) => {
    const stack = newStack();
    const { one } = clusters(stack);
    const role = new WorkloadRole(stack, 'Role');
    expectError(() => role.addIrsaTrust({ cluster: one, namespace: 'a', serviceAccount: 'x' }, { audience }), audienceMessage(shown));
    expect(role.irsaBindings).toEqual([]);
  });

  test('an audience of 255 characters is accepted and listed by the provider', () => {
    const stack = newStack();
    const { one } = clusters(stack);
    new WorkloadRole(stack, 'Role').addIrsaTrust({ cluster: one, namespace: 'a', serviceAccount: 'x' }, { audience: 'a'.repeat(255) });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::OIDCProvider', { ClientIdList: ['a'.repeat(255)] });
  });

  test('IRSA on a cluster without an issuer is an error that says what to set', () => {
    const stack = newStack();
    const cluster = EksCluster.fromClusterAttributes(stack, 'NoIssuer', { clusterName: 'no-issuer' });
    expectError(() => new WorkloadRole(stack, 'Role', { irsa: [{ cluster, namespace: 'a', serviceAccount: 'x' }] }),
      'WorkloadRole Test/Role: IRSA for a/x on cluster "no-issuer", which has no oidcIssuerUrl, expected a cluster with an OIDC issuer; ' +
      'set oidcIssuerUrl when importing the cluster (aws eks describe-cluster --query cluster.identity.oidc.issuer), or use Pod Identity');
    const role = new WorkloadRole(stack, 'Other');
    expectError(() => role.addIrsaNamespaceTrust({ cluster, namespace: 'batch' }),
      'WorkloadRole Test/Other: IRSA for batch/* on cluster "no-issuer", which has no oidcIssuerUrl, expected a cluster with an OIDC issuer; ' +
      'set oidcIssuerUrl when importing the cluster (aws eks describe-cluster --query cluster.identity.oidc.issuer), or use Pod Identity');
  });

  test('a role in another account than the cluster\'s OIDC provider is an error saying what to do', () => {
    const app = new App();
    const clusterStack = newStack({ stackName: 'Cluster' }, app);
    const { one, two } = clusters(clusterStack);
    const elsewhere = newStack({ stackName: 'Elsewhere', env: { account: '444455556666', region: 'eu-west-1' } }, app);
    const message = (path: string, cluster: string) => `WorkloadRole ${path}: IRSA for cluster "${cluster}" uses an IAM OIDC provider in ` +
      `account ${ACCOUNT}, but the role is in account 444455556666, expected the provider in the role's account 444455556666; ` +
      'create the provider in account 444455556666 and import the cluster there with its oidcProviderArn, or use Pod Identity with a target role';
    // A created provider is in the account of its stack.
    expectError(() => new WorkloadRole(elsewhere, 'Role', { irsa: [{ cluster: one, namespace: 'a', serviceAccount: 'x' }] }), message('Elsewhere/Role', 'one'));
    // An imported provider's account comes from its ARN.
    expectError(() => new WorkloadRole(elsewhere, 'Other', { irsa: [{ cluster: two, namespace: 'a', serviceAccount: 'x' }] }), message('Elsewhere/Other', 'two'));
  });

  test('IRSA namespace trust of a namespace that is not a DNS-1123 label is an error', () => {
    const stack = newStack();
    const { one } = clusters(stack);
    expectError(() => new WorkloadRole(stack, 'Role').addIrsaNamespaceTrust({ cluster: one, namespace: 'Batch' }),
      'WorkloadRole Test/Role: namespace "Batch" is not a DNS-1123 label, expected 1 to 63 characters: lowercase letters, digits and \'-\', ' +
      'starting and ending with a letter or digit');
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

describe('WorkloadRole IRSA trust size: the created provider\'s ARN is counted as it will deploy', () => {
  // An EKS issuer: https://oidc.eks.<region>.amazonaws.com/id/<32 hexadecimal digits>. The provider created for it is
  // named arn:aws:iam::<account>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<id>: 108 characters here.
  const ISSUER = eksIssuer('0123456789ABCDEF0123456789ABCDEF');

  /** A role trusting `names` in namespace `namespace` through IRSA, on a cluster whose provider the stack creates. */
  function build(namespace: string, names: string[]) {
    const stack = newStack();
    const cluster = EksCluster.fromClusterAttributes(stack, 'Demo', { clusterName: 'demo', oidcIssuerUrl: ISSUER });
    const irsa = names.map(serviceAccount => ({ cluster, namespace, serviceAccount }));
    new WorkloadRole(stack, 'Role', { irsa });
    return { stack, irsa };
  }

  test('the provider is created and its ARN is a 108-character literal', () => {
    const { stack } = build('apps', ['api']);
    const policy = deployedTrustPolicy(stack);
    expect(providerArnFor(ISSUER)).toHaveLength(108);
    expect(policy).toContain(`"Federated":"${providerArnFor(ISSUER)}"`);
    expect(policy).not.toMatch(/\s/);
  });

  test('a trust policy of exactly 2,048 characters is accepted; one character more is rejected, naming its size', () => {
    // 40 service accounts apps/service-00 ... apps/service-39; the last name is lengthened to reach the limit exactly.
    const names = (padding: number) => Array.from({ length: 40 }, (_, i) => `service-${String(i).padStart(2, '0')}`)
      .map((name, i) => (i === 39 ? `${name}${'x'.repeat(padding)}` : name));
    const base = deployedTrustPolicy(build('apps', names(0)).stack).length;
    const padding = 2048 - base;
    expect(padding).toBeGreaterThan(0);

    const atLimit = build('apps', names(padding));
    expect(() => Template.fromStack(atLimit.stack)).not.toThrow();
    expect(deployedTrustPolicy(atLimit.stack)).toHaveLength(2048);

    const over = build('apps', names(padding + 1));
    expect(synthErrors(over.stack)).toEqual([`[Test/Role] ${irsaSizeMessage('Test/Role', 2049, over.irsa)}`]);
    expect(deployedTrustPolicy(over.stack)).toHaveLength(2049);
  });

  test('32 service accounts whose trust policy would deploy at 2,053 characters are rejected (once accepted by a 100-character estimate)', () => {
    const names = [
      ...Array.from({ length: 15 }, (_, i) => `invoice-worker-${String(i).padStart(2, '0')}`),
      ...Array.from({ length: 17 }, (_, i) => `refund-worker-${String(i).padStart(2, '0')}`),
    ];
    const { stack, irsa } = build('payments', names);
    expect(synthErrors(stack)).toEqual([`[Test/Role] ${irsaSizeMessage('Test/Role', 2053, irsa)}`]);
    const policy = deployedTrustPolicy(stack);
    expect(policy).toHaveLength(2053);
    // Counting the provider's ARN as 100 characters instead of its 108 would have measured 2,045 and let it deploy.
    expect(policy.length - (providerArnFor(ISSUER).length - 100)).toBeLessThanOrEqual(2048);
  });
});
