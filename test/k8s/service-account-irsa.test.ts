import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App as CdkApp, CfnParameter, Lazy as CdkLazy, Stack, type Environment } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { App, Chart, Duration, Testing } from 'cdk8s';
import { EksCluster, IdentityMechanism, WorkloadIdentity } from '../../src';
import { ServiceAccount, type ServiceAccountProps } from '../../src/k8s';
import { expectError, validationErrors } from '../util/errors';
import { resolveIntrinsics } from '../util/intrinsics';
import { eksIssuer } from '../util/irsa-sim';
import { synthChartObjects, validateKubernetesObjects } from '../util/kubernetes';

const ROLE_ARN = 'arn:aws:iam::111122223333:role/metrics-server';
/** The subject of messages about the ServiceAccount `make()` creates in `Testing.chart()`: kind and construct path. */
const SA = 'ServiceAccount test/SA';

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

const CLOUDFORMATION_FIX = 'or, to keep the token, deploy the chart through CloudFormation: ' +
  'call ServiceAccount.allowDeployTimeValues(chart), then cluster.addCdk8sChart(id, chart)';

/** The message for a deploy-time role ARN of ServiceAccount `saPath`; `why` is what the ServiceAccount knows about the token. */
const roleArnMessage = (token: string, saPath = 'test/SA', why = 'pass a literal roleArn, or a role whose name and stack account and region are known') =>
  `ServiceAccount ${saPath}: annotation eks.amazonaws.com/role-arn of kube-system/metrics-server is known only at deploy time (${token}), ` +
  `expected a literal value in a chart written as YAML; the role ARN must be a literal: ${why}; ${CLOUDFORMATION_FIX}`;

/** The message for any other deploy-time `field` of a ServiceAccount. */
const fieldMessage = (subject: string, field: string, object: string, token: string) =>
  `${subject}: ${field} of ${object} is known only at deploy time (${token}), expected a literal value in a chart written as YAML; ` +
  `use a literal value; ${CLOUDFORMATION_FIX}`;

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

  test('keys that only resemble the webhook prefix are ordinary annotations', () => {
    const annotations = {
      'eks.amazonaws.com.example.com/role-arn': 'a',
      'pod-identity.eks.amazonaws.com/role-arn': 'b',
      'example.com/eks.amazonaws.com': 'c',
      'eks.amazonaws.com': 'd',
    };
    expect(annotationsOf(make({ annotations }).chart)).toEqual(annotations);
  });
});

describe('eks.amazonaws.com annotations are refused: the webhook\'s are set with the typed props', () => {
  const typedMessage = (key: string, value: string, prop: string) =>
    `${SA}: annotation ${JSON.stringify(key)} is set directly (to ${JSON.stringify(value)}), expected the ${prop} prop, ` +
    `which checks the value and writes the annotation; set ${prop} instead (WorkloadIdentity sets it for IRSA)`;
  const notReadMessage = (key: string, where = '') =>
    `${SA}: annotation ${JSON.stringify(key)} is not one the pod identity webhook reads on a ServiceAccount${where}, ` +
    'expected one of the typed props roleArn, audience, stsRegionalEndpoints, tokenExpiration for the eks.amazonaws.com/ annotations; ' +
    'to write another annotation of that prefix anyway, add it to apiObject.metadata';

  const TYPED = [
    { key: 'eks.amazonaws.com/role-arn', value: ROLE_ARN, prop: 'roleArn' },
    { key: 'eks.amazonaws.com/audience', value: 'awssts', prop: 'audience' },
    { key: 'eks.amazonaws.com/sts-regional-endpoints', value: 'true', prop: 'stsRegionalEndpoints' },
    { key: 'eks.amazonaws.com/token-expiration', value: '3600', prop: 'tokenExpiration' },
  ];

  test.each(TYPED)('$key in the annotations prop is refused, pointing to the $prop prop', ({ key, value, prop }) => {
    expectError(() => make({ annotations: { [key]: value } }), typedMessage(key, value, prop));
  });

  test.each(TYPED)('$key added with addAnnotation is refused, pointing to the $prop prop; nothing is written', ({ key, value, prop }) => {
    const { chart, sa } = make({ roleArn: ROLE_ARN });
    expectError(() => sa.addAnnotation(key, value), typedMessage(key, value, prop));
    expect(annotationsOf(chart)).toEqual({ 'eks.amazonaws.com/role-arn': ROLE_ARN });
  });

  test('refused even when the typed prop sets the same value', () => {
    expectError(() => make({ roleArn: ROLE_ARN, annotations: { 'eks.amazonaws.com/role-arn': ROLE_ARN } }),
      typedMessage('eks.amazonaws.com/role-arn', ROLE_ARN, 'roleArn'));
    expectError(() => make({ roleArn: ROLE_ARN, audience: 'awssts', annotations: { 'eks.amazonaws.com/audience': 'awssts' } }),
      typedMessage('eks.amazonaws.com/audience', 'awssts', 'audience'));
    const { sa } = make({ roleArn: ROLE_ARN, stsRegionalEndpoints: true, tokenExpiration: Duration.hours(1) });
    expectError(() => sa.addAnnotation('eks.amazonaws.com/sts-regional-endpoints', 'true'),
      typedMessage('eks.amazonaws.com/sts-regional-endpoints', 'true', 'stsRegionalEndpoints'));
    expectError(() => sa.addAnnotation('eks.amazonaws.com/token-expiration', '3600'),
      typedMessage('eks.amazonaws.com/token-expiration', '3600', 'tokenExpiration'));
  });

  test('refused without roleArn too: a raw audience is not an ordinary annotation', () => {
    expectError(() => make({ annotations: { 'eks.amazonaws.com/audience': 'awssts' } }),
      typedMessage('eks.amazonaws.com/audience', 'awssts', 'audience'));
  });

  test('a deploy-time value is refused at once, shown as its token', () => {
    const lazy = CdkLazy.string({ produce: () => ROLE_ARN });
    const { sa } = make();
    expectError(() => sa.addAnnotation('eks.amazonaws.com/role-arn', lazy), typedMessage('eks.amazonaws.com/role-arn', lazy, 'roleArn'));
  });

  test('a key the webhook does not read on a ServiceAccount, in the annotations prop and with addAnnotation', () => {
    for (const key of ['eks.amazonaws.com/rolearn', 'eks.amazonaws.com/role-arn-2', 'eks.amazonaws.com/Role-Arn']) {
      expectError(() => make({ annotations: { [key]: ROLE_ARN } }), notReadMessage(key));
      expectError(() => make().sa.addAnnotation(key, ROLE_ARN), notReadMessage(key));
    }
  });

  test('eks.amazonaws.com/skip-containers is a pod annotation', () => {
    const key = 'eks.amazonaws.com/skip-containers';
    const where = ' (it is read on pods: put it on the pod template)';
    expectError(() => make({ annotations: { [key]: 'sidecar' } }), notReadMessage(key, where));
    expectError(() => make().sa.addAnnotation(key, 'sidecar'), notReadMessage(key, where));
  });

  test('the escape hatch the message names writes the annotation as given', () => {
    const { chart, sa } = make();
    sa.apiObject.metadata.addAnnotation('eks.amazonaws.com/skip-containers', 'sidecar');
    expect(annotationsOf(chart)).toEqual({ 'eks.amazonaws.com/skip-containers': 'sidecar' });
  });
});

describe('IRSA errors', () => {
  const expectPropsError = (props: Partial<ServiceAccountProps>, message: string) => expectError(() => make(props), message);
  const arnMessage = (arn: string) =>
    `${SA}: roleArn ${JSON.stringify(arn)} is not an IAM role ARN the pod identity webhook accepts, expected ` +
    'arn:<partition>:iam::<12-digit account id>:role/<optional path/><role name>, matching ' +
    '^arn:aws[a-z0-9-]*:iam::\\d{12}:role\\/[\\w-\\/.@+=,]+$; the webhook only logs a mismatch, and the pods then get no AWS credentials';

  test('a role ARN the webhook would reject', () => {
    for (const arn of [
      'arn:aws:iam::123:role/x',
      'arn:aws:iam::111122223333:user/x',
      'metrics-server',
      '',
      'arn:aws:iam::111122223333:role/',
      'arn:aws:sts::111122223333:assumed-role/x/s',
      ` ${ROLE_ARN}`,
    ]) {
      expectPropsError({ roleArn: arn }, arnMessage(arn));
    }
  });

  test('tokenExpiration out of range or not whole seconds', () => {
    const expected = (seconds: string) =>
      `${SA}: tokenExpiration is ${seconds} seconds, expected a whole number of seconds from 600 to 86400; ` +
      'the pod identity webhook raises shorter expirations to 600, and EKS allows at most 86400';
    expectPropsError({ roleArn: ROLE_ARN, tokenExpiration: Duration.seconds(599) }, expected('599'));
    expectPropsError({ roleArn: ROLE_ARN, tokenExpiration: Duration.seconds(86401) }, expected('86401'));
    expectPropsError({ roleArn: ROLE_ARN, tokenExpiration: Duration.millis(600500) }, expected('600.5'));
    expectPropsError({ roleArn: ROLE_ARN, tokenExpiration: Duration.seconds(0) }, expected('0'));
    expectPropsError({ roleArn: ROLE_ARN, tokenExpiration: Duration.days(2) }, expected('172800'));
  });

  test('an audience that is empty, has whitespace or is too long', () => {
    const expected = (audience: string) =>
      `${SA}: audience is ${JSON.stringify(audience)}, expected the client id of the IAM OIDC provider (1 to 255 characters without ` +
      'whitespace: sts.amazonaws.com, the default, or for example awssts on a self-managed cluster); or leave audience unset';
    expectPropsError({ roleArn: ROLE_ARN, audience: '' }, expected(''));
    expectPropsError({ roleArn: ROLE_ARN, audience: 'aws sts' }, expected('aws sts'));
    expectPropsError({ roleArn: ROLE_ARN, audience: 'sts.amazonaws.com\n' }, expected('sts.amazonaws.com\n'));
    expectPropsError({ roleArn: ROLE_ARN, audience: 'a'.repeat(256) }, expected('a'.repeat(256)));
    expect(annotationsOf(make({ roleArn: ROLE_ARN, audience: 'a'.repeat(255) }).chart)!['eks.amazonaws.com/audience']).toBe('a'.repeat(255));
  });

  test('IRSA options without roleArn', () => {
    const one = (prop: string) => `${SA}: ${prop} is set without roleArn, expected roleArn too: they configure IRSA; ` +
      'set roleArn (the IAM role the pods assume), or remove it';
    expectPropsError({ audience: 'awssts' }, one('audience'));
    expectPropsError({ audience: 'sts.amazonaws.com' }, one('audience'));
    expectPropsError({ stsRegionalEndpoints: true }, one('stsRegionalEndpoints'));
    expectPropsError({ stsRegionalEndpoints: false }, one('stsRegionalEndpoints'));
    expectPropsError({ tokenExpiration: Duration.hours(1) }, one('tokenExpiration'));
    expectPropsError({ audience: 'awssts', tokenExpiration: Duration.hours(1) },
      `${SA}: audience and tokenExpiration are set without roleArn, expected roleArn too: they configure IRSA; ` +
      'set roleArn (the IAM role the pods assume), or remove them');
    expectPropsError({ audience: 'awssts', stsRegionalEndpoints: true, tokenExpiration: Duration.hours(1) },
      `${SA}: audience, stsRegionalEndpoints and tokenExpiration are set without roleArn, expected roleArn too: they configure IRSA; ` +
      'set roleArn (the IAM role the pods assume), or remove them');
  });

  test('JavaScript callers: IRSA values of the wrong type', () => {
    const expectJsError = (props: Record<string, unknown>, message: string) => expectError(() => make(props as any), message);
    expectJsError({ roleArn: 42 }, `${SA}: roleArn is 42, expected an IAM role ARN`);
    expectJsError({ roleArn: null }, `${SA}: roleArn is null, expected an IAM role ARN`);
    expectJsError({ roleArn: ROLE_ARN, audience: 7 },
      `${SA}: audience is 7, expected the client id of the IAM OIDC provider (1 to 255 characters without ` +
      'whitespace: sts.amazonaws.com, the default, or for example awssts on a self-managed cluster); or leave audience unset');
    expectJsError({ roleArn: ROLE_ARN, tokenExpiration: 3600 }, `${SA}: tokenExpiration is 3600, expected a cdk8s Duration, such as Duration.hours(1)`);
  });

  test('a refused ServiceAccount is not added to the chart', () => {
    const chart = Testing.chart();
    expectError(() => make({ roleArn: 'metrics-server' }, chart), arnMessage('metrics-server'));
    expect(chart.node.children).toEqual([]);
  });
});

describe('token boundary', () => {
  test('YAML: Testing.synth, app.synthYaml and app.synth fail on a deploy-time role ARN, naming the ServiceAccount and what to do', () => {
    const { roleArn } = deployTimeRoleArn();
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'sa-irsa-')) });
    const { chart, sa } = make({ roleArn }, new Chart(app, 'Chart'));
    expect(sa.roleArn).toBe(roleArn);
    expect(roleArn).toMatch(/^\$\{Token\[/);
    const expected = [`[Chart/SA] ${roleArnMessage(roleArn, 'Chart/SA')}`];
    expect(validationErrors(() => Testing.synth(chart))).toEqual(expected);
    expect(validationErrors(() => app.synthYaml())).toEqual(expected);
    expect(validationErrors(() => app.synth())).toEqual(expected);
  });

  test('YAML: a Lazy role ARN fails the same way', () => {
    const lazy = CdkLazy.string({ produce: () => ROLE_ARN });
    expect(validationErrors(() => Testing.synth(make({ roleArn: lazy }).chart))).toEqual([`[test/SA] ${roleArnMessage(lazy)}`]);
  });

  test('YAML: a role ARN set by a WorkloadIdentity says which of the stack\'s account and region is missing', () => {
    const cases: Array<[env: Environment | undefined, missing: string]> = [
      [undefined, 'the account of stack Agnostic'],
      [{ region: 'eu-west-1' }, 'the account of stack Agnostic'],
      [{ account: '111122223333' }, 'the region of stack Agnostic'],
    ];
    for (const [env, missing] of cases) {
      const stack = new Stack(new CdkApp(), 'Agnostic', { env });
      const chart = Testing.chart();
      const cluster = EksCluster.fromClusterAttributes(stack, 'Demo', { clusterName: 'demo', oidcIssuerUrl: eksIssuer('DEMO0000') });
      const identity = new WorkloadIdentity(stack, 'Api', {
        cluster, namespace: 'kube-system', serviceAccount: 'metrics-server', mechanism: IdentityMechanism.IRSA, chart,
      });
      const roleArn = identity.serviceAccount!.roleArn!;
      expect(roleArn).toMatch(/^\$\{Token\[/);
      expect(validationErrors(() => Testing.synth(chart))).toEqual([`[test/kube-system-metrics-server] ${roleArnMessage(roleArn,
        'test/kube-system-metrics-server',
        `WorkloadIdentity Agnostic/Api creates its role in a stack without ${missing} (set env: { account, region } on the stack)`)}`]);
    }
  });

  test('YAML: every other deploy-time value is an error too, each naming its field, in a stable order', () => {
    const token = CdkLazy.string({ produce: () => 'x' });
    const chart = Testing.chart();
    const sa = new ServiceAccount(chart, 'SA', {
      name: 'metrics-server',
      namespace: 'kube-system',
      roleArn: ROLE_ARN,
      audience: token,
      labels: { team: token, [token]: 'v' },
      annotations: { 'example.com/note': token, [token]: 'v' },
      imagePullSecrets: [token],
    });
    const message = (field: string) => `[test/SA] ${fieldMessage(SA, field, 'kube-system/metrics-server', token)}`;
    // Name, namespace, labels (by key), annotations (by key), image pull secrets; a key's own token before its value.
    expect(validationErrors(() => Testing.synth(chart))).toEqual([
      message(`the key of label ${token}`),
      message('label team'),
      message(`the key of annotation ${token}`),
      message('annotation eks.amazonaws.com/audience'),
      message('annotation example.com/note'),
      message('image pull secret'),
    ]);
    expect(sa.roleArn).toBe(ROLE_ARN);
  });

  test('YAML: a deploy-time name, namespace or namespace label is an error of the ServiceAccount or of its Namespace', () => {
    const token = CdkLazy.string({ produce: () => 'x' });
    const chart = Testing.chart();
    const sa = new ServiceAccount(chart, 'SA', { name: token, namespace: token, createNamespace: true, namespaceLabels: { team: token } });
    const namespace = `Namespace test/Namespace-${token}`;
    const namespaceMessage = (field: string) => `[test/Namespace-${token}] ${namespace}: ${field} is known only at deploy time (${token}), ` +
      'expected a literal value in a chart written as YAML; to keep the token, deploy the chart through CloudFormation: ' +
      'call ServiceAccount.allowDeployTimeValues(chart), then cluster.addCdk8sChart(id, chart)';
    expect(validationErrors(() => Testing.synth(chart))).toEqual([
      `[test/SA] ${fieldMessage(SA, 'name', `${token}/${token}`, token)}`,
      `[test/SA] ${fieldMessage(SA, 'namespace', `${token}/${token}`, token)}`,
      namespaceMessage('name'),
      namespaceMessage('label team'),
    ]);

    // Marking the chart covers the Namespace too: deployed through CloudFormation, both objects keep the tokens.
    ServiceAccount.allowDeployTimeValues(chart);
    const objects = chart.toJson();
    expect(objects).toEqual([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: token, labels: { team: token } } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: token, namespace: token } },
    ]);
    expect(sa.namespaceConstruct!.node.path).toBe(`test/Namespace-${token}`);
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
    expect(validationErrors(() => chart.toJson())).toEqual([`[test/SA] ${roleArnMessage(roleArn)}`]);
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
    // cdk8s validates the whole app in toJson(), so the unmarked chart fails the marked one too; only it is named.
    expect(validationErrors(() => marked.toJson())).toEqual([`[Unmarked/SA] ${roleArnMessage(roleArn, 'Unmarked/SA')}`]);
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
