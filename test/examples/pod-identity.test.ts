import { podIdentityExample } from '../../examples/pod-identity/app';
import { onlyTemplate, synthesizeExample } from '../util/examples';
import { logicalIdsOf, podIdentityTags } from '../util/fixtures';
import { resolveIntrinsics } from '../util/iam-simulator';
import { assertNoUnresolvedTokens, parseYamlDocuments, validateKubernetesObjects } from '../util/kubernetes';
import { assertNagClean } from '../util/nag';
import { podIdentityDecision } from '../util/pod-identity-sim';

// The example's account and region (examples/pod-identity/app.ts).
const CLUSTER_ARN = 'arn:aws:eks:ap-south-1:111122223333:cluster/demo';
const tags = (namespace: string, serviceAccount: string, cluster = 'demo') =>
  podIdentityTags(namespace, serviceAccount, cluster, `arn:aws:eks:ap-south-1:111122223333:cluster/${cluster}`);

const output = synthesizeExample(podIdentityExample);
const { template, json: templateJson } = onlyTemplate(output);
const yaml = output.yaml['workloads.yaml'];
const roleOf = (identity: string) => logicalIdsOf(template, 'AWS::IAM::Role').find(id => id.startsWith(`${identity}Role`))!;

describe('examples/pod-identity: CloudFormation', () => {
  test('per workload: one role and one association; one policy only for the workload with permissions; one agent add-on', () => {
    const types = Object.values(templateJson.Resources as Record<string, { Type: string }>).map(r => r.Type).sort();
    expect(types).toEqual([
      'AWS::EKS::Addon',
      'AWS::EKS::PodIdentityAssociation', 'AWS::EKS::PodIdentityAssociation',
      'AWS::IAM::Policy',
      'AWS::IAM::Role', 'AWS::IAM::Role',
    ]);
  });

  test('logical ids are pinned: changing one replaces a role under running pods', () => {
    expect(Object.keys(templateJson.Resources).sort()).toEqual([
      'CatalogApiAssociationC0BD6111',
      'CatalogApiRole54422CCB',
      'CatalogApiRoleDefaultPolicyEF6F21FB',
      'DemoPodIdentityAgentC5597CF2',
      'MetricsServerAssociation1D0D2020',
      'MetricsServerRole54238B95',
    ].sort());
  });

  test('metrics-server\'s role admits kube-system/metrics-server on demo, and nothing near it', async () => {
    const role = roleOf('MetricsServer');
    expect(await podIdentityDecision(template, role, { tags: tags('kube-system', 'metrics-server') })).toBe('Allowed');
    expect(await podIdentityDecision(template, role, { tags: tags('kube-system', 'metrics-server'), action: 'sts:TagSession' })).toBe('Allowed');
    // Near misses: other namespace, other service account, other cluster, no session tags, other principal or action.
    expect(await podIdentityDecision(template, role, { tags: tags('default', 'metrics-server') })).toBe('Denied');
    expect(await podIdentityDecision(template, role, { tags: tags('kube-system', 'coredns') })).toBe('Denied');
    expect(await podIdentityDecision(template, role, { tags: tags('kube-system', 'metrics-server', 'staging') })).toBe('Denied');
    expect(await podIdentityDecision(template, role, { tags: tags('catalog', 'catalog-api') })).toBe('Denied');
    expect(await podIdentityDecision(template, role, {})).toBe('Denied');
    expect(await podIdentityDecision(template, role, { tags: tags('kube-system', 'metrics-server'), principal: 'ec2.amazonaws.com' })).toBe('Denied');
    expect(await podIdentityDecision(template, role, { tags: tags('kube-system', 'metrics-server'), action: 'sts:AssumeRoleWithWebIdentity' })).toBe('Denied');
  });

  test('catalog-api\'s role admits catalog/catalog-api only, and may list exactly one bucket', async () => {
    const role = roleOf('CatalogApi');
    expect(await podIdentityDecision(template, role, { tags: tags('catalog', 'catalog-api') })).toBe('Allowed');
    expect(await podIdentityDecision(template, role, { tags: tags('catalog', 'metrics-server') })).toBe('Denied');
    expect(await podIdentityDecision(template, role, { tags: tags('kube-system', 'catalog-api') })).toBe('Denied');
    const [policy] = Object.values(template.findResources('AWS::IAM::Policy')) as any[];
    expect(policy.Properties.Roles).toEqual([{ Ref: role }]);
    expect(resolveIntrinsics(policy.Properties.PolicyDocument.Statement)).toEqual([
      { Action: 's3:ListBucket', Effect: 'Allow', Resource: 'arn:aws:s3:::catalog-images-111122223333' },
    ]);
  });

  test('the associations name the right service accounts and roles', () => {
    for (const [identity, namespace, serviceAccount] of [['MetricsServer', 'kube-system', 'metrics-server'], ['CatalogApi', 'catalog', 'catalog-api']]) {
      template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
        ClusterName: 'demo', Namespace: namespace, ServiceAccount: serviceAccount, RoleArn: { 'Fn::GetAtt': [roleOf(identity), 'Arn'] },
      });
    }
    expect(JSON.stringify(templateJson)).toContain(CLUSTER_ARN);
  });

  test('cdk-nag AwsSolutions reports no errors', () => {
    const fresh = podIdentityExample();
    expect(() => assertNagClean(fresh.app)).not.toThrow();
  });

  test('snapshot of the template', () => {
    expect(templateJson).toMatchSnapshot();
  });
});

describe('examples/pod-identity: Kubernetes YAML', () => {
  const objects = parseYamlDocuments(yaml);

  test('every object validates against the Kubernetes schemas and holds no token', () => {
    expect(() => validateKubernetesObjects(objects)).not.toThrow();
    expect(() => assertNoUnresolvedTokens(yaml, 'workloads.yaml')).not.toThrow();
  });

  test('the ServiceAccounts the identities were defined for, with no IRSA annotation', () => {
    const accounts = objects.filter(o => o.kind === 'ServiceAccount');
    expect(accounts.map(o => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['kube-system/metrics-server', 'catalog/catalog-api']);
    for (const account of accounts) expect(account.metadata.annotations).toBeUndefined();
    expect(objects.find(o => o.kind === 'Namespace')?.metadata.name).toBe('catalog');
  });

  test('the Deployment runs as the catalog-api ServiceAccount', () => {
    const deployment = objects.find(o => o.kind === 'Deployment');
    expect(deployment.spec.template.spec.serviceAccountName).toBe('catalog-api');
    expect(deployment.metadata.namespace).toBe('catalog');
  });

  test('snapshot of the YAML file', () => {
    expect(yaml).toMatchSnapshot();
  });

  test('the example\'s chart holds what was written', () => {
    expect(podIdentityExample().chart.toJson()).toEqual(objects);
  });
});
