import { App, CfnParameter, Stack, aws_iam as iam } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { PodIdentityAgent, PodIdentityAssociation, WorkloadRole } from '../../src';
import { ACCOUNT, REGION, clusterArn, importCluster, logicalIdsOf, newStack, podIdentityTags } from '../util/fixtures';
import { resolveIntrinsics, simulateAssumeRole, trustPolicyOf } from '../util/iam-simulator';
import { podIdentityDecision } from '../util/pod-identity-sim';

const binding = (stack: Stack) => ({ cluster: importCluster(stack), namespace: 'catalog', serviceAccount: 'catalog-api' });

describe('PodIdentityAssociation', () => {
  test('by default: a new role trusting exactly this service account, the association and the agent add-on', async () => {
    const stack = newStack();
    const association = new PodIdentityAssociation(stack, 'Assoc', binding(stack));
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.resourceCountIs('AWS::EKS::Addon', 1);
    const [roleId] = logicalIdsOf(template, 'AWS::IAM::Role');
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
    expect(stack.resolve(association.associationArn)).toEqual({ 'Fn::GetAtt': [logicalIdsOf(template, 'AWS::EKS::PodIdentityAssociation')[0], 'AssociationArn'] });
    expect(stack.resolve(association.externalId)).toEqual({ 'Fn::GetAtt': [logicalIdsOf(template, 'AWS::EKS::PodIdentityAssociation')[0], 'ExternalId'] });
  });

  test('a provided WorkloadRole is used and gets the trust', () => {
    const stack = newStack();
    const role = new WorkloadRole(stack, 'Shared');
    new PodIdentityAssociation(stack, 'Assoc', { ...binding(stack), role });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Role', 1);
    expect(role.podIdentityBindings.map(b => `${b.namespace}/${b.serviceAccount}`)).toEqual(['catalog/catalog-api']);
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { RoleArn: { 'Fn::GetAtt': [logicalIdsOf(template, 'AWS::IAM::Role')[0], 'Arn'] } });
  });

  test('an existing role is used as it is, with a note that its trust is not managed here', () => {
    const stack = newStack();
    const role = iam.Role.fromRoleArn(stack, 'Existing', `arn:aws:iam::${ACCOUNT}:role/existing`);
    new PodIdentityAssociation(stack, 'Assoc', { ...binding(stack), role });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Role', 0);
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { RoleArn: `arn:aws:iam::${ACCOUNT}:role/existing` });
    Annotations.fromStack(stack).hasInfo('/Test/Assoc', Match.stringLikeRegexp('must admit pods.eks.amazonaws.com .* for catalog/catalog-api@demo'));
  });

  test('disableSessionTags and a session policy are passed; the policy is a JSON string', () => {
    const stack = newStack();
    new PodIdentityAssociation(stack, 'Assoc', {
      ...binding(stack),
      disableSessionTags: true,
      sessionPolicy: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] })] }),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
      DisableSessionTags: true,
      Policy: JSON.stringify({ Statement: [{ Action: 's3:GetObject', Effect: 'Allow', Resource: 'arn:aws:s3:::b/*' }], Version: '2012-10-17' }),
    });
  });

  test('a session policy with session tags enabled is an error', () => {
    const stack = newStack();
    expect(() => new PodIdentityAssociation(stack, 'Assoc', {
      ...binding(stack),
      sessionPolicy: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] })] }),
    })).toThrow('PodIdentityAssociation Test/Assoc: sessionPolicy requires disableSessionTags: true (EKS rejects a session policy when session tags are enabled)');
  });

  test('a session policy over 2,048 characters is an error', () => {
    const stack = newStack();
    const resources = Array.from({ length: 60 }, (_, i) => `arn:aws:s3:::bucket-number-${i}/*`);
    expect(() => new PodIdentityAssociation(stack, 'Assoc', {
      ...binding(stack),
      disableSessionTags: true,
      sessionPolicy: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources })] }),
    })).toThrow(/PodIdentityAssociation Test\/Assoc: sessionPolicy is \d{4} characters, over the STS limit of 2048/);
  });

  test('tags are set on the association', () => {
    const stack = newStack();
    new PodIdentityAssociation(stack, 'Assoc', { ...binding(stack), tags: { team: 'catalog' } });
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Tags: [{ Key: 'team', Value: 'catalog' }] });
  });

  test('two associations for the same service account are an error, even through two imports of the cluster', () => {
    const stack = newStack();
    new PodIdentityAssociation(stack, 'First', binding(stack));
    const again = { cluster: importCluster(stack, 'demo-again', {}), namespace: 'catalog', serviceAccount: 'catalog-api' };
    expect(() => new PodIdentityAssociation(stack, 'Other', again)).not.toThrow(); // another cluster
    const sameCluster = { cluster: importCluster(stack, 'x', { clusterName: 'demo' }), namespace: 'catalog', serviceAccount: 'catalog-api' };
    expect(() => new PodIdentityAssociation(stack, 'Second', sameCluster)).toThrow(
      'PodIdentityAssociation Test/Second: service account catalog/catalog-api@demo already has a Pod Identity association at Test/First. ' +
      'EKS allows one association per cluster, namespace and service account.');
  });

  test('a cluster that cannot run Pod Identity is an error', () => {
    const stack = newStack();
    const cluster = importCluster(stack, 'fargate', { podIdentityAgent: PodIdentityAgent.unavailable('Fargate-only cluster') });
    expect(() => new PodIdentityAssociation(stack, 'Assoc', { cluster, namespace: 'a', serviceAccount: 'b' }))
      .toThrow('PodIdentityAssociation Test/Assoc: cluster "fargate" cannot run EKS Pod Identity (Fargate-only cluster).');
  });

  test('a cluster in another region than the stack is an error', () => {
    const stack = newStack();
    const cluster = importCluster(stack, 'far', { clusterArn: 'arn:aws:eks:us-west-2:111122223333:cluster/far' });
    expect(() => new PodIdentityAssociation(stack, 'Assoc', { cluster, namespace: 'a', serviceAccount: 'b' })).toThrow(
      'PodIdentityAssociation Test/Assoc: cluster "far" is in 111122223333/us-west-2, but the association\'s stack deploys to ' +
      '111122223333/eu-west-1. Create the association in a stack of the cluster\'s account and region.');
  });

  test('a role from another account is an error pointing at targetRole', () => {
    const stack = newStack();
    const role = iam.Role.fromRoleArn(stack, 'Foreign', 'arn:aws:iam::444455556666:role/foreign');
    expect(() => new PodIdentityAssociation(stack, 'Assoc', { ...binding(stack), role })).toThrow(
      'PodIdentityAssociation Test/Assoc: role arn:aws:iam::444455556666:role/foreign is in account 444455556666, ' +
      'but EKS requires the association role in the cluster\'s account 111122223333. Use targetRole for a role in another account.');
  });

  test.each([
    ['Team-A', 'catalog-api', 'Invalid namespace "Team-A": expected a DNS-1123 label'],
    ['a'.repeat(64), 'catalog-api', `Invalid namespace "${'a'.repeat(64)}": expected a DNS-1123 label (1 to 63 characters: lowercase letters, digits and '-', starting and ending with a letter or digit); it has 64 characters`],
    ['catalog', 'Catalog_API', 'Invalid service account name "Catalog_API": expected a DNS-1123 subdomain'],
    ['catalog', 'api.', 'Invalid service account name "api.": expected a DNS-1123 subdomain'],
  ])('namespace %p / service account %p is rejected', (namespace, serviceAccount, message) => {
    const stack = newStack();
    expect(() => new PodIdentityAssociation(stack, 'Assoc', { cluster: importCluster(stack), namespace, serviceAccount })).toThrow(message);
  });
});

describe('PodIdentityAssociation with a target role (role chaining)', () => {
  function chained(options: { disableSessionTags?: boolean } = {}) {
    const app = new App();
    const clusterStack = newStack({ stackName: 'Cluster' }, app);
    const dataStack = newStack({ stackName: 'Data', env: { account: '444455556666', region: REGION } }, app);
    const target = new WorkloadRole(dataStack, 'Target', { roleName: 'catalog-reader' });
    new PodIdentityAssociation(clusterStack, 'Assoc', { ...binding(clusterStack), targetRole: target, ...options });
    return { clusterStack, dataStack };
  }

  test('the association role may assume and tag the target role', () => {
    const { clusterStack } = chained();
    const template = Template.fromStack(clusterStack);
    const targetArn = 'arn:aws:iam::444455556666:role/catalog-reader';
    const association = Object.values(template.findResources('AWS::EKS::PodIdentityAssociation'))[0] as any;
    expect(resolveIntrinsics(association.Properties.TargetRoleArn)).toBe(targetArn);
    const policy = Object.values(template.findResources('AWS::IAM::Policy'))[0] as any;
    expect(resolveIntrinsics(policy.Properties.PolicyDocument.Statement)).toEqual([
      { Action: ['sts:AssumeRole', 'sts:TagSession'], Effect: 'Allow', Resource: targetArn },
    ]);
  });

  test('the target trusts only the association role, from the cluster account, for this service account', async () => {
    const { clusterStack, dataStack } = chained();
    const data = Template.fromStack(dataStack);
    const [targetId] = logicalIdsOf(data, 'AWS::IAM::Role');
    // The association role gets a generated name, because the target's account must know its ARN at synth.
    const associationRole = Object.values(Template.fromStack(clusterStack).findResources('AWS::IAM::Role'))[0] as any;
    const associationRoleArn = `arn:aws:iam::${ACCOUNT}:role/${associationRole.Properties.RoleName}`;
    const trustPolicy = trustPolicyOf(data, targetId, { account: '444455556666', region: REGION });
    const decide = async (principal: string, tags: Record<string, string>, action = 'sts:AssumeRole') => (await simulateAssumeRole({
      trustPolicy, roleArn: 'arn:aws:iam::444455556666:role/catalog-reader', principal, action, requestTags: tags,
    })).decision;
    expect(await decide(associationRoleArn, podIdentityTags('catalog', 'catalog-api'))).toBe('Allowed');
    expect(await decide(associationRoleArn, podIdentityTags('catalog', 'catalog-api'), 'sts:TagSession')).toBe('Allowed');
    expect(await decide(associationRoleArn, podIdentityTags('catalog', 'other-api'))).toBe('Denied');
    expect(await decide(associationRoleArn, podIdentityTags('other', 'catalog-api'))).toBe('Denied');
    expect(await decide(`arn:aws:iam::${ACCOUNT}:role/some-other-role`, podIdentityTags('catalog', 'catalog-api'))).toBe('Denied');
    expect(await decide(`arn:aws:iam::999988887777:role/${associationRole.Properties.RoleName}`, podIdentityTags('catalog', 'catalog-api'))).toBe('Denied');
  });

  test('with session tags disabled the target trust names the association\'s external id instead of tags', () => {
    const { dataStack } = chained({ disableSessionTags: true });
    const role = Object.values(Template.fromStack(dataStack).findResources('AWS::IAM::Role'))[0] as any;
    const [statement] = resolveIntrinsics(role.Properties.AssumeRolePolicyDocument.Statement) as any[];
    expect(statement.Principal).toEqual({ AWS: `arn:aws:iam::${ACCOUNT}:root` });
    expect(statement.Condition).toEqual({
      ArnEquals: { 'aws:PrincipalARN': expect.stringMatching(new RegExp(`^arn:aws:iam::${ACCOUNT}:role/`)) },
      StringEquals: { 'sts:ExternalId': `${REGION}/${ACCOUNT}/demo/catalog/catalog-api` },
    });
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
    expect(clusterArn()).toContain('demo');
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
    expect(JSON.stringify(stack.resolve(imported.associationId))).toContain('Fn::Select');
  });

  test('a malformed ARN is rejected', () => {
    expect(() => PodIdentityAssociation.fromAssociationArn(newStack(), 'Bad', 'arn:aws:eks:eu-west-1:111122223333:cluster/demo')).toThrow(
      'Invalid Pod Identity association ARN "arn:aws:eks:eu-west-1:111122223333:cluster/demo": expected arn:<partition>:eks:<region>:<account>:podidentityassociation/<cluster>/a-<id>');
  });
});
