import { CfnParameter, Stack, aws_iam as iam, aws_s3 as s3 } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Testing } from 'cdk8s';
import { IdentityMechanism, PodIdentityAgent, WorkloadIdentity, WorkloadRole } from '../src';
import { ACCOUNT, importCluster, logicalIdsOf, newStack, podIdentityTags } from './util/fixtures';
import { synthChartObjects } from './util/kubernetes';
import { podIdentityDecision } from './util/pod-identity-sim';

function resourceTypes(stack: Stack): string[] {
  return Object.values(Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string }>).map(r => r.Type).sort();
}

describe('WorkloadIdentity (Pod Identity)', () => {
  test('one workload without permissions: a role and an association (plus the cluster\'s agent add-on), nothing else', () => {
    const stack = newStack();
    const identity = new WorkloadIdentity(stack, 'Metrics', { cluster: importCluster(stack), namespace: 'kube-system', serviceAccount: 'metrics-server' });
    expect(resourceTypes(stack)).toEqual(['AWS::EKS::Addon', 'AWS::EKS::PodIdentityAssociation', 'AWS::IAM::Role']);
    expect(identity.mechanism).toBe(IdentityMechanism.POD_IDENTITY);
    expect(identity.serviceAccount).toBeUndefined();
  });

  test('granting permissions adds exactly one policy; no Lambda and no custom resource anywhere', () => {
    const stack = newStack();
    const identity = new WorkloadIdentity(stack, 'Api', { cluster: importCluster(stack), namespace: 'catalog', serviceAccount: 'catalog-api' });
    const bucket = s3.Bucket.fromBucketName(stack, 'Bucket', 'catalog-images');
    bucket.grantRead(identity);
    expect(resourceTypes(stack)).toEqual(['AWS::EKS::Addon', 'AWS::EKS::PodIdentityAssociation', 'AWS::IAM::Policy', 'AWS::IAM::Role']);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: logicalIdsOf(template, 'AWS::IAM::Role')[0] }],
      PolicyDocument: { Statement: [Match.objectLike({ Action: ['s3:GetObject*', 's3:GetBucket*', 's3:List*'] })] },
    });
    expect(identity.grantPrincipal).toBe(identity.role.grantPrincipal);
  });

  test('the role trusts exactly the workload\'s service account', async () => {
    const stack = newStack();
    new WorkloadIdentity(stack, 'Api', { cluster: importCluster(stack), namespace: 'catalog', serviceAccount: 'catalog-api' });
    const template = Template.fromStack(stack);
    const [roleId] = logicalIdsOf(template, 'AWS::IAM::Role');
    expect(await podIdentityDecision(template, roleId, { tags: podIdentityTags('catalog', 'catalog-api') })).toBe('Allowed');
    expect(await podIdentityDecision(template, roleId, { tags: podIdentityTags('default', 'catalog-api') })).toBe('Denied');
  });

  test('with a chart, the ServiceAccount is written there: no role annotation for Pod Identity, and it validates', () => {
    const stack = newStack();
    const chart = Testing.chart();
    const identity = new WorkloadIdentity(stack, 'Api', {
      cluster: importCluster(stack),
      namespace: 'catalog',
      serviceAccount: 'catalog-api',
      chart,
      serviceAccountOptions: { createNamespace: true, labels: { 'app.kubernetes.io/name': 'catalog-api' } },
    });
    expect(synthChartObjects(chart)).toEqual([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'catalog' } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'catalog-api', namespace: 'catalog', labels: { 'app.kubernetes.io/name': 'catalog-api' } } },
    ]);
    expect(identity.serviceAccount!.name).toBe('catalog-api');
  });

  test('a shared WorkloadRole is reused and trusts each workload exactly', async () => {
    const stack = newStack();
    const cluster = importCluster(stack);
    const role = new WorkloadRole(stack, 'Shared');
    new WorkloadIdentity(stack, 'A', { cluster, namespace: 'team-a', serviceAccount: 'app', role });
    new WorkloadIdentity(stack, 'B', { cluster, namespace: 'team-b', serviceAccount: 'worker', role });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 2);
    const [roleId] = logicalIdsOf(template, 'AWS::IAM::Role');
    expect(await podIdentityDecision(template, roleId, { tags: podIdentityTags('team-a', 'app') })).toBe('Allowed');
    expect(await podIdentityDecision(template, roleId, { tags: podIdentityTags('team-b', 'worker') })).toBe('Allowed');
    expect(await podIdentityDecision(template, roleId, { tags: podIdentityTags('team-a', 'worker') })).toBe('Denied');
    expect(await podIdentityDecision(template, roleId, { tags: podIdentityTags('team-b', 'app') })).toBe('Denied');
  });

  test('an existing role is used as it is', () => {
    const stack = newStack();
    const role = iam.Role.fromRoleArn(stack, 'Existing', `arn:aws:iam::${ACCOUNT}:role/catalog-api`);
    const identity = new WorkloadIdentity(stack, 'Api', { cluster: importCluster(stack), namespace: 'catalog', serviceAccount: 'catalog-api', role });
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Role', 0);
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::PodIdentityAssociation', { RoleArn: `arn:aws:iam::${ACCOUNT}:role/catalog-api` });
    expect(identity.role).toBe(role);
  });

  test('with a target role, grants go to the target role', () => {
    const stack = newStack();
    const target = new WorkloadRole(stack, 'Target');
    const identity = new WorkloadIdentity(stack, 'Api', { cluster: importCluster(stack), namespace: 'catalog', serviceAccount: 'catalog-api', targetRole: target });
    expect(identity.grantPrincipal).toBe(target.grantPrincipal);
  });

  test('role name and cluster scope apply to the new role', () => {
    const stack = newStack();
    new WorkloadIdentity(stack, 'Api', { cluster: importCluster(stack), namespace: 'catalog', serviceAccount: 'catalog-api', roleName: 'catalog-api' });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', { RoleName: 'catalog-api' });
  });

  test('roleName together with role is an error', () => {
    const stack = newStack();
    const role = new WorkloadRole(stack, 'Shared');
    expect(() => new WorkloadIdentity(stack, 'Api', { cluster: importCluster(stack), namespace: 'a', serviceAccount: 'b', role, roleName: 'x' }))
      .toThrow('WorkloadIdentity Test/Api: roleName and clusterScope configure a new role; they cannot be combined with role (Test/Shared)');
  });

  test('serviceAccountOptions without a chart is an error', () => {
    const stack = newStack();
    expect(() => new WorkloadIdentity(stack, 'Api', { cluster: importCluster(stack), namespace: 'a', serviceAccount: 'b', serviceAccountOptions: { createNamespace: true } }))
      .toThrow('WorkloadIdentity Test/Api: serviceAccountOptions are set but there is no chart to write the ServiceAccount to');
  });

  test('the same service account twice in one chart is an error', () => {
    const stack = newStack();
    const chart = Testing.chart();
    new WorkloadIdentity(stack, 'One', { cluster: importCluster(stack, 'one'), namespace: 'a', serviceAccount: 'b', chart });
    expect(() => new WorkloadIdentity(stack, 'Two', { cluster: importCluster(stack, 'two'), namespace: 'a', serviceAccount: 'b', chart }))
      .toThrow(/WorkloadIdentity Test\/Two: chart .* already has ServiceAccount a\/b@two \(construct .*\/a-b\); one chart holds each service account once/);
  });

  test('Pod Identity on a cluster that cannot run it fails at synth with no output', () => {
    const stack = newStack();
    const cluster = importCluster(stack, 'fargate', { podIdentityAgent: PodIdentityAgent.unavailable('Fargate-only cluster') });
    expect(() => new WorkloadIdentity(stack, 'Api', { cluster, namespace: 'a', serviceAccount: 'b' }))
      .toThrow('cluster "fargate" cannot run EKS Pod Identity (Fargate-only cluster)');
  });

  test.each([
    ['kube_system', 'metrics-server', 'Invalid namespace "kube_system": expected a DNS-1123 label'],
    ['kube-system', 'Metrics', 'Invalid service account name "Metrics": expected a DNS-1123 subdomain'],
    ['kube-system', 'a'.repeat(254), 'Invalid service account name'],
  ])('namespace %p and service account %p are rejected before anything is created', (namespace, serviceAccount, message) => {
    const stack = newStack();
    const chart = Testing.chart();
    expect(() => new WorkloadIdentity(stack, 'Bad', { cluster: importCluster(stack), namespace, serviceAccount, chart })).toThrow(message);
    expect(stack.node.tryFindChild('Bad')?.node.children ?? []).toHaveLength(0);
    expect(chart.node.children).toHaveLength(0);
  });

  test('names that are tokens are not checked', () => {
    const stack = newStack();
    const namespace = new CfnParameter(stack, 'Namespace').valueAsString;
    expect(() => new WorkloadIdentity(stack, 'Api', { cluster: importCluster(stack), namespace, serviceAccount: 'api' })).not.toThrow();
  });
});
