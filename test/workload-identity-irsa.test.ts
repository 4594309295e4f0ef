import { App, Annotations as CoreAnnotations, Stack, aws_eks_v2 as eksv2, aws_iam as iam, aws_dynamodb as dynamodb, aws_s3 as s3, type StackProps } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cdk8s from 'cdk8s';
import { Chart, Duration, Testing } from 'cdk8s';
import {
  ClusterScope, EksCluster, IdentityMechanism, WorkloadIdentity, WorkloadRole, k8s,
  type IWorkloadCluster, type WorkloadIdentityProps, type WorkloadRoleProps,
} from '../src';
import { expectError, validationErrors } from './util/errors';
import { ACCOUNT, REGION, newStack, podIdentityTags } from './util/fixtures';
import { resolveIntrinsics, simulateAssumeRole } from './util/iam-simulator';
import { createdProviders, eksIssuer, irsaDecision, providerArnFor } from './util/irsa-sim';
import { assertNoUnresolvedTokens, parseYamlDocuments, synthChartObjects, validateKubernetesObjects } from './util/kubernetes';
import { podIdentityDecision } from './util/pod-identity-sim';

const ISSUER = eksIssuer('DEMO0000');
const UNMANAGED_TRUST = 'cdk-workload-identity:unmanagedTrust';
const CLOUDFORMATION_FIX = 'or, to keep the token, deploy the chart through CloudFormation: ' +
  'call ServiceAccount.allowDeployTimeValues(chart), then cluster.addCdk8sChart(id, chart)';

function demo(stack: Stack): IWorkloadCluster {
  return EksCluster.fromClusterAttributes(stack, 'Demo', { clusterName: 'demo', oidcIssuerUrl: ISSUER });
}

function types(stack: Stack): string[] {
  return Object.values((Template.fromStack(stack).toJSON().Resources ?? {}) as Record<string, { Type: string }>).map(r => r.Type).sort();
}

/** The message of a ServiceAccount `saPath` for `namespace/name` whose role ARN is the token `token`, for the reason `why`. */
function roleArnMessage(saPath: string, object: string, token: string, why: string): string {
  return `ServiceAccount ${saPath}: annotation eks.amazonaws.com/role-arn of ${object} is known only at deploy time (${token}), ` +
    `expected a literal value in a chart written as YAML; the role ARN must be a literal: ${why}; ${CLOUDFORMATION_FIX}`;
}

/** The RoleName of `role` (by default the only role) in `stack`'s template. */
function roleNameOf(stack: Stack, role?: iam.IRole): string {
  const roles = Template.fromStack(stack).findResources('AWS::IAM::Role') as Record<string, any>;
  const logicalId = role ? stack.getLogicalId(role.node.defaultChild as iam.CfnRole) : Object.keys(roles)[0];
  if (!role) expect(Object.keys(roles)).toHaveLength(1);
  return roles[logicalId].Properties.RoleName;
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
    expect(api.associations).toEqual([]);
  });

  test('without a chart, the new role keeps a name CloudFormation generates', () => {
    const stack = newStack();
    const identity = new WorkloadIdentity(stack, 'Api', { cluster: demo(stack), namespace: 'shop', serviceAccount: 'api', mechanism: IdentityMechanism.IRSA });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', { RoleName: Match.absent() });
    expect((identity.role as WorkloadRole).literalRoleArn).toBeUndefined();
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

  test('YAML: an environment-agnostic stack cannot give a literal ARN even with a role name; the message names the missing account', () => {
    const stack = new Stack(new App(), 'Agnostic');
    const chart = Testing.chart();
    const cluster = EksCluster.fromClusterAttributes(stack, 'Demo', { clusterName: 'demo', oidcIssuerUrl: ISSUER });
    const identity = new WorkloadIdentity(stack, 'Api', { cluster, namespace: 'shop', serviceAccount: 'api', mechanism: IdentityMechanism.IRSA, roleName: 'shop-api', chart });
    const token = identity.serviceAccount!.roleArn!;
    expect(token).toMatch(/^\$\{Token\[/);
    expect(validationErrors(() => Testing.synth(chart))).toEqual([`[test/shop-api] ${roleArnMessage('test/shop-api', 'shop/api', token,
      'WorkloadIdentity Agnostic/Api creates its role in a stack without the account of stack Agnostic (set env: { account, region } on the stack)')}`]);
  });

  test('CloudFormation: the same chart deployed with addCdk8sChart carries the role\'s literal ARN, the generated name', () => {
    const stack = newStack();
    const eksCluster = eksv2.Cluster.fromClusterAttributes(stack, 'EksV2', {
      clusterName: 'demo',
      kubectlProvider: eksv2.KubectlProvider.fromKubectlProviderAttributes(stack, 'Kubectl', { serviceToken: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:kubectl` }),
    });
    const cluster = EksCluster.fromCluster(stack, 'Demo', eksCluster, { oidcIssuerUrl: ISSUER });
    const chart = new Chart(Testing.app(), 'workloads');
    new WorkloadIdentity(stack, 'Api', { cluster, namespace: 'shop', serviceAccount: 'api', mechanism: IdentityMechanism.IRSA, chart });
    k8s.ServiceAccount.allowDeployTimeValues(chart);
    eksCluster.addCdk8sChart('Workloads', chart);
    const [manifest] = Object.values(Template.fromStack(stack).findResources('Custom::AWSCDK-EKS-KubernetesResource')) as any[];
    // The manifest holds a literal: no reference to the role is left for CloudFormation to resolve.
    const objects = JSON.parse(resolveIntrinsics(manifest.Properties.Manifest) as string);
    validateKubernetesObjects(objects);
    expect(objects[0].metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': `arn:aws:iam::${ACCOUNT}:role/${roleNameOf(stack)}` });
  });

  test('CloudFormation: in an environment-agnostic stack, the manifest carries the role\'s ARN reference, resolved at deploy time', () => {
    const stack = new Stack(new App(), 'Agnostic');
    const eksCluster = eksv2.Cluster.fromClusterAttributes(stack, 'EksV2', {
      clusterName: 'demo',
      kubectlProvider: eksv2.KubectlProvider.fromKubectlProviderAttributes(stack, 'Kubectl', { serviceToken: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:kubectl` }),
    });
    const cluster = EksCluster.fromCluster(stack, 'Demo', eksCluster, { oidcIssuerUrl: ISSUER });
    const chart = new Chart(Testing.app(), 'workloads');
    const identity = new WorkloadIdentity(stack, 'Api', { cluster, namespace: 'shop', serviceAccount: 'api', mechanism: IdentityMechanism.IRSA, chart });
    k8s.ServiceAccount.allowDeployTimeValues(chart);
    eksCluster.addCdk8sChart('Workloads', chart);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', { RoleName: Match.absent() });
    const [manifest] = Object.values(template.findResources('Custom::AWSCDK-EKS-KubernetesResource')) as any[];
    const roleId = stack.getLogicalId((identity.role as WorkloadRole).node.defaultChild as iam.CfnRole);
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/name-cloudformation-gave`;
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
    expect(await irsaDecision(template, roleId, { issuer: ISSUER, namespace: 'shop', serviceAccount: 'api' }, createdProviders(template))).toBe('Denied');
    expect(synthChartObjects(chart)[0].metadata.annotations['eks.amazonaws.com/audience']).toBe('awssts');
  });
});

describe('WorkloadIdentity with IRSA and a chart: a generated role name, so the ServiceAccount\'s role ARN is a literal', () => {
  // The code of the AWS blog post on IRSA, written with this library.
  function blogPost(options: { stack?: StackProps; app?: App; before?: (stack: Stack) => void } = {}) {
    const app = options.app ?? new App();
    const stack = new Stack(app, options.stack?.stackName ?? 'Blog', { env: { account: ACCOUNT, region: REGION }, ...options.stack });
    options.before?.(stack);
    const k8sApp = new cdk8s.App();
    const chart = new Chart(k8sApp, 'workloads');
    const cluster = EksCluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'demo', oidcIssuerUrl: eksIssuer('DEMO0000', stack.region) });
    const identity = new WorkloadIdentity(stack, 'Reader', {
      cluster, namespace: 'default', serviceAccount: 'my-serviceaccount', mechanism: IdentityMechanism.IRSA, chart,
    });
    return { stack, k8sApp, chart, identity };
  }

  test('the YAML holds the literal ARN of the role the template creates, and the role trusts exactly that service account', async () => {
    const { stack, k8sApp, identity } = blogPost();
    const yaml = k8sApp.synthYaml();
    assertNoUnresolvedTokens(yaml, 'the YAML');
    const objects = parseYamlDocuments(yaml);
    validateKubernetesObjects(objects);
    const template = Template.fromStack(stack);
    const roleName = roleNameOf(stack);
    expect(objects).toEqual([{
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: 'my-serviceaccount',
        namespace: 'default',
        annotations: { 'eks.amazonaws.com/role-arn': `arn:aws:iam::${ACCOUNT}:role/${roleName}` },
      },
    }]);
    expect((identity.role as WorkloadRole).literalRoleArn).toBe(`arn:aws:iam::${ACCOUNT}:role/${roleName}`);
    const roleId = Object.keys(template.findResources('AWS::IAM::Role'))[0];
    expect(await irsaDecision(template, roleId, { issuer: ISSUER, namespace: 'default', serviceAccount: 'my-serviceaccount' })).toBe('Allowed');
    expect(await irsaDecision(template, roleId, { issuer: ISSUER, namespace: 'default', serviceAccount: 'default' })).toBe('Denied');
  });

  test('the name fits IAM: at most 64 characters of [\\w+=,.@-], also for a long stack name and construct id', () => {
    const names = [roleNameOf(blogPost().stack)];
    const app = new App();
    const stack = new Stack(app, 'AStackWithAVeryLongNameThatGoesOnAndOnAndOnForeverAndEver', { env: { account: ACCOUNT, region: REGION } });
    const cluster = EksCluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'demo', oidcIssuerUrl: ISSUER });
    new WorkloadIdentity(stack, 'AnIdentity_With.An@Even+Longer=Construct,Id-ThanTheStackHasSoItMustBeCut', {
      cluster, namespace: 'default', serviceAccount: 'my-serviceaccount', mechanism: IdentityMechanism.IRSA, chart: Testing.chart(),
    });
    names.push(roleNameOf(stack));
    for (const name of names) {
      expect(name.length).toBeLessThanOrEqual(64);
      expect(name).toMatch(/^[\w+=,.@-]{1,64}$/);
    }
    expect(names[1]).toHaveLength(64);
  });

  test('the name is stable when unrelated constructs are added before the identity', () => {
    const plain = roleNameOf(blogPost().stack);
    const { stack, identity } = blogPost({
      before: scope => {
        s3.Bucket.fromBucketName(scope, 'Bucket', 'data');
        new iam.Role(scope, 'Other', { assumedBy: new iam.AccountRootPrincipal() });
        new WorkloadIdentity(scope, 'Writer', {
          cluster: EksCluster.fromClusterAttributes(scope, 'Elsewhere', { clusterName: 'other', oidcIssuerUrl: eksIssuer('OTHER000') }),
          namespace: 'default',
          serviceAccount: 'writer',
          mechanism: IdentityMechanism.IRSA,
          chart: Testing.chart(),
        });
      },
    });
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Role', 3);
    expect(roleNameOf(stack, identity.role)).toBe(plain);
  });

  test('the same construct path in another region or account gets another name (IAM names are global in an account)', () => {
    const here = roleNameOf(blogPost().stack);
    const otherRegion = roleNameOf(blogPost({ stack: { env: { account: ACCOUNT, region: 'us-east-1' } } }).stack);
    const otherAccount = roleNameOf(blogPost({ stack: { env: { account: '444455556666', region: REGION } } }).stack);
    expect(new Set([here, otherRegion, otherAccount]).size).toBe(3);
    // Only the hash differs: the name still reads as the stack and the construct.
    for (const name of [here, otherRegion, otherAccount]) expect(name).toMatch(/^Blog-Reader-[0-9A-F]{8}$/);
  });

  test('an explicit roleName wins over the generated one', () => {
    const stack = newStack();
    const chart = Testing.chart();
    new WorkloadIdentity(stack, 'Reader', {
      cluster: demo(stack), namespace: 'default', serviceAccount: 'my-serviceaccount', mechanism: IdentityMechanism.IRSA, chart, roleName: 'reader',
    });
    expect(roleNameOf(stack)).toBe('reader');
    expect(synthChartObjects(chart)[0].metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': `arn:aws:iam::${ACCOUNT}:role/reader` });
  });

  test('Pod Identity alone with a chart needs no role ARN, so no name is generated', () => {
    const stack = newStack();
    new WorkloadIdentity(stack, 'Reader', { cluster: demo(stack), namespace: 'default', serviceAccount: 'my-serviceaccount', chart: Testing.chart() });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', { RoleName: Match.absent() });
  });

  test('an environment-agnostic stack fails at YAML synthesis, saying the stack\'s account is missing and not asking for a name', () => {
    const stack = new Stack(new App(), 'Agnostic');
    const chart = Testing.chart();
    const cluster = EksCluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'demo', oidcIssuerUrl: ISSUER });
    const identity = new WorkloadIdentity(stack, 'Reader', {
      cluster, namespace: 'default', serviceAccount: 'my-serviceaccount', mechanism: IdentityMechanism.IRSA, chart,
    });
    const token = identity.serviceAccount!.roleArn!;
    expect(token).toMatch(/^\$\{Token\[/);
    const message = roleArnMessage('test/default-my-serviceaccount', 'default/my-serviceaccount', token,
      'WorkloadIdentity Agnostic/Reader creates its role in a stack without the account of stack Agnostic (set env: { account, region } on the stack)');
    expect(validationErrors(() => Testing.synth(chart))).toEqual([`[test/default-my-serviceaccount] ${message}`]);
    expect(message).not.toMatch(/roleName|name \(set/);
    // The same check runs when the CDK app is synthesized, before a template is written.
    expect(validationErrors(() => Template.fromStack(stack))).toEqual([`[Agnostic/Reader] ${message}`]);
  });

  test('a region-agnostic stack names the missing region', () => {
    const stack = new Stack(new App(), 'NoRegion', { env: { account: ACCOUNT } });
    const chart = Testing.chart();
    const cluster = EksCluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'demo', oidcIssuerUrl: ISSUER });
    const identity = new WorkloadIdentity(stack, 'Reader', {
      cluster, namespace: 'default', serviceAccount: 'my-serviceaccount', mechanism: IdentityMechanism.IRSA, chart,
    });
    expect(validationErrors(() => Testing.synth(chart))).toEqual([`[test/default-my-serviceaccount] ${roleArnMessage(
      'test/default-my-serviceaccount', 'default/my-serviceaccount', identity.serviceAccount!.roleArn!,
      'WorkloadIdentity NoRegion/Reader creates its role in a stack without the region of stack NoRegion (set env: { account, region } on the stack)')}`]);
  });

  test('a passed WorkloadRole whose name is a token fails at YAML synthesis, saying the role\'s name is missing', () => {
    const stack = newStack();
    const chart = Testing.chart();
    const role = new WorkloadRole(stack, 'Shared');
    const identity = new WorkloadIdentity(stack, 'Reader', {
      cluster: demo(stack), namespace: 'default', serviceAccount: 'my-serviceaccount', mechanism: IdentityMechanism.IRSA, chart, role,
    });
    expect(validationErrors(() => Testing.synth(chart))).toEqual([`[test/default-my-serviceaccount] ${roleArnMessage(
      'test/default-my-serviceaccount', 'default/my-serviceaccount', identity.serviceAccount!.roleArn!,
      'the role Test/Shared (passed as role) has no literal ARN: its name (set roleName on that role) is not known at synthesis')}`]);
  });

  test('a passed WorkloadRole with a name gives a literal ARN', () => {
    const stack = newStack();
    const chart = Testing.chart();
    const role = new WorkloadRole(stack, 'Shared', { roleName: 'shared-reader' });
    new WorkloadIdentity(stack, 'Reader', {
      cluster: demo(stack), namespace: 'default', serviceAccount: 'my-serviceaccount', mechanism: IdentityMechanism.IRSA, chart, role,
    });
    expect(synthChartObjects(chart)[0].metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': `arn:aws:iam::${ACCOUNT}:role/shared-reader` });
  });

  test('the messages name only props and methods that exist', () => {
    const messages: string[] = [];
    const collect = (build: (stack: Stack, chart: Chart) => void, stack: Stack) => {
      const chart = Testing.chart();
      build(stack, chart);
      messages.push(...validationErrors(() => Testing.synth(chart)));
    };
    const reader = (stack: Stack, chart: Chart, role?: iam.IRole) => new WorkloadIdentity(stack, 'Reader', {
      cluster: EksCluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'demo', oidcIssuerUrl: ISSUER }),
      namespace: 'default',
      serviceAccount: 'my-serviceaccount',
      mechanism: IdentityMechanism.IRSA,
      chart,
      role,
    });
    collect((stack, chart) => reader(stack, chart), new Stack(new App(), 'Agnostic'));
    collect((stack, chart) => reader(stack, chart, new WorkloadRole(stack, 'Shared')), newStack());
    collect((stack, chart) => reader(stack, chart, new iam.Role(stack, 'Plain', { assumedBy: new iam.AccountRootPrincipal() })), newStack());
    expect(messages).toHaveLength(3);

    // Checked by the compiler: each is a prop of the construct the message tells the user to set it on.
    const props: Record<string, keyof WorkloadIdentityProps | keyof WorkloadRoleProps | keyof StackProps> = {
      roleName: 'roleName' satisfies keyof WorkloadRoleProps,
      role: 'role' satisfies keyof WorkloadIdentityProps,
      env: 'env' satisfies keyof StackProps,
    };
    const methods: Record<string, unknown> = {
      'ServiceAccount.allowDeployTimeValues': k8s.ServiceAccount.allowDeployTimeValues,
      'cluster.addCdk8sChart': eksv2.Cluster.prototype.addCdk8sChart,
      'iam.Role.fromRoleArn': iam.Role.fromRoleArn,
    };
    for (const message of messages) {
      const named = [...message.matchAll(/\bset (\w+)|passed as (\w+)/g)].map(m => m[1] ?? m[2]);
      expect(named.length).toBeGreaterThan(0);
      for (const prop of named) expect(Object.keys(props)).toContain(prop);
      const called = [...message.matchAll(/([\w.]+)\(/g)].map(m => m[1]);
      for (const method of called) {
        expect(Object.keys(methods)).toContain(method);
        expect(typeof methods[method]).toBe('function');
      }
    }
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
  const podIdentityOnly = (props: string, mechanism: string) => `WorkloadIdentity Test/Api: ${props} set with mechanism ${mechanism}, ` +
    'expected them only with POD_IDENTITY or BOTH: they configure the Pod Identity association or its trust; remove them, or change mechanism';
  const irsaOnly = (props: string, mechanism: string) => `WorkloadIdentity Test/Api: ${props} set with mechanism ${mechanism}, ` +
    'expected them only with IRSA or BOTH: they configure IRSA; remove them, or change mechanism';
  test.each([
    [IdentityMechanism.IRSA, { targetRole: 'x' }, podIdentityOnly('targetRole is', 'IRSA')],
    [IdentityMechanism.IRSA, { disableSessionTags: true, tags: { a: 'b' } }, podIdentityOnly('disableSessionTags, tags are', 'IRSA')],
    [IdentityMechanism.IRSA, { sessionPolicy: 'policy' }, podIdentityOnly('sessionPolicy is', 'IRSA')],
    [IdentityMechanism.IRSA, { clusterScope: ClusterScope.NAME }, podIdentityOnly('clusterScope is', 'IRSA')],
    [IdentityMechanism.IRSA, { allowUnscopedPodIdentityTrust: true }, podIdentityOnly('allowUnscopedPodIdentityTrust is', 'IRSA')],
    [IdentityMechanism.IRSA, { allowUnscopedPodIdentityTrust: false }, podIdentityOnly('allowUnscopedPodIdentityTrust is', 'IRSA')],
    [IdentityMechanism.IRSA, { clusterScope: ClusterScope.ARN, allowUnscopedPodIdentityTrust: true }, podIdentityOnly('allowUnscopedPodIdentityTrust, clusterScope are', 'IRSA')],
    [IdentityMechanism.POD_IDENTITY, { audience: 'awssts' }, irsaOnly('audience is', 'POD_IDENTITY')],
    [IdentityMechanism.POD_IDENTITY, { stsRegionalEndpoints: true }, irsaOnly('stsRegionalEndpoints is', 'POD_IDENTITY')],
    [IdentityMechanism.POD_IDENTITY, { tokenExpiration: Duration.hours(1), audience: 'awssts' }, irsaOnly('audience, tokenExpiration are', 'POD_IDENTITY')],
    [IdentityMechanism.BOTH, { targetRole: 'x' }, 'WorkloadIdentity Test/Api: targetRole is set with mechanism BOTH, expected targetRole only with ' +
      'POD_IDENTITY: IRSA pods would get the association role; grant what the workload needs to the role itself'],
  ])('mechanism %s with %p is an error, and nothing is created', (mechanism, options, message) => {
    const stack = newStack();
    const extra: Record<string, unknown> = { ...options };
    if (extra.targetRole) extra.targetRole = iam.Role.fromRoleArn(stack, 'Target', `arn:aws:iam::${ACCOUNT}:role/target`);
    if (extra.sessionPolicy) extra.sessionPolicy = new iam.PolicyDocument();
    const cluster = demo(stack);
    expectError(() => new WorkloadIdentity(stack, 'Api', { cluster, namespace: 'shop', serviceAccount: 'api', mechanism, ...extra }), message);
    expect(stack.node.tryFindChild('Api')).toBeUndefined();
    expect(cluster.node.tryFindChild('OidcProvider')).toBeUndefined();
    expect(types(stack)).toEqual([]);
  });

  test.each(['irsa', 'pod_identity', 'Pod_Identity', 'both', '', 'POD-IDENTITY'])(
    'mechanism %p (not an IdentityMechanism value, e.g. from JavaScript or Python) is an error, and nothing is created', (mechanism) => {
      const stack = newStack();
      const cluster = demo(stack);
      const chart = Testing.chart();
      expectError(() => new WorkloadIdentity(stack, 'Api', { cluster, namespace: 'shop', serviceAccount: 'api', mechanism: mechanism as IdentityMechanism, chart }),
        `WorkloadIdentity Test/Api: mechanism is ${JSON.stringify(mechanism)}, expected one of IdentityMechanism.POD_IDENTITY, ` +
        'IdentityMechanism.IRSA, IdentityMechanism.BOTH');
      expect(stack.node.tryFindChild('Api')).toBeUndefined();
      expect(cluster.node.tryFindChild('OidcProvider')).toBeUndefined();
      expect(types(stack)).toEqual([]);
      expect(chart.node.children).toEqual([]);
    });

  test('a mechanism that is not a string is an error naming the value', () => {
    const stack = newStack();
    expectError(() => new WorkloadIdentity(stack, 'Api', { cluster: demo(stack), namespace: 'shop', serviceAccount: 'api', mechanism: 1 as any }),
      'WorkloadIdentity Test/Api: mechanism is 1, expected one of IdentityMechanism.POD_IDENTITY, IdentityMechanism.IRSA, IdentityMechanism.BOTH');
  });

  test('IRSA on a cluster without an issuer is an error saying what to set', () => {
    const stack = newStack();
    const cluster = EksCluster.fromClusterAttributes(stack, 'NoIssuer', { clusterName: 'no-issuer' });
    expectError(() => new WorkloadIdentity(stack, 'Api', { cluster, namespace: 'shop', serviceAccount: 'api', mechanism: IdentityMechanism.IRSA }),
      'WorkloadRole Test/Api/Role: IRSA for shop/api on cluster "no-issuer", which has no oidcIssuerUrl, expected a cluster with an OIDC issuer; ' +
      'set oidcIssuerUrl when importing the cluster (aws eks describe-cluster --query cluster.identity.oidc.issuer), or use Pod Identity');
  });
});

describe('WorkloadIdentity with IRSA and a role whose trust is not managed here', () => {
  /** The warning's message for `what`, with the statement JSON in its place; `[ack: <id>]` is how aws-cdk-lib marks an id. */
  const warningFor = (roleArn: string, what: string, statement: string) => `The trust policy of role ${roleArn} is not managed by this library ` +
    `(it is not a WorkloadRole). For ${what} it must contain: ${statement}. Without it the pods get no credentials. Once the role ` +
    `trusts this, acknowledge the warning: Annotations.of(stack).acknowledgeWarning('${UNMANAGED_TRUST}'). [ack: ${UNMANAGED_TRUST}]`;

  /** The statement JSON a warning message holds. */
  const statementIn = (message: string) => JSON.parse(/ it must contain: (\{.*\})\. Without it /.exec(message)![1]);

  test('an existing role is used as it is, with a warning holding the exact statement its trust needs, with the provider\'s literal ARN', async () => {
    const stack = newStack();
    const chart = Testing.chart();
    const role = iam.Role.fromRoleArn(stack, 'Existing', `arn:aws:iam::${ACCOUNT}:role/existing`);
    new WorkloadIdentity(stack, 'Api', { cluster: demo(stack), namespace: 'shop', serviceAccount: 'api', mechanism: IdentityMechanism.IRSA, role, chart });
    // The provider the statement names is created; no role is.
    expect(types(stack)).toEqual(['AWS::IAM::OIDCProvider']);
    expect(synthChartObjects(chart)[0].metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': `arn:aws:iam::${ACCOUNT}:role/existing` });

    const warnings = Annotations.fromStack(stack).findWarning('*', Match.anyValue());
    expect(warnings.map(w => w.id)).toEqual(['/Test/Api']);
    const message = String(warnings[0].entry.data);
    const statement = statementIn(message);
    expect(statement).toEqual({
      Effect: 'Allow',
      Principal: { Federated: providerArnFor(ISSUER) },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: {
          'oidc.eks.eu-west-1.amazonaws.com/id/DEMO0000:aud': 'sts.amazonaws.com',
          'oidc.eks.eu-west-1.amazonaws.com/id/DEMO0000:sub': 'system:serviceaccount:shop:api',
        },
      },
    });
    expect(message).toBe(warningFor(`arn:aws:iam::${ACCOUNT}:role/existing`, 'IRSA for shop/api@demo', JSON.stringify(statement)));

    // Pasted into the role's trust policy, the statement admits exactly this service account.
    const decide = async (serviceAccount: string) => (await simulateAssumeRole({
      trustPolicy: { Version: '2012-10-17', Statement: [statement] },
      roleArn: `arn:aws:iam::${ACCOUNT}:role/existing`,
      principal: providerArnFor(ISSUER),
      action: 'sts:AssumeRoleWithWebIdentity',
      context: {
        'oidc.eks.eu-west-1.amazonaws.com/id/DEMO0000:sub': `system:serviceaccount:shop:${serviceAccount}`,
        'oidc.eks.eu-west-1.amazonaws.com/id/DEMO0000:aud': 'sts.amazonaws.com',
      },
    })).decision;
    expect(await decide('api')).toBe('Allowed');
    expect(await decide('other')).toBe('Denied');
  });

  test('the warning can be acknowledged as it says', () => {
    const stack = newStack();
    const role = iam.Role.fromRoleArn(stack, 'Existing', `arn:aws:iam::${ACCOUNT}:role/existing`);
    new WorkloadIdentity(stack, 'Api', { cluster: demo(stack), namespace: 'shop', serviceAccount: 'api', mechanism: IdentityMechanism.IRSA, role });
    CoreAnnotations.of(stack).acknowledgeWarning(UNMANAGED_TRUST);
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('a provider whose ARN is not known at synthesis is shown as a placeholder naming its construct', () => {
    const stack = new Stack(new App(), 'Agnostic');
    const role = iam.Role.fromRoleArn(stack, 'Existing', `arn:aws:iam::${ACCOUNT}:role/existing`);
    new WorkloadIdentity(stack, 'Api', { cluster: demo(stack), namespace: 'shop', serviceAccount: 'api', mechanism: IdentityMechanism.IRSA, role });
    const [warning] = Annotations.fromStack(stack).findWarning('/Agnostic/Api', Match.anyValue());
    const statement = statementIn(String(warning.entry.data));
    expect(statement.Principal).toEqual({ Federated: '<Agnostic/Demo/OidcProvider/Resource.Ref>' });
    expect(String(warning.entry.data)).toBe(warningFor(`arn:aws:iam::${ACCOUNT}:role/existing`, 'IRSA for shop/api@demo', JSON.stringify(statement)));
  });

  test('an imported provider is named by its ARN; one warning per service account', () => {
    const stack = newStack();
    const other = eksIssuer('OTHER000');
    const cluster = EksCluster.fromClusterAttributes(stack, 'Other', { clusterName: 'other', oidcIssuerUrl: other, oidcProviderArn: providerArnFor(other) });
    const role = iam.Role.fromRoleArn(stack, 'Existing', `arn:aws:iam::${ACCOUNT}:role/existing`);
    new WorkloadIdentity(stack, 'Api', {
      serviceAccounts: [{ cluster, namespace: 'shop', serviceAccount: 'api' }, { cluster, namespace: 'shop', serviceAccount: 'web' }],
      mechanism: IdentityMechanism.IRSA,
      role,
    });
    expect(types(stack)).toEqual([]);
    const messages = Annotations.fromStack(stack).findWarning('/Test/Api', Match.anyValue()).map(w => String(w.entry.data));
    expect(messages.map(m => statementIn(m).Condition.StringEquals['oidc.eks.eu-west-1.amazonaws.com/id/OTHER000:sub']))
      .toEqual(['system:serviceaccount:shop:api', 'system:serviceaccount:shop:web']);
    for (const message of messages) expect(statementIn(message).Principal).toEqual({ Federated: providerArnFor(other) });
  });
});

