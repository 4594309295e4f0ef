import { App as CdkApp, CfnParameter, Lazy as CdkLazy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { App, Chart, Duration, Testing } from 'cdk8s';
import { ServiceAccount, ServiceAccountProps } from '../../src/k8s';
import { resolveIntrinsics } from '../util/intrinsics';
import { synthChartObjects, validateKubernetesObjects } from '../util/kubernetes';

const ROLE_ARN = 'arn:aws:iam::111122223333:role/metrics-server';
const SA = 'ServiceAccount kube-system/metrics-server';

function make(props: Partial<ServiceAccountProps> = {}, chart: Chart = Testing.chart()): { chart: Chart; sa: ServiceAccount } {
  const sa = new ServiceAccount(chart, 'SA', { name: 'metrics-server', namespace: 'kube-system', ...props });
  return { chart, sa };
}

/** Synthesizes the chart (validating every object) and returns the annotations of its only ServiceAccount. */
function annotationsOf(chart: Chart): Record<string, string> | undefined {
  const objects = synthChartObjects(chart);
  expect(objects).toHaveLength(1);
  expect(objects[0].kind).toBe('ServiceAccount');
  return objects[0].metadata.annotations;
}

/** A stack with a CloudFormation parameter whose value (a CDK token) stands in for a role ARN known at deploy time. */
function deployTimeRoleArn(): { stack: Stack; roleArn: string } {
  const stack = new Stack(new CdkApp(), 'Stack');
  return { stack, roleArn: new CfnParameter(stack, 'P').valueAsString };
}

const roleArnMessage = (token: string) =>
  `${SA}: annotation eks.amazonaws.com/role-arn is known only at deploy time (${token}). To write this chart as YAML, ` +
  'the role ARN must be a literal: give the role an explicit roleName and its stack an explicit account and region (env), ' +
  'or pass a literal roleArn; to keep the token, deploy the chart through CloudFormation: ' +
  'call ServiceAccount.allowDeployTimeValues(chart), then cluster.addCdk8sChart(id, chart).';

describe('IRSA annotations', () => {
  test('roleArn alone writes only the role-arn annotation', () => {
    const { chart, sa } = make({ roleArn: ROLE_ARN });
    const objects = synthChartObjects(chart);
    expect(objects).toEqual([{
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: 'metrics-server',
        namespace: 'kube-system',
        annotations: { 'eks.amazonaws.com/role-arn': ROLE_ARN },
      },
    }]);
    expect(sa.roleArn).toBe(ROLE_ARN);
  });

  test('without roleArn there are no IRSA annotations', () => {
    const { chart, sa } = make();
    expect(annotationsOf(chart)).toBeUndefined();
    expect(sa.roleArn).toBeUndefined();
  });

  test('role ARNs in other partitions and with paths are accepted', () => {
    for (const arn of [
      'arn:aws-cn:iam::111122223333:role/service-role/metrics',
      'arn:aws-us-gov:iam::111122223333:role/a/b/c.d@e+f=g,h_i-j',
    ]) {
      expect(annotationsOf(make({ roleArn: arn }).chart)).toEqual({ 'eks.amazonaws.com/role-arn': arn });
    }
  });

  test('the default audience is not written, whether implied or given', () => {
    expect(annotationsOf(make({ roleArn: ROLE_ARN }).chart)).toEqual({ 'eks.amazonaws.com/role-arn': ROLE_ARN });
    expect(annotationsOf(make({ roleArn: ROLE_ARN, audience: 'sts.amazonaws.com' }).chart))
      .toEqual({ 'eks.amazonaws.com/role-arn': ROLE_ARN });
  });

  test('a custom audience is written', () => {
    expect(annotationsOf(make({ roleArn: ROLE_ARN, audience: 'awssts' }).chart)).toEqual({
      'eks.amazonaws.com/audience': 'awssts',
      'eks.amazonaws.com/role-arn': ROLE_ARN,
    });
  });

  test('stsRegionalEndpoints: true is written as the string "true"; false writes nothing', () => {
    const on = annotationsOf(make({ roleArn: ROLE_ARN, stsRegionalEndpoints: true }).chart);
    expect(on).toEqual({ 'eks.amazonaws.com/role-arn': ROLE_ARN, 'eks.amazonaws.com/sts-regional-endpoints': 'true' });
    expect(on!['eks.amazonaws.com/sts-regional-endpoints']).toStrictEqual('true');
    expect(annotationsOf(make({ roleArn: ROLE_ARN, stsRegionalEndpoints: false }).chart))
      .toEqual({ 'eks.amazonaws.com/role-arn': ROLE_ARN });
  });

  test('tokenExpiration is written in seconds, as a string', () => {
    const annotations = annotationsOf(make({ roleArn: ROLE_ARN, tokenExpiration: Duration.hours(1) }).chart);
    expect(annotations).toEqual({ 'eks.amazonaws.com/role-arn': ROLE_ARN, 'eks.amazonaws.com/token-expiration': '3600' });
  });

  test('tokenExpiration edges: 600 and 86400 seconds are accepted', () => {
    expect(annotationsOf(make({ roleArn: ROLE_ARN, tokenExpiration: Duration.minutes(10) }).chart)!['eks.amazonaws.com/token-expiration'])
      .toBe('600');
    expect(annotationsOf(make({ roleArn: ROLE_ARN, tokenExpiration: Duration.seconds(600) }).chart)!['eks.amazonaws.com/token-expiration'])
      .toBe('600');
    expect(annotationsOf(make({ roleArn: ROLE_ARN, tokenExpiration: Duration.days(1) }).chart)!['eks.amazonaws.com/token-expiration'])
      .toBe('86400');
    expect(annotationsOf(make({ roleArn: ROLE_ARN, tokenExpiration: Duration.millis(86400000) }).chart)!['eks.amazonaws.com/token-expiration'])
      .toBe('86400');
  });

  test('all IRSA props with other annotations: keys are sorted', () => {
    const { chart, sa } = make({
      roleArn: ROLE_ARN,
      audience: 'awssts',
      stsRegionalEndpoints: true,
      tokenExpiration: Duration.hours(2),
      annotations: { 'z.example.com/last': 'z', 'a.example.com/first': 'a' },
    });
    sa.addAnnotation('m.example.com/middle', 'm');
    const annotations = annotationsOf(chart)!;
    expect(annotations).toEqual({
      'a.example.com/first': 'a',
      'eks.amazonaws.com/audience': 'awssts',
      'eks.amazonaws.com/role-arn': ROLE_ARN,
      'eks.amazonaws.com/sts-regional-endpoints': 'true',
      'eks.amazonaws.com/token-expiration': '7200',
      'm.example.com/middle': 'm',
      'z.example.com/last': 'z',
    });
    expect(Object.keys(annotations)).toEqual([
      'a.example.com/first',
      'eks.amazonaws.com/audience',
      'eks.amazonaws.com/role-arn',
      'eks.amazonaws.com/sts-regional-endpoints',
      'eks.amazonaws.com/token-expiration',
      'm.example.com/middle',
      'z.example.com/last',
    ]);
  });

  test('the same value for a managed annotation, in annotations or later, is a no-op', () => {
    const { chart, sa } = make({
      roleArn: ROLE_ARN,
      audience: 'awssts',
      annotations: { 'eks.amazonaws.com/role-arn': ROLE_ARN, 'eks.amazonaws.com/audience': 'awssts' },
    });
    sa.addAnnotation('eks.amazonaws.com/role-arn', ROLE_ARN);
    expect(annotationsOf(chart)).toEqual({ 'eks.amazonaws.com/audience': 'awssts', 'eks.amazonaws.com/role-arn': ROLE_ARN });
  });

  test('without roleArn, an audience annotation is an ordinary annotation', () => {
    expect(annotationsOf(make({ annotations: { 'eks.amazonaws.com/audience': 'awssts' } }).chart))
      .toEqual({ 'eks.amazonaws.com/audience': 'awssts' });
  });
});

describe('IRSA errors', () => {
  const expectError = (props: Partial<ServiceAccountProps>, message: string) => expect(() => make(props)).toThrow(message);
  const armMessage = (arn: string) =>
    `${SA}: roleArn ${JSON.stringify(arn)} is not an IAM role ARN the pod identity webhook accepts: expected ` +
    'arn:<partition>:iam::<12-digit account id>:role/<optional path/><role name>, matching ' +
    '^arn:aws[a-z0-9-]*:iam::\\d{12}:role\\/[\\w-\\/.@+=,]+$ (the webhook only logs a mismatch, and the pods then get no AWS credentials)';

  test('a role ARN the webhook would reject', () => {
    expectError({ roleArn: 'arn:aws:iam::123:role/x' }, armMessage('arn:aws:iam::123:role/x'));
    expectError({ roleArn: 'arn:aws:iam::111122223333:user/x' }, armMessage('arn:aws:iam::111122223333:user/x'));
    expectError({ roleArn: 'metrics-server' }, armMessage('metrics-server'));
    expectError({ roleArn: '' }, armMessage(''));
    expectError({ roleArn: 'arn:aws:iam::111122223333:role/' }, armMessage('arn:aws:iam::111122223333:role/'));
    expectError({ roleArn: 'arn:aws:sts::111122223333:assumed-role/x/s' }, 'is not an IAM role ARN the pod identity webhook accepts');
  });

  test('tokenExpiration out of range or not whole seconds', () => {
    const expected = (seconds: string) =>
      `${SA}: tokenExpiration is ${seconds} seconds: expected a whole number of seconds from 600 to 86400 ` +
      '(the pod identity webhook raises shorter expirations to 600, and EKS allows at most 86400)';
    expectError({ roleArn: ROLE_ARN, tokenExpiration: Duration.seconds(599) }, expected('599'));
    expectError({ roleArn: ROLE_ARN, tokenExpiration: Duration.seconds(86401) }, expected('86401'));
    expectError({ roleArn: ROLE_ARN, tokenExpiration: Duration.millis(600500) }, expected('600.5'));
    expectError({ roleArn: ROLE_ARN, tokenExpiration: Duration.seconds(0) }, expected('0'));
    expectError({ roleArn: ROLE_ARN, tokenExpiration: Duration.days(2) }, expected('172800'));
  });

  test('an empty audience', () => {
    expectError({ roleArn: ROLE_ARN, audience: '' },
      `${SA}: audience is empty: expected the client id of the IAM OIDC provider (sts.amazonaws.com, the default, ` +
      'or for example awssts on a self-managed cluster), or leave audience unset');
  });

  test('IRSA options without roleArn', () => {
    expectError({ audience: 'awssts' },
      `${SA}: audience configures IRSA, but roleArn is not set: set roleArn (the IAM role the pods assume), or remove it`);
    expectError({ audience: 'sts.amazonaws.com' }, `${SA}: audience configures IRSA, but roleArn is not set`);
    expectError({ stsRegionalEndpoints: true }, `${SA}: stsRegionalEndpoints configures IRSA, but roleArn is not set`);
    expectError({ stsRegionalEndpoints: false }, `${SA}: stsRegionalEndpoints configures IRSA, but roleArn is not set`);
    expectError({ tokenExpiration: Duration.hours(1) }, `${SA}: tokenExpiration configures IRSA, but roleArn is not set`);
    expectError({ audience: 'awssts', stsRegionalEndpoints: true, tokenExpiration: Duration.hours(1) },
      `${SA}: audience, stsRegionalEndpoints and tokenExpiration configure IRSA, but roleArn is not set: ` +
      'set roleArn (the IAM role the pods assume), or remove them');
  });

  test('a managed annotation with another value in annotations', () => {
    expectError({ roleArn: ROLE_ARN, annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/other' } },
      `${SA} already has annotation "eks.amazonaws.com/role-arn" with value "${ROLE_ARN}"; it cannot also be ` +
      '"arn:aws:iam::111122223333:role/other" (eks.amazonaws.com/role-arn is set by the roleArn prop: ' +
      'change roleArn instead of adding the annotation)');
    expectError({ roleArn: ROLE_ARN, audience: 'awssts', annotations: { 'eks.amazonaws.com/audience': 'sts.amazonaws.com' } },
      `${SA} already has annotation "eks.amazonaws.com/audience" with value "awssts"; it cannot also be "sts.amazonaws.com" ` +
      '(eks.amazonaws.com/audience is set by the audience prop: change audience instead of adding the annotation)');
    expectError({ roleArn: ROLE_ARN, tokenExpiration: Duration.hours(1), annotations: { 'eks.amazonaws.com/token-expiration': '7200' } },
      `${SA} already has annotation "eks.amazonaws.com/token-expiration" with value "3600"; it cannot also be "7200" ` +
      '(eks.amazonaws.com/token-expiration is set by the tokenExpiration prop');
    expectError({ roleArn: ROLE_ARN, stsRegionalEndpoints: true, annotations: { 'eks.amazonaws.com/sts-regional-endpoints': 'false' } },
      'already has annotation "eks.amazonaws.com/sts-regional-endpoints" with value "true"; it cannot also be "false" ' +
      '(eks.amazonaws.com/sts-regional-endpoints is set by the stsRegionalEndpoints prop');
  });

  test('an explicit default audience is managed too, though not written', () => {
    expectError({ roleArn: ROLE_ARN, audience: 'sts.amazonaws.com', annotations: { 'eks.amazonaws.com/audience': 'awssts' } },
      `${SA} already has annotation "eks.amazonaws.com/audience" with value "sts.amazonaws.com"; it cannot also be "awssts" ` +
      '(eks.amazonaws.com/audience is set by the audience prop');
  });

  test('a managed annotation with another value added later', () => {
    const { sa } = make({ roleArn: ROLE_ARN });
    expect(() => sa.addAnnotation('eks.amazonaws.com/role-arn', 'arn:aws:iam::111122223333:role/other')).toThrow(
      `${SA} already has annotation "eks.amazonaws.com/role-arn" with value "${ROLE_ARN}"; it cannot also be ` +
      '"arn:aws:iam::111122223333:role/other" (eks.amazonaws.com/role-arn is set by the roleArn prop');
  });
});

describe('token boundary', () => {
  test('YAML: Testing.synth and app.synthYaml fail on a deploy-time role ARN, naming the ServiceAccount and what to do', () => {
    const { roleArn } = deployTimeRoleArn();
    const app = new App();
    const { chart, sa } = make({ roleArn }, new Chart(app, 'Chart'));
    expect(sa.roleArn).toBe(roleArn);
    expect(roleArn).toMatch(/^\$\{Token\[/);
    expect(() => Testing.synth(chart)).toThrow(roleArnMessage(roleArn));
    expect(() => app.synthYaml()).toThrow(roleArnMessage(roleArn));
    expect(() => app.synth()).toThrow(roleArnMessage(roleArn));
  });

  test('YAML: a Lazy role ARN, and one added as an annotation, fail the same way', () => {
    const lazy = CdkLazy.string({ produce: () => ROLE_ARN });
    expect(() => Testing.synth(make({ roleArn: lazy }).chart)).toThrow(roleArnMessage(lazy));
    const { chart, sa } = make();
    sa.addAnnotation('eks.amazonaws.com/role-arn', lazy);
    expect(() => Testing.synth(chart)).toThrow(roleArnMessage(lazy));
  });

  test('YAML: every other deploy-time value is an error too, each naming its field', () => {
    const token = CdkLazy.string({ produce: () => 'x' });
    const chart = Testing.chart();
    const sa = new ServiceAccount(chart, 'SA', {
      name: 'metrics-server',
      namespace: 'kube-system',
      roleArn: ROLE_ARN,
      audience: token,
      labels: { team: token, [token]: 'v' },
      annotations: { 'example.com/note': token },
      imagePullSecrets: [token],
    });
    const tail = `is known only at deploy time (${token}). To write this chart as YAML, use a literal value; to keep the token, ` +
      'deploy the chart through CloudFormation: call ServiceAccount.allowDeployTimeValues(chart), then cluster.addCdk8sChart(id, chart).';
    let message = '';
    try {
      Testing.synth(chart);
    } catch (e) {
      message = (e as Error).message;
    }
    const errors = message.split('\n').slice(1).map(line => line.trim());
    // In a stable order: name, namespace, labels, annotations (by key), image pull secrets, namespace labels.
    expect(errors).toEqual([
      `[test/SA] ${SA}: the key of label ${token} ${tail}`,
      `[test/SA] ${SA}: label team ${tail}`,
      `[test/SA] ${SA}: annotation eks.amazonaws.com/audience ${tail}`,
      `[test/SA] ${SA}: annotation example.com/note ${tail}`,
      `[test/SA] ${SA}: image pull secret ${tail}`,
    ]);
    expect(sa.roleArn).toBe(ROLE_ARN);
  });

  test('YAML: a deploy-time name, namespace or namespace label is an error', () => {
    const token = CdkLazy.string({ produce: () => 'x' });
    const chart = Testing.chart();
    new ServiceAccount(chart, 'SA', { name: token, namespace: token, createNamespace: true, namespaceLabels: { team: token } });
    const subject = `ServiceAccount ${token}/${token}`;
    expect(() => Testing.synth(chart)).toThrow(`${subject}: name is known only at deploy time (${token}). To write this chart as YAML`);
    expect(() => Testing.synth(chart)).toThrow(`${subject}: namespace is known only at deploy time (${token})`);
    expect(() => Testing.synth(chart)).toThrow(`${subject}: namespace label team is known only at deploy time (${token})`);
  });

  test('YAML: a literal role ARN synthesizes', () => {
    const app = new App();
    const { chart } = make({ roleArn: ROLE_ARN, audience: 'awssts' }, new Chart(app, 'Chart'));
    expect(annotationsOf(chart)).toEqual({ 'eks.amazonaws.com/audience': 'awssts', 'eks.amazonaws.com/role-arn': ROLE_ARN });
    expect(app.synthYaml()).toContain(`eks.amazonaws.com/role-arn: ${ROLE_ARN}`);
  });

  test('CloudFormation: cdk8s validates in chart.toJson() too, so the chart must be marked', () => {
    const { roleArn } = deployTimeRoleArn();
    const { chart } = make({ roleArn });
    expect(() => chart.toJson()).toThrow(roleArnMessage(roleArn));
  });

  test('CloudFormation: in a marked chart, toJson() keeps the token, and CDK resolves it to the parameter', () => {
    const { stack, roleArn } = deployTimeRoleArn();
    const { chart } = make({ roleArn, tokenExpiration: Duration.hours(1) });
    ServiceAccount.allowDeployTimeValues(chart);
    const [obj] = chart.toJson();
    expect(obj.metadata.annotations).toEqual({
      'eks.amazonaws.com/role-arn': roleArn,
      'eks.amazonaws.com/token-expiration': '3600',
    });
    expect(stack.resolve(obj.metadata.annotations['eks.amazonaws.com/role-arn'])).toEqual({ Ref: 'P' });
  });

  test('CloudFormation: marking the cdk8s app covers all its charts; marking one chart does not cover another', () => {
    const { roleArn } = deployTimeRoleArn();
    const app = new App();
    ServiceAccount.allowDeployTimeValues(app);
    const a = make({ roleArn }, new Chart(app, 'A')).chart;
    const b = make({ roleArn }, new Chart(app, 'B')).chart;
    expect(a.toJson()[0].metadata.annotations['eks.amazonaws.com/role-arn']).toBe(roleArn);
    expect(b.toJson()[0].metadata.annotations['eks.amazonaws.com/role-arn']).toBe(roleArn);

    const other = new App();
    const marked = make({ roleArn }, new Chart(other, 'Marked')).chart;
    make({ roleArn }, new Chart(other, 'Unmarked'));
    ServiceAccount.allowDeployTimeValues(marked);
    // cdk8s validates the whole app in toJson(), so the unmarked chart fails the marked one too.
    expect(() => marked.toJson()).toThrow('[Unmarked/SA] ServiceAccount kube-system/metrics-server: annotation eks.amazonaws.com/role-arn');
  });

  test('CloudFormation: cluster.addCdk8sChart puts the role reference into the manifest', () => {
    const stack = new Stack(new CdkApp(), 'Stack', { env: { account: '111122223333', region: 'eu-west-1' } });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com') });
    const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', {
      clusterName: 'demo',
      kubectlProvider: eks.KubectlProvider.fromKubectlProviderAttributes(stack, 'Kubectl', {
        serviceToken: 'arn:aws:lambda:eu-west-1:111122223333:function:kubectl',
      }),
    });
    const { chart } = make({ roleArn: role.roleArn, stsRegionalEndpoints: true });
    ServiceAccount.allowDeployTimeValues(chart);
    cluster.addCdk8sChart('Chart', chart);

    const manifests = Object.values(Template.fromStack(stack).findResources('Custom::AWSCDK-EKS-KubernetesResource'));
    expect(manifests).toHaveLength(1);
    const roleLogicalId = stack.getLogicalId(role.node.defaultChild as iam.CfnRole);
    const resolved = resolveIntrinsics(manifests[0].Properties.Manifest, {
      getAtts: { [`${roleLogicalId}.Arn`]: ROLE_ARN },
    }) as string;
    const objects = JSON.parse(resolved);
    validateKubernetesObjects(objects);
    expect(objects).toHaveLength(1);
    expect(objects[0].apiVersion).toBe('v1');
    expect(objects[0].kind).toBe('ServiceAccount');
    expect(objects[0].metadata.name).toBe('metrics-server');
    expect(objects[0].metadata.namespace).toBe('kube-system');
    expect(objects[0].metadata.annotations).toEqual({
      'eks.amazonaws.com/role-arn': ROLE_ARN,
      'eks.amazonaws.com/sts-regional-endpoints': 'true',
    });
    // aws-eks adds its prune label; nothing else changes.
    expect(Object.keys(objects[0].metadata.labels)).toEqual([expect.stringMatching(/^aws\.cdk\.eks\/prune-/)]);
  });
});
