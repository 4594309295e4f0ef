import { App, Stack, aws_eks_v2 as eksv2, aws_iam as iam, aws_dynamodb as dynamodb } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Chart, Duration, Testing } from 'cdk8s';
import { EksCluster, IdentityMechanism, IWorkloadCluster, WorkloadIdentity, WorkloadRole, k8s } from '../src';
import { ACCOUNT, newStack, podIdentityTags } from './util/fixtures';
import { resolveIntrinsics } from './util/iam-simulator';
import { createdProviders, eksIssuer, irsaDecision } from './util/irsa-sim';
import { synthChartObjects, validateKubernetesObjects } from './util/kubernetes';
import { podIdentityDecision } from './util/pod-identity-sim';

const ISSUER = eksIssuer('DEMO0000');

function demo(stack: Stack): IWorkloadCluster {
  return EksCluster.fromClusterAttributes(stack, 'Demo', { clusterName: 'demo', oidcIssuerUrl: ISSUER });
}

function types(stack: Stack): string[] {
  return Object.values((Template.fromStack(stack).toJSON().Resources ?? {}) as Record<string, { Type: string }>).map(r => r.Type).sort();
}

describe('WorkloadIdentity with IRSA', () => {
  test('resources: the OIDC provider (once per issuer), one role per workload, one policy when granted; no custom resource', () => {
    const stack = newStack();
    const cluster = demo(stack);
    const api = new WorkloadIdentity(stack, 'Api', { cluster, namespace: 'shop', serviceAccount: 'api', mechanism: IdentityMechanism.IRSA });
    new WorkloadIdentity(stack, 'Worker', { cluster, namespace: 'shop', serviceAccount: 'worker', mechanism: IdentityMechanism.IRSA });
    dynamodb.Table.fromTableName(stack, 'Orders', 'orders').grantReadData(api);
    expect(types(stack)).toEqual(['AWS::IAM::OIDCProvider', 'AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::IAM::Role']);
    expect(api.association).toBeUndefined();
  });

  test('the ServiceAccount gets the role ARN as a literal when the role has a name and the stack an environment', () => {
    const stack = newStack();
    const chart = Testing.chart();
    new WorkloadIdentity(stack, 'Api', {
      cluster: demo(stack),
      namespace: 'shop',
      serviceAccount: 'api',
      mechanism: IdentityMechanism.IRSA,
      roleName: 'shop-api',
      chart,
      audience: 'sts.amazonaws.com',
      stsRegionalEndpoints: true,
      tokenExpiration: Duration.hours(1),
    });
    expect(synthChartObjects(chart)).toEqual([{
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: 'api',
        namespace: 'shop',
        annotations: {
          'eks.amazonaws.com/role-arn': `arn:aws:iam::${ACCOUNT}:role/shop-api`,
          'eks.amazonaws.com/sts-regional-endpoints': 'true',
          'eks.amazonaws.com/token-expiration': '3600',
        },
      },
    }]);
  });

  test('the literal ARN is the role\'s real ARN', () => {
    const stack = newStack();
    const identity = new WorkloadIdentity(stack, 'Api', { cluster: demo(stack), namespace: 'shop', serviceAccount: 'api', mechanism: IdentityMechanism.IRSA, roleName: 'shop-api' });
    const roleId = stack.getLogicalId((identity.role as WorkloadRole).node.defaultChild as iam.CfnRole);
    expect(resolveIntrinsics(stack.resolve(identity.role.roleArn), { account: ACCOUNT, getAtts: { [`${roleId}.Arn`]: `arn:aws:iam::${ACCOUNT}:role/shop-api` } }))
      .toBe((identity.role as WorkloadRole).literalRoleArn);
  });

  test('YAML: a role ARN known only at deploy time fails synthesis, naming the ServiceAccount and what to set', () => {
    const stack = newStack();
    const chart = Testing.chart();
    new WorkloadIdentity(stack, 'Api', { cluster: demo(stack), namespace: 'shop', serviceAccount: 'api', mechanism: IdentityMechanism.IRSA, chart });
    expect(() => Testing.synth(chart)).toThrow(/ServiceAccount shop\/api: annotation eks.amazonaws.com\/role-arn is known only at deploy time .*give the role an explicit roleName and its stack an explicit account and region/);
  });

  test('YAML: an environment-agnostic stack cannot give a literal ARN even with a role name', () => {
    const stack = new Stack(new App(), 'Agnostic');
    const chart = Testing.chart();
    const cluster = EksCluster.fromClusterAttributes(stack, 'Demo', { clusterName: 'demo', oidcIssuerUrl: ISSUER });
    new WorkloadIdentity(stack, 'Api', { cluster, namespace: 'shop', serviceAccount: 'api', mechanism: IdentityMechanism.IRSA, roleName: 'shop-api', chart });
    expect(() => Testing.synth(chart)).toThrow('ServiceAccount shop/api: annotation eks.amazonaws.com/role-arn is known only at deploy time');
  });

  test('CloudFormation: the same chart deployed with addCdk8sChart carries the role\'s ARN reference', () => {
    const stack = newStack();
    const eksCluster = eksv2.Cluster.fromClusterAttributes(stack, 'EksV2', {
      clusterName: 'demo',
      kubectlProvider: eksv2.KubectlProvider.fromKubectlProviderAttributes(stack, 'Kubectl', { serviceToken: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:kubectl` }),
    });
    const cluster = EksCluster.fromCluster(stack, 'Demo', eksCluster, { oidcIssuerUrl: ISSUER });
    const chart = new Chart(Testing.app(), 'workloads');
    const identity = new WorkloadIdentity(stack, 'Api', { cluster, namespace: 'shop', serviceAccount: 'api', mechanism: IdentityMechanism.IRSA, chart });
    k8s.ServiceAccount.allowDeployTimeValues(chart);
    eksCluster.addCdk8sChart('Workloads', chart);
    const [manifest] = Object.values(Template.fromStack(stack).findResources('Custom::AWSCDK-EKS-KubernetesResource')) as any[];
    const roleId = stack.getLogicalId((identity.role as WorkloadRole).node.defaultChild as iam.CfnRole);
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/generated-name`;
    const objects = JSON.parse(resolveIntrinsics(manifest.Properties.Manifest, { getAtts: { [`${roleId}.Arn`]: roleArn } }) as string);
    validateKubernetesObjects(objects);
    expect(objects[0].metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': roleArn });
  });

  test('a custom audience: the provider lists it, the role trusts it, the ServiceAccount names it', async () => {
    const stack = newStack();
    const chart = Testing.chart();
    new WorkloadIdentity(stack, 'Api', {
      cluster: demo(stack), namespace: 'shop', serviceAccount: 'api', mechanism: IdentityMechanism.IRSA, roleName: 'shop-api', chart, audience: 'awssts',
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::OIDCProvider', { ClientIdList: ['awssts'] });
    const roleId = Object.keys(template.findResources('AWS::IAM::Role'))[0];
    expect(await irsaDecision(template, roleId, { issuer: ISSUER, namespace: 'shop', serviceAccount: 'api', audience: 'awssts' }, createdProviders(template))).toBe('Allowed');
    expect(synthChartObjects(chart)[0].metadata.annotations['eks.amazonaws.com/audience']).toBe('awssts');
  });
});

describe('WorkloadIdentity with BOTH (migration)', () => {
  test('the role trusts both mechanisms; the association exists; the ServiceAccount keeps its annotation', async () => {
    const stack = newStack();
    const chart = Testing.chart();
    const identity = new WorkloadIdentity(stack, 'Api', {
      cluster: demo(stack), namespace: 'shop', serviceAccount: 'api', mechanism: IdentityMechanism.BOTH, roleName: 'shop-api', chart,
    });
    expect(identity.association).toBeDefined();
    expect(types(stack)).toEqual(['AWS::EKS::Addon', 'AWS::EKS::PodIdentityAssociation', 'AWS::IAM::OIDCProvider', 'AWS::IAM::Role']);
    const template = Template.fromStack(stack);
    const roleId = Object.keys(template.findResources('AWS::IAM::Role'))[0];
    expect(await irsaDecision(template, roleId, { issuer: ISSUER, namespace: 'shop', serviceAccount: 'api' }, createdProviders(template))).toBe('Allowed');
    expect(await podIdentityDecision(template, roleId, { tags: podIdentityTags('shop', 'api') })).toBe('Allowed');
    expect(await podIdentityDecision(template, roleId, { tags: podIdentityTags('shop', 'other') })).toBe('Denied');
    expect(synthChartObjects(chart)[0].metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': `arn:aws:iam::${ACCOUNT}:role/shop-api` });
  });
});

describe('WorkloadIdentity option rules', () => {
  test.each([
    [IdentityMechanism.IRSA, { targetRole: 'x' }, 'WorkloadIdentity Test/Api: targetRole configure the Pod Identity association, which mechanism IRSA does not create'],
    [IdentityMechanism.IRSA, { disableSessionTags: true, tags: { a: 'b' } }, 'WorkloadIdentity Test/Api: disableSessionTags, tags configure the Pod Identity association, which mechanism IRSA does not create'],
    [IdentityMechanism.POD_IDENTITY, { audience: 'awssts' }, 'WorkloadIdentity Test/Api: audience configure IRSA, which mechanism POD_IDENTITY does not use'],
    [IdentityMechanism.POD_IDENTITY, { stsRegionalEndpoints: true }, 'WorkloadIdentity Test/Api: stsRegionalEndpoints configure IRSA, which mechanism POD_IDENTITY does not use'],
    [IdentityMechanism.BOTH, { targetRole: 'x' }, 'WorkloadIdentity Test/Api: targetRole is a Pod Identity feature; with mechanism BOTH, IRSA pods would get the association role instead.'],
  ])('mechanism %s with %p is an error', (mechanism, options, message) => {
    const stack = newStack();
    const extra: Record<string, unknown> = { ...options };
    if (extra.targetRole) extra.targetRole = iam.Role.fromRoleArn(stack, 'Target', `arn:aws:iam::${ACCOUNT}:role/target`);
    expect(() => new WorkloadIdentity(stack, 'Api', { cluster: demo(stack), namespace: 'shop', serviceAccount: 'api', mechanism, ...extra })).toThrow(message);
  });

  test('IRSA on a cluster without an issuer is an error saying what to set', () => {
    const stack = newStack();
    const cluster = EksCluster.fromClusterAttributes(stack, 'NoIssuer', { clusterName: 'no-issuer' });
    expect(() => new WorkloadIdentity(stack, 'Api', { cluster, namespace: 'shop', serviceAccount: 'api', mechanism: IdentityMechanism.IRSA }))
      .toThrow('Cluster "no-issuer" has no OIDC issuer, which IRSA needs: set oidcIssuerUrl');
  });

  test('an existing role is used as it is for IRSA, with a note that its trust is not managed here', () => {
    const stack = newStack();
    const chart = Testing.chart();
    const role = iam.Role.fromRoleArn(stack, 'Existing', `arn:aws:iam::${ACCOUNT}:role/existing`);
    new WorkloadIdentity(stack, 'Api', { cluster: demo(stack), namespace: 'shop', serviceAccount: 'api', mechanism: IdentityMechanism.IRSA, role, chart });
    expect(types(stack)).toEqual([]);
    expect(synthChartObjects(chart)[0].metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': `arn:aws:iam::${ACCOUNT}:role/existing` });
    const infos = stack.node.findAll().flatMap(c => c.node.metadata).filter(m => m.type === 'aws:cdk:info').map(m => String(m.data));
    expect(infos.join('\n')).toContain('must admit sts:AssumeRoleWithWebIdentity from the cluster\'s OIDC provider for shop/api@demo');
  });
});
