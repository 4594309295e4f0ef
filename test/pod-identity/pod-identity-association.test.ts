import { App, CfnParameter, Stack, Tags, aws_iam as iam } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { PodIdentityAgent, PodIdentityAssociation, WorkloadRole } from '../../src';
import { expectError, synthErrors } from '../util/errors';
import { ACCOUNT, REGION, importCluster, logicalIdsOf, newStack, podIdentityTags } from '../util/fixtures';
import { resolveIntrinsics, simulateAssumeRole, trustPolicyOf } from '../util/iam-simulator';
import { podIdentityDecision } from '../util/pod-identity-sim';

const binding = (stack: Stack) => ({ cluster: importCluster(stack), namespace: 'catalog', serviceAccount: 'catalog-api' });
const UNMANAGED_TRUST = 'cdk-workload-identity:unmanagedTrust';
const EXTERNAL_ID = `${REGION}/${ACCOUNT}/demo/catalog/catalog-api`;
const TAG_RULE = 'keys of 1 to 128 and values of at most 256 characters: letters, digits, spaces and + - = . _ : / @, ' +
  'neither starting with aws: (reserved for AWS)';

/** A session policy allowing s3:GetObject on `resources`. */
function s3Policy(...resources: string[]): iam.PolicyDocument {
  return new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources })] });
}

/** The length of `policy` as STS counts it: its JSON without whitespace. */
function policyLength(stack: Stack, policy: iam.PolicyDocument): number {
  return JSON.stringify(stack.resolve(policy)).length;
}

/** The one unmanaged-trust warning on `path`: the role it names, what for, and the statements it prints (parsed). */
function unmanagedTrustWarning(stack: Stack, path = '/Test/Assoc'): { role: string; what: string; statements: any[] } {
  Annotations.fromStack(stack).hasWarning(path, Match.stringLikeRegexp(`\\[ack: ${UNMANAGED_TRUST}\\]$`));
  const warnings = Annotations.fromStack(stack).findWarning(path, Match.stringLikeRegexp(`\\[ack: ${UNMANAGED_TRUST}\\]$`));
  expect(warnings).toHaveLength(1);
  const text = String(warnings[0].entry.data);
  const match = /^The trust policy of role (\S+) is not managed by this library \(it is not a WorkloadRole\)\. For (.+) it must contain: (\{.+\})\. Without it the pods get no credentials\. Once the role trusts this, acknowledge the warning: Annotations\.of\(stack\)\.acknowledgeWarning\('cdk-workload-identity:unmanagedTrust'\)\. \[ack: cdk-workload-identity:unmanagedTrust\]$/
    .exec(text);
  expect(match).not.toBeNull();
  return { role: match![1], what: match![2], statements: JSON.parse(`[${match![3]}]`) };
}

/** The statement the trust of a role needs for Pod Identity with session tags, for catalog/catalog-api on the fixture cluster. */
const TAG_SCOPED_POD_IDENTITY_STATEMENT = {
  Action: ['sts:AssumeRole', 'sts:TagSession'],
  Condition: {
    StringEquals: {
      'aws:RequestTag/eks-cluster-arn': `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/demo`,
      'aws:RequestTag/kubernetes-namespace': 'catalog',
      'aws:RequestTag/kubernetes-service-account': 'catalog-api',
    },
  },
  Effect: 'Allow',
  Principal: { Service: 'pods.eks.amazonaws.com' },
};

describe('PodIdentityAssociation', () => {
  test('by default: a new role trusting exactly this service account, the association and the agent add-on', async () => {
    const stack = newStack();
    const association = new PodIdentityAssociation(stack, 'Assoc', binding(stack));
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.resourceCountIs('AWS::EKS::Addon', 1);
    const [roleId] = logicalIdsOf(template, 'AWS::IAM::Role');
    const [associationId] = logicalIdsOf(template, 'AWS::EKS::PodIdentityAssociation');
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
      ClusterName: 'demo',
      Namespace: 'catalog',
      ServiceAccount: 'catalog-api',
      RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
      TargetRoleArn: Match.absent(),
      DisableSessionTags: Match.absent(),
      Policy: Match.absent(),
    });
    expect(association.role.node.path).toBe('Test/Assoc/Role');
    expect(await podIdentityDecision(template, roleId, { tags: podIdentityTags('catalog', 'catalog-api') })).toBe('Allowed');
    expect(await podIdentityDecision(template, roleId, { tags: podIdentityTags('catalog', 'other') })).toBe('Denied');
    expect(stack.resolve(association.associationArn)).toEqual({ 'Fn::GetAtt': [associationId, 'AssociationArn'] });
    expect(stack.resolve(association.associationId)).toEqual({ 'Fn::GetAtt': [associationId, 'AssociationId'] });
  });

  test('externalId is the literal sts:ExternalId of the EKS user guide; associationExternalId is the ExternalId attribute', () => {
    const stack = newStack();
    const association = new PodIdentityAssociation(stack, 'Assoc', binding(stack));
    const [associationId] = logicalIdsOf(Template.fromStack(stack), 'AWS::EKS::PodIdentityAssociation');
    // <region>/<account>/<cluster>/<namespace>/<service account>, a plain string: a role in another account can name it.
    expect(association.externalId).toBe('eu-west-1/111122223333/demo/catalog/catalog-api');
    expect(stack.resolve(association.associationExternalId)).toEqual({ 'Fn::GetAtt': [associationId, 'ExternalId'] });
  });

  test('externalId follows a cluster in another account and region, named by its ARN', () => {
    const stack = newStack({ env: { account: '444455556666', region: 'us-east-2' } });
    const cluster = importCluster(stack, 'prod', { clusterArn: 'arn:aws:eks:us-east-2:444455556666:cluster/prod' });
    const association = new PodIdentityAssociation(stack, 'Assoc', { cluster, namespace: 'orders', serviceAccount: 'orders-api' });
    expect(association.externalId).toBe('us-east-2/444455556666/prod/orders/orders-api');
  });

  test('in an environment-agnostic stack externalId is computed at deploy time from the region and account', () => {
    const stack = new Stack(new App(), 'Agnostic');
    const association = new PodIdentityAssociation(stack, 'Assoc', binding(stack));
    expect(stack.resolve(association.externalId)).toEqual({
      'Fn::Join': ['', [{ Ref: 'AWS::Region' }, '/', { Ref: 'AWS::AccountId' }, '/demo/catalog/catalog-api']],
    });
  });

  test('a provided WorkloadRole is used and gets the trust', async () => {
    const stack = newStack();
    const role = new WorkloadRole(stack, 'Shared');
    new PodIdentityAssociation(stack, 'Assoc', { ...binding(stack), role });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Role', 1);
    const [roleId] = logicalIdsOf(template, 'AWS::IAM::Role');
    expect(role.podIdentityBindings.map(b => `${b.namespace}/${b.serviceAccount}`)).toEqual(['catalog/catalog-api']);
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] } });
    expect(await podIdentityDecision(template, roleId, { tags: podIdentityTags('catalog', 'catalog-api') })).toBe('Allowed');
    expect(await podIdentityDecision(template, roleId, { tags: podIdentityTags('catalog', 'other') })).toBe('Denied');
  });

  test('an existing role is used as it is, with a warning giving the exact statement its trust needs', async () => {
    const stack = newStack();
    const role = iam.Role.fromRoleArn(stack, 'Existing', `arn:aws:iam::${ACCOUNT}:role/existing`);
    new PodIdentityAssociation(stack, 'Assoc', { ...binding(stack), role });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Role', 0);
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { RoleArn: `arn:aws:iam::${ACCOUNT}:role/existing` });

    const warning = unmanagedTrustWarning(stack);
    expect(warning.role).toBe(`arn:aws:iam::${ACCOUNT}:role/existing`);
    expect(warning.what).toBe('Pod Identity for catalog/catalog-api@demo');
    expect(warning.statements).toEqual([TAG_SCOPED_POD_IDENTITY_STATEMENT]);
    // A warning (cdk synth --strict stops), not an info.
    expect(Annotations.fromStack(stack).findInfo('*', Match.stringLikeRegexp('not managed by this library'))).toEqual([]);

    // The printed statement, pasted into the role's trust, admits exactly this service account.
    const decide = async (tags: Record<string, string>) => (await simulateAssumeRole({
      trustPolicy: { Version: '2012-10-17', Statement: warning.statements },
      roleArn: `arn:aws:iam::${ACCOUNT}:role/existing`,
      principal: 'pods.eks.amazonaws.com',
      action: 'sts:AssumeRole',
      requestTags: tags,
    })).decision;
    expect(await decide(podIdentityTags('catalog', 'catalog-api'))).toBe('Allowed');
    expect(await decide(podIdentityTags('catalog', 'other'))).toBe('Denied');
    expect(await decide(podIdentityTags('other', 'catalog-api'))).toBe('Denied');
    expect(await decide(podIdentityTags('catalog', 'catalog-api', 'prod'))).toBe('Denied');
  });

  test('an existing role with session tags disabled: the warning gives the statement without conditions', () => {
    const stack = newStack();
    const role = iam.Role.fromRoleArn(stack, 'Existing', `arn:aws:iam::${ACCOUNT}:role/existing`);
    new PodIdentityAssociation(stack, 'Assoc', { ...binding(stack), role, disableSessionTags: true });
    const warning = unmanagedTrustWarning(stack);
    expect(warning.statements).toEqual([
      { Action: ['sts:AssumeRole', 'sts:TagSession'], Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' } },
    ]);
  });

  test('disableSessionTags and a session policy are passed; the policy is a JSON string', () => {
    const stack = newStack();
    new PodIdentityAssociation(stack, 'Assoc', {
      ...binding(stack),
      disableSessionTags: true,
      allowUnscopedPodIdentityTrust: true,
      sessionPolicy: s3Policy('arn:aws:s3:::b/*'),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
      DisableSessionTags: true,
      Policy: JSON.stringify({ Statement: [{ Action: 's3:GetObject', Effect: 'Allow', Resource: 'arn:aws:s3:::b/*' }], Version: '2012-10-17' }),
    });
  });

  test('a session policy with session tags enabled is an error', () => {
    const stack = newStack();
    expectError(() => new PodIdentityAssociation(stack, 'Assoc', { ...binding(stack), sessionPolicy: s3Policy('*') }),
      'PodIdentityAssociation Test/Assoc: sessionPolicy is set while session tags are enabled, expected disableSessionTags: true with ' +
      'a session policy; EKS rejects a session policy when session tags are enabled');
  });

  test('a session policy of exactly 2,048 characters is accepted', () => {
    const stack = newStack();
    const base = policyLength(stack, s3Policy('arn:aws:s3:::b/'));
    const policy = s3Policy(`arn:aws:s3:::b/${'k'.repeat(2048 - base)}`);
    expect(policyLength(stack, policy)).toBe(2048);
    new PodIdentityAssociation(stack, 'Assoc', { ...binding(stack), disableSessionTags: true, allowUnscopedPodIdentityTrust: true, sessionPolicy: policy });
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Policy: Match.stringLikeRegexp('^\\{"Statement"') });
  });

  test('a session policy that grows over 2,048 characters after construction is an error at synthesis', () => {
    const stack = newStack();
    const policy = s3Policy('arn:aws:s3:::b/*');
    new PodIdentityAssociation(stack, 'Assoc', { ...binding(stack), disableSessionTags: true, allowUnscopedPodIdentityTrust: true, sessionPolicy: policy });
    policy.addStatements(new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: Array.from({ length: 60 }, (_, i) => `arn:aws:s3:::bucket-number-${i}/*`),
    }));
    const length = policyLength(stack, policy);
    expect(length).toBeGreaterThan(2048);
    expect(synthErrors(stack)).toEqual([
      `[Test/Assoc] PodIdentityAssociation Test/Assoc: sessionPolicy is ${length} characters (whitespace removed), expected at most 2048 ` +
      'characters (the STS limit for session policies); narrow it, or use fewer resources with wildcards',
    ]);
  });

  test('a session policy without statements is an error at synthesis', () => {
    const stack = newStack();
    new PodIdentityAssociation(stack, 'Assoc', {
      ...binding(stack), disableSessionTags: true, allowUnscopedPodIdentityTrust: true, sessionPolicy: new iam.PolicyDocument(),
    });
    expect(synthErrors(stack)).toEqual([
      '[Test/Assoc] PodIdentityAssociation Test/Assoc: sessionPolicy has no statements, so the credentials would allow nothing, ' +
      'expected at least one statement; remove sessionPolicy, or add the statements the workload needs',
    ]);
  });

  test('a session policy with a principal is an error at synthesis', () => {
    const stack = newStack();
    new PodIdentityAssociation(stack, 'Assoc', {
      ...binding(stack),
      disableSessionTags: true,
      allowUnscopedPodIdentityTrust: true,
      sessionPolicy: new iam.PolicyDocument({
        statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'], principals: [new iam.AccountRootPrincipal()] })],
      }),
    });
    expect(synthErrors(stack)).toEqual([
      '[Test/Assoc] PodIdentityAssociation Test/Assoc: sessionPolicy has a statement a session policy cannot have (A PolicyStatement ' +
      'used in an identity-based policy cannot specify any IAM principals), expected statements with actions and resources, without principals',
    ]);
  });

  test('tags are set on the association', () => {
    const stack = newStack();
    new PodIdentityAssociation(stack, 'Assoc', { ...binding(stack), tags: { team: 'catalog' } });
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Tags: [{ Key: 'team', Value: 'catalog' }] });
  });

  test('tags at the edge of what EKS accepts pass: 50 tags, a 128-character key, a 256-character value, an empty value, unicode letters', () => {
    const stack = newStack();
    const tags: Record<string, string> = Object.fromEntries(Array.from({ length: 46 }, (_, i) => [`key-${i}`, `value ${i} +-=._:/@`]));
    tags['k'.repeat(128)] = 'v'.repeat(256);
    tags.empty = '';
    tags['équipe'] = 'données';
    tags['チーム'] = 'カタログ';
    expect(Object.keys(tags)).toHaveLength(50);
    new PodIdentityAssociation(stack, 'Assoc', { ...binding(stack), tags });
    const resource = Object.values(Template.fromStack(stack).findResources('AWS::EKS::PodIdentityAssociation'))[0] as any;
    const rendered = Object.fromEntries((resource.Properties.Tags as Array<{ Key: string; Value: string }>).map(t => [t.Key, t.Value]));
    expect(rendered).toEqual(tags);
  });

  test('tags applied with Tags.of() above the association count: exactly 50 in all pass', () => {
    const stack = newStack();
    new PodIdentityAssociation(stack, 'Assoc', { ...binding(stack), tags: { own: 'x' } });
    for (let i = 0; i < 49; i++) Tags.of(stack).add(`stack-${i}`, 'v');
    const resource = Object.values(Template.fromStack(stack).findResources('AWS::EKS::PodIdentityAssociation'))[0] as any;
    expect(resource.Properties.Tags).toHaveLength(50);
  });

  test('tags applied with Tags.of() that push the association over 50 tags are an error at synthesis', () => {
    const stack = newStack();
    new PodIdentityAssociation(stack, 'Assoc', { ...binding(stack), tags: { own: 'x' } });
    for (let i = 0; i < 50; i++) Tags.of(stack).add(`stack-${i}`, 'v');
    expect(synthErrors(stack)).toEqual([
      '[Test/Assoc] PodIdentityAssociation Test/Assoc: the association has 51 tags (its own and those applied with Tags.of() above it), ' +
      'expected at most 50 (an EKS limit)',
    ]);
  });

  test('a tag applied with Tags.of() that EKS refuses is an error at synthesis', () => {
    const stack = newStack();
    new PodIdentityAssociation(stack, 'Assoc', binding(stack));
    Tags.of(stack).add('cost#center', 'v');
    expect(synthErrors(stack)).toEqual([
      `[Test/Assoc] PodIdentityAssociation Test/Assoc: tag key "cost#center" has characters EKS does not accept, expected ${TAG_RULE}`,
    ]);
  });

  test('more than 50 tags in props is an error', () => {
    const stack = newStack();
    const tags = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`key-${i}`, 'v']));
    expectError(() => new PodIdentityAssociation(stack, 'Assoc', { ...binding(stack), tags }),
      'PodIdentityAssociation Test/Assoc: tags has 51 tags, expected at most 50 (an EKS limit)');
  });

  test.each([
    ['a key starting with aws:', { 'aws:team': 'x' }, 'tag key "aws:team" starts with aws:, which is reserved for AWS'],
    ['a key starting with AWS: in another case', { 'AWS:Team': 'x' }, 'tag key "AWS:Team" starts with aws:, which is reserved for AWS'],
    ['a value starting with aws:', { team: 'aws:catalog' }, 'the value of tag "team", "aws:catalog", starts with aws:, which is reserved for AWS'],
    ['a value starting with Aws: in another case', { team: 'Aws:catalog' }, 'the value of tag "team", "Aws:catalog", starts with aws:, which is reserved for AWS'],
    ['a key of 129 characters', { ['k'.repeat(129)]: 'x' }, `tag key "${'k'.repeat(129)}" has 129 characters`],
    ['a value of 257 characters', { team: 'v'.repeat(257) }, 'the value of tag "team" has 257 characters'],
    ['an empty key', { '': 'x' }, 'tag key "" has 0 characters'],
    ['a key with a character EKS refuses', { 'team#1': 'x' }, 'tag key "team#1" has characters EKS does not accept'],
    ['a value with a character EKS refuses', { team: 'a;b' }, 'the value of tag "team", "a;b", has characters EKS does not accept'],
    ['a value with an emoji', { team: '😀' }, 'the value of tag "team", "😀", has characters EKS does not accept'],
  ])('%s is an error', (_, tags, given) => {
    const stack = newStack();
    expectError(() => new PodIdentityAssociation(stack, 'Assoc', { ...binding(stack), tags }),
      `PodIdentityAssociation Test/Assoc: ${given}, expected ${TAG_RULE}`);
  });

  test('two associations for the same service account are an error, even through two imports of the cluster', () => {
    const stack = newStack();
    new PodIdentityAssociation(stack, 'First', binding(stack));
    const again = { cluster: importCluster(stack, 'demo-again', {}), namespace: 'catalog', serviceAccount: 'catalog-api' };
    expect(() => new PodIdentityAssociation(stack, 'Other', again)).not.toThrow(); // another cluster
    const sameCluster = { cluster: importCluster(stack, 'x', { clusterName: 'demo' }), namespace: 'catalog', serviceAccount: 'catalog-api' };
    expectError(() => new PodIdentityAssociation(stack, 'Second', sameCluster),
      'PodIdentityAssociation Test/Second: service account catalog/catalog-api@demo already has a Pod Identity association at Test/First, ' +
      'expected one association per cluster, namespace and service account (an EKS rule); share that association\'s role instead');
  });

  test('a cluster that cannot run Pod Identity is an error', () => {
    const stack = newStack();
    const cluster = importCluster(stack, 'fargate', { podIdentityAgent: PodIdentityAgent.unavailable('Fargate-only cluster') });
    expectError(() => new PodIdentityAssociation(stack, 'Assoc', { cluster, namespace: 'a', serviceAccount: 'b' }),
      'PodIdentityAssociation Test/Assoc: cluster "fargate" cannot run EKS Pod Identity (Fargate-only cluster), expected a cluster whose ' +
      'nodes run the Pod Identity Agent; use IRSA for this workload, or declare how the agent is provided with podIdentityAgent: ' +
      'PodIdentityAgent.addon() or PodIdentityAgent.preinstalled()');
  });

  test('a cluster in another region than the stack is an error', () => {
    const stack = newStack();
    const cluster = importCluster(stack, 'far', { clusterArn: 'arn:aws:eks:us-west-2:111122223333:cluster/far' });
    expectError(() => new PodIdentityAssociation(stack, 'Assoc', { cluster, namespace: 'a', serviceAccount: 'b' }),
      'PodIdentityAssociation Test/Assoc: cluster "far" is in 111122223333/us-west-2, but the association\'s stack deploys to ' +
      '111122223333/eu-west-1, expected the association in the cluster\'s account and region; create the association in a stack of ' +
      'the cluster\'s account and region');
  });

  test('a role from another account is an error pointing at targetRole', () => {
    const stack = newStack();
    const role = iam.Role.fromRoleArn(stack, 'Foreign', 'arn:aws:iam::444455556666:role/foreign');
    expectError(() => new PodIdentityAssociation(stack, 'Assoc', { ...binding(stack), role }),
      'PodIdentityAssociation Test/Assoc: role "arn:aws:iam::444455556666:role/foreign" is in account 444455556666, expected the ' +
      'association role in the cluster\'s account 111122223333 (an EKS rule); use targetRole for a role in another account');
  });

  test('a role that is not an IAM role ARN is an error', () => {
    const stack = newStack();
    const role = iam.Role.fromRoleArn(stack, 'User', `arn:aws:iam::${ACCOUNT}:user/bob`);
    expectError(() => new PodIdentityAssociation(stack, 'Assoc', { ...binding(stack), role }),
      `PodIdentityAssociation Test/Assoc: role "arn:aws:iam::${ACCOUNT}:user/bob" is not an IAM role ARN, expected ` +
      'arn:<partition>:iam::<account>:role/<name>');
  });

  test('a role in another partition than the stack\'s region is an error', () => {
    const stack = newStack();
    const role = iam.Role.fromRoleArn(stack, 'China', `arn:aws-cn:iam::${ACCOUNT}:role/existing`);
    expectError(() => new PodIdentityAssociation(stack, 'Assoc', { ...binding(stack), role }),
      `PodIdentityAssociation Test/Assoc: role "arn:aws-cn:iam::${ACCOUNT}:role/existing" is in partition "aws-cn", but stack Test ` +
      'deploys to region "eu-west-1" in partition "aws", expected an ARN in partition "aws"; IAM roles, OIDC providers and EKS ' +
      'clusters of one identity must share a partition');
  });

  test.each([
    ['Team-A', 'catalog-api', 'namespace "Team-A" is not a DNS-1123 label, expected 1 to 63 characters: lowercase letters, digits ' +
      'and \'-\', starting and ending with a letter or digit'],
    ['a'.repeat(64), 'catalog-api', `namespace "${'a'.repeat(64)}" is not a DNS-1123 label (it has 64 characters), expected 1 to 63 ` +
      'characters: lowercase letters, digits and \'-\', starting and ending with a letter or digit'],
    ['catalog', 'Catalog_API', 'service account name "Catalog_API" is not a DNS-1123 subdomain, expected 1 to 253 characters: ' +
      'lowercase letters, digits, \'-\' and \'.\', each dot-separated part starting and ending with a letter or digit'],
    ['catalog', 'api.', 'service account name "api." is not a DNS-1123 subdomain, expected 1 to 253 characters: lowercase ' +
      'letters, digits, \'-\' and \'.\', each dot-separated part starting and ending with a letter or digit'],
  ])('namespace %p / service account %p is rejected', (namespace, serviceAccount, message) => {
    const stack = newStack();
    expectError(() => new PodIdentityAssociation(stack, 'Assoc', { cluster: importCluster(stack), namespace, serviceAccount }),
      `PodIdentityAssociation Test/Assoc: ${message}`);
  });
});

describe('PodIdentityAssociation with session tags disabled', () => {
  const LOST_SCOPING = 'disables session tags, so the trust needs a statement without conditions, which lets any Pod Identity ' +
    'association in the account that names this role assume it. Service accounts that lose their scoping: ';
  const UNSCOPED_EXPECTED = 'expected session tags on every association of the role; keep session tags (drop disableSessionTags; a ' +
    'session policy needs them off), give those service accounts a role of their own, or accept the wider trust with ' +
    'allowUnscopedPodIdentityTrust: true on the role (or on the WorkloadIdentity or PodIdentityAssociation that creates it)';

  test('without the opt-in, the role the association creates fails synthesis, naming the service account that loses its scoping', () => {
    const stack = newStack();
    new PodIdentityAssociation(stack, 'Assoc', { ...binding(stack), disableSessionTags: true });
    expect(synthErrors(stack)).toEqual([
      '[Test/Assoc/Role] WorkloadRole Test/Assoc/Role: the Pod Identity association of catalog/catalog-api@demo ' + LOST_SCOPING +
      `catalog/catalog-api@demo (session tags disabled), ${UNSCOPED_EXPECTED}`,
    ]);
  });

  test('a shared WorkloadRole without the opt-in fails synthesis, listing also the service accounts that pass session tags', () => {
    const stack = newStack();
    const cluster = importCluster(stack);
    const role = new WorkloadRole(stack, 'Shared', { podIdentity: [{ cluster, namespace: 'orders', serviceAccount: 'orders-api' }] });
    new PodIdentityAssociation(stack, 'Assoc', { cluster, namespace: 'catalog', serviceAccount: 'catalog-api', role, disableSessionTags: true });
    expect(synthErrors(stack)).toEqual([
      '[Test/Shared] WorkloadRole Test/Shared: the Pod Identity association of catalog/catalog-api@demo ' + LOST_SCOPING +
      `catalog/catalog-api@demo (session tags disabled), orders/orders-api@demo (session tags passed), ${UNSCOPED_EXPECTED}`,
    ]);
  });

  test('with allowUnscopedPodIdentityTrust the role trusts pods.eks.amazonaws.com without conditions', async () => {
    const stack = newStack();
    const association = new PodIdentityAssociation(stack, 'Assoc', { ...binding(stack), disableSessionTags: true, allowUnscopedPodIdentityTrust: true });
    const template = Template.fromStack(stack);
    const [roleId] = logicalIdsOf(template, 'AWS::IAM::Role');
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { DisableSessionTags: true, RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] } });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{ Action: ['sts:AssumeRole', 'sts:TagSession'], Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' } }],
      },
    });
    expect(WorkloadRole.isWorkloadRole(association.role) && association.role.allowUnscopedPodIdentityTrust).toBe(true);
    // EKS passes no session tags: nothing names the service account, and the unscoped trust admits the request.
    expect(await podIdentityDecision(template, roleId, {})).toBe('Allowed');
    Annotations.fromStack(stack).hasInfo('/Test/Assoc/Role', Match.stringLikeRegexp(
      '^Pod Identity trust without conditions \\(allowUnscopedPodIdentityTrust\\).*Service accounts named: catalog/catalog-api@demo \\(session tags disabled\\)\\.$'));
  });

  test('allowUnscopedPodIdentityTrust on the WorkloadRole passed as role lets its association disable session tags', () => {
    const stack = newStack();
    const role = new WorkloadRole(stack, 'Shared', { allowUnscopedPodIdentityTrust: true });
    new PodIdentityAssociation(stack, 'Assoc', { ...binding(stack), role, disableSessionTags: true });
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::PodIdentityAssociation', { DisableSessionTags: true });
  });

  test('allowUnscopedPodIdentityTrust together with role is an error pointing to the WorkloadRole prop', () => {
    const stack = newStack();
    const role = new WorkloadRole(stack, 'Shared');
    expectError(() => new PodIdentityAssociation(stack, 'Assoc', { ...binding(stack), role, disableSessionTags: true, allowUnscopedPodIdentityTrust: true }),
      'PodIdentityAssociation Test/Assoc: allowUnscopedPodIdentityTrust is set together with role Test/Shared, expected it only for a ' +
      'role this association creates; set allowUnscopedPodIdentityTrust on that WorkloadRole instead');
  });
});

describe('PodIdentityAssociation with a target role (role chaining)', () => {
  const TARGET_ARN = 'arn:aws:iam::444455556666:role/catalog-reader';

  function chained(options: { disableSessionTags?: boolean; allowUnscopedPodIdentityTrust?: boolean } = {}) {
    const app = new App();
    const clusterStack = newStack({ stackName: 'Cluster' }, app);
    const dataStack = newStack({ stackName: 'Data', env: { account: '444455556666', region: REGION } }, app);
    const target = new WorkloadRole(dataStack, 'Target', { roleName: 'catalog-reader' });
    const association = new PodIdentityAssociation(clusterStack, 'Assoc', { ...binding(clusterStack), targetRole: target, ...options });
    const clusterTemplate = Template.fromStack(clusterStack);
    const dataTemplate = Template.fromStack(dataStack);
    // The association role gets a generated name, because the target's account must know its ARN at synth.
    const associationRole = Object.values(clusterTemplate.findResources('AWS::IAM::Role'))[0] as any;
    const associationRoleArn = `arn:aws:iam::${ACCOUNT}:role/${associationRole.Properties.RoleName}`;
    const trustPolicy = trustPolicyOf(dataTemplate, logicalIdsOf(dataTemplate, 'AWS::IAM::Role')[0], { account: '444455556666', region: REGION });
    return { association, clusterTemplate, trustPolicy, associationRoleArn };
  }

  test('the association role may assume and tag the target role', () => {
    const { clusterTemplate } = chained();
    const association = Object.values(clusterTemplate.findResources('AWS::EKS::PodIdentityAssociation'))[0] as any;
    expect(resolveIntrinsics(association.Properties.TargetRoleArn)).toBe(TARGET_ARN);
    const policy = Object.values(clusterTemplate.findResources('AWS::IAM::Policy'))[0] as any;
    expect(resolveIntrinsics(policy.Properties.PolicyDocument.Statement)).toEqual([
      { Action: ['sts:AssumeRole', 'sts:TagSession'], Effect: 'Allow', Resource: TARGET_ARN },
    ]);
  });

  test('the target trusts only the association role, from the cluster account, for this service account', async () => {
    const { trustPolicy, associationRoleArn } = chained();
    const decide = async (principal: string, tags: Record<string, string>, action = 'sts:AssumeRole') => (await simulateAssumeRole({
      trustPolicy, roleArn: TARGET_ARN, principal, action, requestTags: tags,
    })).decision;
    expect(await decide(associationRoleArn, podIdentityTags('catalog', 'catalog-api'))).toBe('Allowed');
    expect(await decide(associationRoleArn, podIdentityTags('catalog', 'catalog-api'), 'sts:TagSession')).toBe('Allowed');
    expect(await decide(associationRoleArn, podIdentityTags('catalog', 'other-api'))).toBe('Denied');
    expect(await decide(associationRoleArn, podIdentityTags('other', 'catalog-api'))).toBe('Denied');
    expect(await decide(`arn:aws:iam::${ACCOUNT}:role/some-other-role`, podIdentityTags('catalog', 'catalog-api'))).toBe('Denied');
    expect(await decide(associationRoleArn.replace(ACCOUNT, '999988887777'), podIdentityTags('catalog', 'catalog-api'))).toBe('Denied');
  });

  test('with session tags disabled the target trust has the two statements of the EKS user guide: AssumeRole by external id, TagSession', () => {
    const { association, trustPolicy, associationRoleArn } = chained({ disableSessionTags: true, allowUnscopedPodIdentityTrust: true });
    expect(association.externalId).toBe(EXTERNAL_ID);
    expect((trustPolicy as any).Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Condition: {
          StringEquals: { 'sts:ExternalId': EXTERNAL_ID },
          ArnEquals: { 'aws:PrincipalARN': associationRoleArn },
        },
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      },
      {
        Action: 'sts:TagSession',
        Condition: { ArnEquals: { 'aws:PrincipalARN': associationRoleArn } },
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      },
    ]);
  });

  test('with session tags disabled the target admits the association role with the external id, and nothing else', async () => {
    const { trustPolicy, associationRoleArn } = chained({ disableSessionTags: true, allowUnscopedPodIdentityTrust: true });
    const assume = async (principal: string, externalId: string) => (await simulateAssumeRole({
      trustPolicy, roleArn: TARGET_ARN, principal, action: 'sts:AssumeRole', context: { 'sts:ExternalId': externalId },
    })).decision;
    const tag = async (principal: string) => (await simulateAssumeRole({ trustPolicy, roleArn: TARGET_ARN, principal, action: 'sts:TagSession' })).decision;
    expect(await assume(associationRoleArn, EXTERNAL_ID)).toBe('Allowed');
    expect(await assume(associationRoleArn, `${REGION}/${ACCOUNT}/demo/catalog/other-api`)).toBe('Denied');
    expect(await assume(`arn:aws:iam::${ACCOUNT}:role/some-other-role`, EXTERNAL_ID)).toBe('Denied');
    expect(await tag(associationRoleArn)).toBe('Allowed');
    expect(await tag(`arn:aws:iam::${ACCOUNT}:role/some-other-role`)).toBe('Denied');
  });

  test('an existing association role gets the permission on the target through a policy attached to it', () => {
    const stack = newStack();
    const role = iam.Role.fromRoleArn(stack, 'Existing', `arn:aws:iam::${ACCOUNT}:role/existing`);
    const target = iam.Role.fromRoleArn(stack, 'Target', 'arn:aws:iam::444455556666:role/target');
    new PodIdentityAssociation(stack, 'Assoc', { ...binding(stack), role, targetRole: target });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: ['existing'],
      PolicyDocument: { Statement: [{ Action: ['sts:AssumeRole', 'sts:TagSession'], Effect: 'Allow', Resource: 'arn:aws:iam::444455556666:role/target' }] },
    });
  });

  test('an existing target role gets a warning with the statement its trust needs', () => {
    const stack = newStack();
    const target = iam.Role.fromRoleArn(stack, 'Target', 'arn:aws:iam::444455556666:role/target');
    new PodIdentityAssociation(stack, 'Assoc', { ...binding(stack), targetRole: target });
    const warning = unmanagedTrustWarning(stack);
    expect(warning.role).toBe('arn:aws:iam::444455556666:role/target');
    expect(warning.what).toBe('the target role of catalog/catalog-api@demo');
    // Deploy-time values are placeholders (the association role's ARN: its name is generated); the partition is literal,
    // as the stack's region fixes it.
    expect(warning.statements).toEqual([{
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      Condition: {
        ArnEquals: { 'aws:PrincipalARN': '<Test/Assoc/Role.Arn>' },
        StringEquals: TAG_SCOPED_POD_IDENTITY_STATEMENT.Condition.StringEquals,
      },
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
    }]);
  });

  test('an existing target role with session tags disabled: the warning gives the two statements, which admit only the association role', async () => {
    const stack = newStack();
    const target = iam.Role.fromRoleArn(stack, 'Target', 'arn:aws:iam::444455556666:role/target');
    new PodIdentityAssociation(stack, 'Assoc', { ...binding(stack), targetRole: target, disableSessionTags: true, allowUnscopedPodIdentityTrust: true });
    const warning = unmanagedTrustWarning(stack);
    const root = { AWS: `arn:aws:iam::${ACCOUNT}:root` };
    const fromAssociationRole = { ArnEquals: { 'aws:PrincipalARN': '<Test/Assoc/Role.Arn>' } };
    expect(warning.statements).toEqual([
      { Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': EXTERNAL_ID }, ...fromAssociationRole }, Effect: 'Allow', Principal: root },
      { Action: 'sts:TagSession', Condition: fromAssociationRole, Effect: 'Allow', Principal: root },
    ]);

    // Filled in as the user would, the statements admit the association role with the external id only.
    const associationRoleArn = `arn:aws:iam::${ACCOUNT}:role/Test-AssocRole-ABC123`;
    const trustPolicy = JSON.parse(JSON.stringify({ Version: '2012-10-17', Statement: warning.statements })
      .split('<Test/Assoc/Role.Arn>').join(associationRoleArn));
    const simulate = async (principal: string, action: string, context?: Record<string, string>) =>
      (await simulateAssumeRole({ trustPolicy, roleArn: 'arn:aws:iam::444455556666:role/target', principal, action, context })).decision;
    expect(await simulate(associationRoleArn, 'sts:AssumeRole', { 'sts:ExternalId': EXTERNAL_ID })).toBe('Allowed');
    expect(await simulate(associationRoleArn, 'sts:AssumeRole', { 'sts:ExternalId': 'other' })).toBe('Denied');
    expect(await simulate(`arn:aws:iam::${ACCOUNT}:role/other`, 'sts:AssumeRole', { 'sts:ExternalId': EXTERNAL_ID })).toBe('Denied');
    expect(await simulate(associationRoleArn, 'sts:TagSession')).toBe('Allowed');
    expect(await simulate(`arn:aws:iam::${ACCOUNT}:role/other`, 'sts:TagSession')).toBe('Denied');
  });

  test('a target role that is not a role ARN is an error', () => {
    const stack = newStack();
    const user = iam.Role.fromRoleArn(stack, 'Bob', 'arn:aws:iam::444455556666:user/bob');
    expectError(() => new PodIdentityAssociation(stack, 'Assoc', { ...binding(stack), targetRole: user }),
      'PodIdentityAssociation Test/Assoc: targetRole "arn:aws:iam::444455556666:user/bob" is not an IAM role ARN, expected ' +
      'arn:<partition>:iam::<account>:role/<name>; import the role with iam.Role.fromRoleArn() using its role ARN');
  });

  test('a target role that is the association role is an error, by ARN', () => {
    const stack = newStack();
    const role = iam.Role.fromRoleArn(stack, 'Existing', `arn:aws:iam::${ACCOUNT}:role/existing`);
    const sameRole = iam.Role.fromRoleArn(stack, 'SameAgain', `arn:aws:iam::${ACCOUNT}:role/existing`);
    expectError(() => new PodIdentityAssociation(stack, 'Assoc', { ...binding(stack), role, targetRole: sameRole }),
      `PodIdentityAssociation Test/Assoc: targetRole is the association role itself (arn:aws:iam::${ACCOUNT}:role/existing), expected ` +
      'a different role to chain into; omit targetRole to give pods the association role\'s credentials');
  });

  test('a target role that is the association role is an error, by construct', () => {
    const stack = newStack();
    const role = new WorkloadRole(stack, 'Shared');
    expectError(() => new PodIdentityAssociation(stack, 'Assoc', { ...binding(stack), role, targetRole: role }),
      'PodIdentityAssociation Test/Assoc: targetRole is the association role itself (Test/Shared), expected a different role to chain ' +
      'into; omit targetRole to give pods the association role\'s credentials');
  });

  test('a target role in another partition than the stack\'s region is an error', () => {
    const stack = newStack();
    const target = iam.Role.fromRoleArn(stack, 'Target', 'arn:aws-cn:iam::444455556666:role/target');
    expectError(() => new PodIdentityAssociation(stack, 'Assoc', { ...binding(stack), targetRole: target }),
      'PodIdentityAssociation Test/Assoc: targetRole "arn:aws-cn:iam::444455556666:role/target" is in partition "aws-cn", but stack ' +
      'Test deploys to region "eu-west-1" in partition "aws", expected an ARN in partition "aws"; IAM roles, OIDC providers and EKS ' +
      'clusters of one identity must share a partition');
  });
});

describe('PodIdentityAssociation.fromAssociationArn', () => {
  test('a literal ARN gives the id and the environment', () => {
    const stack = newStack();
    const arn = `arn:aws:eks:${REGION}:${ACCOUNT}:podidentityassociation/demo/a-abcdefghijklmnop1`;
    const imported = PodIdentityAssociation.fromAssociationArn(stack, 'Imported', arn);
    expect(imported.associationArn).toBe(arn);
    expect(imported.associationId).toBe('a-abcdefghijklmnop1');
    expect(imported.env).toMatchObject({ account: ACCOUNT, region: REGION });
  });

  test('a token ARN gives the id at deploy time', () => {
    const stack = newStack();
    const arn = new CfnParameter(stack, 'Arn').valueAsString;
    const imported = PodIdentityAssociation.fromAssociationArn(stack, 'Imported', arn);
    expect(stack.resolve(imported.associationId)).toEqual({
      'Fn::Select': [1, { 'Fn::Split': ['/', { 'Fn::Select': [1, { 'Fn::Split': ['/', { 'Fn::Select': [5, { 'Fn::Split': [':', { Ref: 'Arn' }] }] }] }] }] }],
    });
  });

  test('a malformed ARN is rejected', () => {
    expectError(() => PodIdentityAssociation.fromAssociationArn(newStack(), 'Bad', 'arn:aws:eks:eu-west-1:111122223333:cluster/demo'),
      'PodIdentityAssociation Test/Bad: associationArn "arn:aws:eks:eu-west-1:111122223333:cluster/demo" is not a Pod Identity ' +
      'association ARN, expected arn:<partition>:eks:<region>:<account>:podidentityassociation/<cluster>/a-<id>');
  });
});
