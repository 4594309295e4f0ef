import { CfnParameter, type Stack, aws_iam as iam, aws_s3 as s3 } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Testing } from 'cdk8s';
import { ClusterScope, IdentityMechanism, PodIdentityAgent, WorkloadIdentity, WorkloadRole } from '../src';
import { expectError, synthErrors } from './util/errors';
import { ACCOUNT, clusterArn, importCluster, logicalIdsOf, newStack, podIdentityTags } from './util/fixtures';
import { synthChartObjects } from './util/kubernetes';
import { podIdentityDecision } from './util/pod-identity-sim';

function resourceTypes(stack: Stack): string[] {
  return Object.values((Template.fromStack(stack).toJSON().Resources ?? {}) as Record<string, { Type: string }>).map(r => r.Type).sort();
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

  test('an existing role is used as it is, with a warning holding the statement its trust needs', async () => {
    const stack = newStack();
    const role = iam.Role.fromRoleArn(stack, 'Existing', `arn:aws:iam::${ACCOUNT}:role/catalog-api`);
    const identity = new WorkloadIdentity(stack, 'Api', { cluster: importCluster(stack), namespace: 'catalog', serviceAccount: 'catalog-api', role });
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Role', 0);
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::PodIdentityAssociation', { RoleArn: `arn:aws:iam::${ACCOUNT}:role/catalog-api` });
    expect(identity.role).toBe(role);
    const statement = {
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      Condition: {
        StringEquals: {
          'aws:RequestTag/eks-cluster-arn': clusterArn('demo'),
          'aws:RequestTag/kubernetes-namespace': 'catalog',
          'aws:RequestTag/kubernetes-service-account': 'catalog-api',
        },
      },
      Effect: 'Allow',
      Principal: { Service: 'pods.eks.amazonaws.com' },
    };
    Annotations.fromStack(stack).hasWarning('/Test/Api/Association', `The trust policy of role arn:aws:iam::${ACCOUNT}:role/catalog-api is not ` +
      'managed by this library (it is not a WorkloadRole). For Pod Identity for catalog/catalog-api@demo it must contain: ' +
      `${JSON.stringify(statement)}. Without it the pods get no credentials. Once the role trusts this, acknowledge the warning: ` +
      'Annotations.of(stack).acknowledgeWarning(\'cdk-workload-identity:unmanagedTrust\'). [ack: cdk-workload-identity:unmanagedTrust]');
  });

  test('with a target role, grants go to the target role', () => {
    const stack = newStack();
    const target = new WorkloadRole(stack, 'Target');
    const identity = new WorkloadIdentity(stack, 'Api', { cluster: importCluster(stack), namespace: 'catalog', serviceAccount: 'catalog-api', targetRole: target });
    expect(identity.grantPrincipal).toBe(target.grantPrincipal);
  });

  test('role name applies to the new role', () => {
    const stack = newStack();
    new WorkloadIdentity(stack, 'Api', { cluster: importCluster(stack), namespace: 'catalog', serviceAccount: 'catalog-api', roleName: 'catalog-api' });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', { RoleName: 'catalog-api' });
  });

  test('cluster scope applies to the new role', () => {
    const stack = newStack();
    new WorkloadIdentity(stack, 'Api', { cluster: importCluster(stack), namespace: 'catalog', serviceAccount: 'catalog-api', clusterScope: ClusterScope.NAME });
    const [role] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role')) as any[];
    expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Condition.StringEquals).toEqual({
      'aws:RequestTag/eks-cluster-name': 'demo',
      'aws:RequestTag/kubernetes-namespace': 'catalog',
      'aws:RequestTag/kubernetes-service-account': 'catalog-api',
    });
  });

  test.each([
    [{ roleName: 'x' }, 'roleName is'],
    [{ clusterScope: ClusterScope.NAME }, 'clusterScope is'],
    [{ allowUnscopedPodIdentityTrust: true }, 'allowUnscopedPodIdentityTrust is'],
    [{ roleName: 'x', clusterScope: ClusterScope.ARN, allowUnscopedPodIdentityTrust: true }, 'roleName, clusterScope, allowUnscopedPodIdentityTrust are'],
    // false is the default: it asks for nothing, so it may stand next to role.
    [{ roleName: 'x', allowUnscopedPodIdentityTrust: false }, 'roleName is'],
  ])('%p together with role is an error, and nothing is created', (options, given) => {
    const stack = newStack();
    const role = new WorkloadRole(stack, 'Shared');
    expectError(() => new WorkloadIdentity(stack, 'Api', { cluster: importCluster(stack), namespace: 'a', serviceAccount: 'b', role, ...options }),
      `WorkloadIdentity Test/Api: ${given} set together with role Test/Shared, expected them only for the new role this identity creates; ` +
      'set them on that WorkloadRole instead, or remove role');
    expect(stack.node.tryFindChild('Api')).toBeUndefined();
    expect(role.podIdentityBindings).toEqual([]);
  });

  test.each(['name', 'arn', 'NAME ', 'eks-cluster-name'])('clusterScope %p (not a ClusterScope value) is an error, and nothing is created', (clusterScope) => {
    const stack = newStack();
    expectError(() => new WorkloadIdentity(stack, 'Api', { cluster: importCluster(stack), namespace: 'a', serviceAccount: 'b', clusterScope: clusterScope as ClusterScope }),
      `WorkloadIdentity Test/Api: clusterScope is ${JSON.stringify(clusterScope)}, expected one of ClusterScope.ARN, ClusterScope.NAME`);
    expect(stack.node.tryFindChild('Api')).toBeUndefined();
  });

  test('session tags disabled on the new role: an error at synth without allowUnscopedPodIdentityTrust', () => {
    const stack = newStack();
    new WorkloadIdentity(stack, 'Api', { cluster: importCluster(stack), namespace: 'a', serviceAccount: 'b', disableSessionTags: true });
    expect(synthErrors(stack)).toEqual(['[Test/Api/Role] WorkloadRole Test/Api/Role: the Pod Identity association of a/b@demo disables session ' +
      'tags, so the trust needs a statement without conditions, which lets any Pod Identity association in the account that names this ' +
      'role assume it. Service accounts that lose their scoping: a/b@demo (session tags disabled), expected session tags on every ' +
      'association of the role; keep session tags (drop disableSessionTags; a session policy needs them off), give those service ' +
      'accounts a role of their own, or accept the wider trust with allowUnscopedPodIdentityTrust: true on the role (or on the ' +
      'WorkloadIdentity or PodIdentityAssociation that creates it)']);
  });

  test('session tags disabled with allowUnscopedPodIdentityTrust: the new role trusts Pod Identity without conditions', async () => {
    const stack = newStack();
    const identity = new WorkloadIdentity(stack, 'Api', {
      cluster: importCluster(stack), namespace: 'a', serviceAccount: 'b', disableSessionTags: true, allowUnscopedPodIdentityTrust: true,
    });
    expect((identity.role as WorkloadRole).allowUnscopedPodIdentityTrust).toBe(true);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { DisableSessionTags: true });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: Match.exact([{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] }]),
      },
    });
    const [roleId] = logicalIdsOf(template, 'AWS::IAM::Role');
    expect(await podIdentityDecision(template, roleId, {})).toBe('Allowed');
  });

  test.each([
    ['allowUnscopedPodIdentityTrust', 'yes', '"yes" (string)'],
    ['disableSessionTags', 'false', '"false" (string)'],
    ['stsRegionalEndpoints', 0, '0 (number)'],
  ])('%s given as %p (JavaScript) is an error', (prop, value, shown) => {
    const stack = newStack();
    expectError(() => new WorkloadIdentity(stack, 'Api', { cluster: importCluster(stack), namespace: 'a', serviceAccount: 'b', [prop]: value }),
      `WorkloadIdentity Test/Api: ${prop} is ${shown}, expected true or false`);
  });

  test('a role in another partition than the stack is an error', () => {
    const stack = newStack();
    const role = iam.Role.fromRoleArn(stack, 'China', `arn:aws-cn:iam::${ACCOUNT}:role/r`);
    expectError(() => new WorkloadIdentity(stack, 'Api', { cluster: importCluster(stack), namespace: 'a', serviceAccount: 'b', role }),
      `WorkloadIdentity Test/Api: role "arn:aws-cn:iam::${ACCOUNT}:role/r" is in partition "aws-cn", but stack Test deploys to region ` +
      '"eu-west-1" in partition "aws", expected an ARN in partition "aws"; IAM roles, OIDC providers and EKS clusters of one identity ' +
      'must share a partition');
  });

  test('serviceAccountOptions without a chart is an error', () => {
    const stack = newStack();
    expectError(() => new WorkloadIdentity(stack, 'Api', { cluster: importCluster(stack), namespace: 'a', serviceAccount: 'b', serviceAccountOptions: { createNamespace: true } }),
      'WorkloadIdentity Test/Api: serviceAccountOptions are set but chart is not, expected a chart to write the ServiceAccount to; ' +
      'pass chart, or remove serviceAccountOptions');
  });

  test('the same service account twice in one chart is an error', () => {
    const stack = newStack();
    const chart = Testing.chart();
    new WorkloadIdentity(stack, 'One', { cluster: importCluster(stack, 'one'), namespace: 'a', serviceAccount: 'b', chart });
    expectError(() => new WorkloadIdentity(stack, 'Two', { cluster: importCluster(stack, 'two'), namespace: 'a', serviceAccount: 'b', chart }),
      'WorkloadIdentity Test/Two: chart test already has ServiceAccount a/b (construct test/a-b), expected each service account once per chart; ' +
      'give both workloads one WorkloadIdentity with serviceAccounts, or share a WorkloadRole through role');
  });

  test('Pod Identity on a cluster that cannot run it is an error naming the cluster and why', () => {
    const stack = newStack();
    const cluster = importCluster(stack, 'fargate', { podIdentityAgent: PodIdentityAgent.unavailable('Fargate-only cluster') });
    expectError(() => new WorkloadIdentity(stack, 'Api', { cluster, namespace: 'a', serviceAccount: 'b' }),
      'PodIdentityAssociation Test/Api/Association: cluster "fargate" cannot run EKS Pod Identity (Fargate-only cluster), expected a ' +
      'cluster whose nodes run the Pod Identity Agent; use IRSA for this workload, or declare how the agent is provided with ' +
      'podIdentityAgent: PodIdentityAgent.addon() or PodIdentityAgent.preinstalled()');
  });

  const LABEL = 'expected 1 to 63 characters: lowercase letters, digits and \'-\', starting and ending with a letter or digit';
  const SUBDOMAIN = 'expected 1 to 253 characters: lowercase letters, digits, \'-\' and \'.\', each dot-separated part starting and ending with a letter or digit';
  test.each([
    ['kube_system', 'metrics-server', `namespace "kube_system" is not a DNS-1123 label, ${LABEL}`],
    ['a'.repeat(64), 'metrics-server', `namespace "${'a'.repeat(64)}" is not a DNS-1123 label (it has 64 characters), ${LABEL}`],
    ['kube-system', 'Metrics', `service account name "Metrics" is not a DNS-1123 subdomain, ${SUBDOMAIN}`],
    ['kube-system', 'a'.repeat(254), `service account name "${'a'.repeat(254)}" is not a DNS-1123 subdomain (it has 254 characters), ${SUBDOMAIN}`],
  ])('namespace %p and service account %p are rejected before anything is created', (namespace, serviceAccount, message) => {
    const stack = newStack();
    const chart = Testing.chart();
    expectError(() => new WorkloadIdentity(stack, 'Bad', { cluster: importCluster(stack), namespace, serviceAccount, chart }), `WorkloadIdentity Test/Bad: ${message}`);
    expect(stack.node.tryFindChild('Bad')).toBeUndefined();
    expect(chart.node.children).toHaveLength(0);
  });

  test('names that are tokens are not checked', () => {
    const stack = newStack();
    const namespace = new CfnParameter(stack, 'Namespace').valueAsString;
    expect(() => new WorkloadIdentity(stack, 'Api', { cluster: importCluster(stack), namespace, serviceAccount: 'api' })).not.toThrow();
  });
});
