import { Lazy as CdkLazy } from 'aws-cdk-lib';
import { type Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Namespace, ServiceAccount, type ServiceAccountProps } from '../../src/k8s';
import { expectError } from '../util/errors';
import { synthChartObjects } from '../util/kubernetes';

/** Synthesizes the chart, validates every object against the Kubernetes schemas and checks for tokens. */
const synth = (chart: Chart): any[] => synthChartObjects(chart);

function make(props: Partial<ServiceAccountProps> = {}): { chart: Chart; sa: ServiceAccount } {
  const chart = Testing.chart();
  const sa = new ServiceAccount(chart, 'SA', { name: 'metrics-server', namespace: 'kube-system', ...props });
  return { chart, sa };
}

// The subject of every message about the ServiceAccount `make()` creates: its kind and its cdk8s construct path.
const SA = 'ServiceAccount test/SA';

// What the name rules expect (src/private/names.ts, src/k8s/metadata-names.ts).
const SUBDOMAIN_RULE = "1 to 253 characters: lowercase letters, digits, '-' and '.', each dot-separated part starting and ending with a letter or digit";
const DNS_LABEL_RULE = "1 to 63 characters: lowercase letters, digits and '-', starting and ending with a letter or digit";
const QUALIFIED_NAME_RULE = "a Kubernetes qualified name: an optional DNS-1123 subdomain prefix and '/', then a name of 1 to 63 characters: " +
  "letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
const LABEL_VALUE_RULE = "empty, or 1 to 63 characters: letters, digits, '-', '_' and '.', starting and ending with a letter or digit";

describe('rendering', () => {
  test('defaults: a minimal ServiceAccount and nothing else', () => {
    const { chart, sa } = make();
    const objects = synth(chart);
    expect(objects).toEqual([{
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'metrics-server', namespace: 'kube-system' },
    }]);
    expect(sa.name).toBe('metrics-server');
    expect(sa.namespace).toBe('kube-system');
    expect(sa.resourceName).toBe('metrics-server');
    expect(sa.namespaceObject).toBeUndefined();
    expect(sa.namespaceConstruct).toBeUndefined();
    expect(sa.automountServiceAccountToken).toBeUndefined();
    expect(chart.node.children.map(c => c.node.id)).toEqual(['SA']);
  });

  test('the objects are typed: a KubeServiceAccount, and the shared Namespace\'s KubeNamespace', () => {
    const { sa } = make({ createNamespace: true });
    expect(sa.apiObject.constructor).toBe(kplus.k8s.KubeServiceAccount);
    expect(sa.namespaceConstruct).toBeInstanceOf(Namespace);
    expect(sa.namespaceObject!.constructor).toBe(kplus.k8s.KubeNamespace);
    expect(sa.namespaceObject).toBe(sa.namespaceConstruct!.apiObject);
    expect(sa.namespaceConstruct!.name).toBe('kube-system');
  });

  test('construct ids: the ServiceAccount\'s primary child is Resource; the Namespace is Namespace-<name> under the chart', () => {
    const { chart, sa } = make({ createNamespace: true });
    expect(sa.node.defaultChild).toBe(sa.apiObject);
    expect(sa.apiObject.node.id).toBe('Resource');
    expect(sa.apiObject.node.path).toBe('test/SA/Resource');
    // The Namespace is not a child of the ServiceAccount any more: it belongs to the chart, shared by its ServiceAccounts.
    expect(sa.node.children.map(c => c.node.id)).toEqual(['Resource']);
    expect(sa.namespaceConstruct!.node.scope).toBe(chart);
    expect(sa.namespaceConstruct!.node.id).toBe('Namespace-kube-system');
    expect(sa.namespaceObject!.node.id).toBe('Resource');
    expect(sa.namespaceObject!.node.path).toBe('test/Namespace-kube-system/Resource');
    expect(sa.namespaceConstruct!.node.defaultChild).toBe(sa.namespaceObject);
  });

  test('all props', () => {
    const { chart } = make({
      labels: { 'z-last': 'b', 'app.kubernetes.io/name': 'metrics-server', 'a_first': '' },
      annotations: {
        'example.com/owner': 'platform-team',
        'docs.example.com/runbook': 'https://example.com/runbooks/metrics-server',
      },
      automountServiceAccountToken: false,
      imagePullSecrets: ['regcred', 'ecr.pull'],
    });
    const objects = synth(chart);
    expect(objects).toHaveLength(1);
    const [sa] = objects;
    expect(sa.apiVersion).toBe('v1');
    expect(sa.kind).toBe('ServiceAccount');
    expect(sa.metadata.name).toBe('metrics-server');
    expect(sa.metadata.namespace).toBe('kube-system');
    expect(sa.metadata.labels).toEqual({ 'a_first': '', 'app.kubernetes.io/name': 'metrics-server', 'z-last': 'b' });
    expect(Object.keys(sa.metadata.labels)).toEqual(['a_first', 'app.kubernetes.io/name', 'z-last']);
    expect(sa.metadata.annotations).toEqual({
      'docs.example.com/runbook': 'https://example.com/runbooks/metrics-server',
      'example.com/owner': 'platform-team',
    });
    expect(Object.keys(sa.metadata.annotations)).toEqual(['docs.example.com/runbook', 'example.com/owner']);
    expect(sa.automountServiceAccountToken).toBe(false);
    expect(sa.imagePullSecrets).toEqual([{ name: 'ecr.pull' }, { name: 'regcred' }]);
  });

  test('automountServiceAccountToken: true is rendered', () => {
    const { chart, sa } = make({ automountServiceAccountToken: true });
    expect(synth(chart)[0].automountServiceAccountToken).toBe(true);
    expect(sa.automountServiceAccountToken).toBe(true);
  });

  test('annotations, labels and image pull secrets added after construction are rendered', () => {
    const { chart, sa } = make({ annotations: { 'example.com/first': '1' } });
    sa.addAnnotation('example.com/owner', 'platform-team');
    sa.addLabel('team', 'platform');
    sa.addImagePullSecret('regcred');
    sa.addImagePullSecret('regcred'); // duplicate: no-op
    const [obj] = synth(chart);
    expect(obj.metadata.annotations).toEqual({
      'example.com/first': '1',
      'example.com/owner': 'platform-team',
    });
    expect(obj.metadata.labels).toEqual({ team: 'platform' });
    expect(obj.imagePullSecrets).toEqual([{ name: 'regcred' }]);
  });

  test('annotation values may be any string, including empty and multi-line', () => {
    const { chart } = make({ annotations: { 'example.com/empty': '', 'example.com/text': 'line 1\nline 2: {"json": true}' } });
    expect(synth(chart)[0].metadata.annotations).toEqual({ 'example.com/empty': '', 'example.com/text': 'line 1\nline 2: {"json": true}' });
  });

  test('createNamespace emits a Namespace first, then the ServiceAccount', () => {
    const { chart, sa } = make({ createNamespace: true, namespace: 'metrics', namespaceLabels: { 'pod-security.kubernetes.io/enforce': 'restricted' } });
    const objects = synth(chart);
    expect(objects).toHaveLength(2);
    expect(objects[0]).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'metrics', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
    });
    expect(objects[1]).toEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'metrics-server', namespace: 'metrics' },
    });
    expect(sa.namespaceConstruct!.node.id).toBe('Namespace-metrics');
    expect(sa.apiObject.node.dependencies).toEqual([sa.namespaceObject]);
  });

  test('createNamespace without labels emits a minimal Namespace', () => {
    const { chart } = make({ createNamespace: true });
    const objects = synth(chart);
    expect(objects).toHaveLength(2);
    expect(objects[0]).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } });
    expect(objects[1].kind).toBe('ServiceAccount');
  });

  test('createNamespace: false emits no Namespace', () => {
    const { chart, sa } = make({ createNamespace: false });
    expect(synth(chart).map(o => o.kind)).toEqual(['ServiceAccount']);
    expect(sa.namespaceConstruct).toBeUndefined();
    expect(sa.namespaceObject).toBeUndefined();
    expect(sa.apiObject.node.dependencies).toEqual([]);
  });

  test('CDK tokens are not validated at construction; they are rendered only in a chart marked for CloudFormation', () => {
    const token = CdkLazy.string({ produce: () => 'resolved-later' });
    const chart = Testing.chart();
    const sa = new ServiceAccount(chart, 'SA', {
      name: token,
      namespace: token,
      labels: { [token]: token },
      annotations: { [token]: 'x' },
      imagePullSecrets: [token],
    });
    expect(sa.name).toBe(token);
    // Written as YAML, a token is an error (see service-account-irsa.test.ts for every field) ...
    expect(() => Testing.synth(chart)).toThrow(
      `[test/SA] ${SA}: name of ${token}/${token} is known only at deploy time (${token}), expected a literal value in a chart ` +
      'written as YAML; use a literal value; or, to keep the token, deploy the chart through CloudFormation: ' +
      'call ServiceAccount.allowDeployTimeValues(chart), then cluster.addCdk8sChart(id, chart)\n');
    // ... deployed through CloudFormation (cluster.addCdk8sChart calls chart.toJson()), it is kept.
    ServiceAccount.allowDeployTimeValues(chart);
    const [obj] = chart.toJson();
    expect(obj.metadata.name).toBe(token);
    expect(obj.metadata.namespace).toBe(token);
    expect(obj.metadata.labels).toEqual({ [token]: token });
    expect(obj.metadata.annotations).toEqual({ [token]: 'x' });
    expect(obj.imagePullSecrets).toEqual([{ name: token }]);
  });
});

describe('conflicts', () => {
  test('the same annotation twice with the same value is a no-op', () => {
    const { chart, sa } = make({ annotations: { 'example.com/owner': 'platform-team' } });
    sa.addAnnotation('example.com/owner', 'platform-team');
    expect(synth(chart)[0].metadata.annotations).toEqual({ 'example.com/owner': 'platform-team' });
  });

  test('the same annotation with another value is an error naming the key and both values', () => {
    const { chart, sa } = make({ annotations: { 'example.com/owner': 'team-a' } });
    expectError(() => sa.addAnnotation('example.com/owner', 'team-b'),
      `${SA}: annotation "example.com/owner" of ServiceAccount kube-system/metrics-server is set to "team-a" and to "team-b", ` +
      'expected one value per annotation');
    // The first value stays.
    expect(synth(chart)[0].metadata.annotations).toEqual({ 'example.com/owner': 'team-a' });
  });

  test('values are compared exactly: an empty annotation value and a single space conflict', () => {
    const { sa } = make({ annotations: { 'example.com/note': '' } });
    expectError(() => sa.addAnnotation('example.com/note', ' '),
      `${SA}: annotation "example.com/note" of ServiceAccount kube-system/metrics-server is set to "" and to " ", ` +
      'expected one value per annotation');
  });

  test('the same label twice with the same value is a no-op; with another value it is an error', () => {
    const { chart, sa } = make({ labels: { team: 'a' } });
    sa.addLabel('team', 'a');
    expectError(() => sa.addLabel('team', 'b'),
      `${SA}: label "team" of ServiceAccount kube-system/metrics-server is set to "a" and to "b", expected one value per label`);
    expect(synth(chart)[0].metadata.labels).toEqual({ team: 'a' });
  });

  test('a label and an annotation with the same key do not conflict', () => {
    const { chart } = make({ labels: { 'example.com/team': 'a' }, annotations: { 'example.com/team': 'b' } });
    const [obj] = synth(chart);
    expect(obj.metadata.labels).toEqual({ 'example.com/team': 'a' });
    expect(obj.metadata.annotations).toEqual({ 'example.com/team': 'b' });
  });
});

describe('validation', () => {
  const expectPropsError = (props: Partial<ServiceAccountProps>, message: string) => expectError(() => make(props), message);

  test('name must be a DNS-1123 subdomain', () => {
    expectPropsError({ name: 'Metrics_Server' }, `${SA}: name "Metrics_Server" is not a DNS-1123 subdomain, expected ${SUBDOMAIN_RULE}`);
    expectPropsError({ name: '' }, `${SA}: name "" is not a DNS-1123 subdomain, expected ${SUBDOMAIN_RULE}`);
    expectPropsError({ name: 'metrics.-server' }, `${SA}: name "metrics.-server" is not a DNS-1123 subdomain, expected ${SUBDOMAIN_RULE}`);
    const long = 'a'.repeat(254);
    expectPropsError({ name: long }, `${SA}: name "${long}" is not a DNS-1123 subdomain (it has 254 characters), expected ${SUBDOMAIN_RULE}`);
  });

  test('names at the limits are accepted: a 253-character subdomain, a 63-character namespace', () => {
    const name = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;
    expect(name).toHaveLength(253);
    const namespace = 'n'.repeat(63);
    const { chart } = make({ name, namespace });
    expect(synth(chart)[0].metadata).toEqual({ name, namespace });
  });

  test('namespace must be a DNS-1123 label', () => {
    expectPropsError({ namespace: 'kube.system' }, `${SA}: namespace "kube.system" is not a DNS-1123 label, expected ${DNS_LABEL_RULE}`);
    expectPropsError({ namespace: 'Kube-System' }, `${SA}: namespace "Kube-System" is not a DNS-1123 label, expected ${DNS_LABEL_RULE}`);
    expectPropsError({ namespace: '' }, `${SA}: namespace "" is not a DNS-1123 label, expected ${DNS_LABEL_RULE}`);
    const long = 'n'.repeat(64);
    expectPropsError({ namespace: long }, `${SA}: namespace "${long}" is not a DNS-1123 label (it has 64 characters), expected ${DNS_LABEL_RULE}`);
  });

  test('an invalid name or namespace creates no construct', () => {
    const chart = Testing.chart();
    expectError(() => new ServiceAccount(chart, 'SA', { name: 'Bad', namespace: 'apps' }),
      `${SA}: name "Bad" is not a DNS-1123 subdomain, expected ${SUBDOMAIN_RULE}`);
    expectError(() => new ServiceAccount(chart, 'SA', { name: 'ok', namespace: 'Bad', createNamespace: true }),
      `${SA}: namespace "Bad" is not a DNS-1123 label, expected ${DNS_LABEL_RULE}`);
    expect(chart.node.children).toEqual([]);
  });

  test('label keys must be qualified names, each error saying what is wrong with the key', () => {
    const keyError = (key: string, reason: string) =>
      expectPropsError({ labels: { [key]: 'x' } }, `${SA}: label key ${JSON.stringify(key)} ${reason}, expected ${QUALIFIED_NAME_RULE}`);
    keyError('bad key', 'has a name part "bad key" with characters that are not allowed there');
    keyError('-dash', 'has a name part "-dash" with characters that are not allowed there');
    keyError('example.com/trailing.', 'has a name part "trailing." with characters that are not allowed there');
    keyError('k'.repeat(64), 'has a name part of 64 characters');
    keyError('Example.COM/name', 'has prefix "Example.COM", which is not a DNS-1123 subdomain ' +
      "(at most 253 characters: lowercase letters, digits, '-' and '.')");
    keyError('p'.repeat(254) + '/name', `has prefix "${'p'.repeat(254)}", which is not a DNS-1123 subdomain ` +
      "(at most 253 characters: lowercase letters, digits, '-' and '.')");
    keyError('/name', "has an empty prefix before '/'");
    keyError('example.com/', 'has an empty name part');
    keyError('a/b/c', "has 2 '/' characters, at most 1 is allowed");
    keyError('', 'has an empty name part');
  });

  test('qualified names at the limits are accepted', () => {
    const key = 'p'.repeat(253) + '/' + 'n'.repeat(63);
    const { chart } = make({ labels: { [key]: 'v'.repeat(63) }, annotations: { [key]: 'anything at all: /?&' } });
    const [obj] = synth(chart);
    expect(obj.metadata.labels).toEqual({ [key]: 'v'.repeat(63) });
    expect(obj.metadata.annotations).toEqual({ [key]: 'anything at all: /?&' });
  });

  test('label values must be valid label values', () => {
    expectPropsError({ labels: { team: 'has space' } },
      `${SA}: value of label "team" "has space" is not a Kubernetes label value, expected ${LABEL_VALUE_RULE}`);
    expectPropsError({ labels: { team: 'trailing-' } },
      `${SA}: value of label "team" "trailing-" is not a Kubernetes label value, expected ${LABEL_VALUE_RULE}`);
    const long = 'x'.repeat(64);
    expectPropsError({ labels: { team: long } },
      `${SA}: value of label "team" "${long}" is not a Kubernetes label value (it has 64 characters), expected ${LABEL_VALUE_RULE}`);
  });

  test('addLabel and addAnnotation validate too', () => {
    const { chart, sa } = make();
    expectError(() => sa.addLabel('ok', 'bad value'),
      `${SA}: value of label "ok" "bad value" is not a Kubernetes label value, expected ${LABEL_VALUE_RULE}`);
    expectError(() => sa.addLabel('bad key', 'ok'),
      `${SA}: label key "bad key" has a name part "bad key" with characters that are not allowed there, expected ${QUALIFIED_NAME_RULE}`);
    expectError(() => sa.addAnnotation('bad/key/x', 'v'),
      `${SA}: annotation key "bad/key/x" has 2 '/' characters, at most 1 is allowed, expected ${QUALIFIED_NAME_RULE}`);
    // Nothing was added.
    expect(synth(chart)[0].metadata).toEqual({ name: 'metrics-server', namespace: 'kube-system' });
  });

  test('annotation keys must be qualified names, also with the eks.amazonaws.com prefix', () => {
    expectPropsError({ annotations: { 'example.com/bad key': 'x' } },
      `${SA}: annotation key "example.com/bad key" has a name part "bad key" with characters that are not allowed there, ` +
      `expected ${QUALIFIED_NAME_RULE}`);
    // The key is checked before the eks.amazonaws.com rule (see service-account-irsa.test.ts).
    expectPropsError({ annotations: { 'eks.amazonaws.com/role arn': 'x' } },
      `${SA}: annotation key "eks.amazonaws.com/role arn" has a name part "role arn" with characters that are not allowed there, ` +
      `expected ${QUALIFIED_NAME_RULE}`);
  });

  test('image pull secret names must be DNS-1123 subdomains', () => {
    expectPropsError({ imagePullSecrets: ['Reg_Cred'] },
      `${SA}: image pull secret name "Reg_Cred" is not a DNS-1123 subdomain, expected ${SUBDOMAIN_RULE}`);
    const { sa } = make();
    expectError(() => sa.addImagePullSecret(''), `${SA}: image pull secret name "" is not a DNS-1123 subdomain, expected ${SUBDOMAIN_RULE}`);
  });

  test('namespaceLabels need createNamespace', () => {
    const message = `${SA}: namespaceLabels ({"team":"a"}) are given for namespace "kube-system" without createNamespace, ` +
      'expected createNamespace: true with namespaceLabels; set createNamespace: true, or label the existing namespace elsewhere';
    expectPropsError({ namespaceLabels: { team: 'a' } }, message);
    expectPropsError({ namespaceLabels: { team: 'a' }, createNamespace: false }, message);
  });

  test('namespace labels are validated before anything is created, naming the ServiceAccount that gave them', () => {
    expectPropsError({ createNamespace: true, namespaceLabels: { 'a b': 'x' } },
      `${SA}: namespace label key "a b" has a name part "a b" with characters that are not allowed there, expected ${QUALIFIED_NAME_RULE}`);
    expectPropsError({ createNamespace: true, namespaceLabels: { ok: 'x y' } },
      `${SA}: value of namespace label "ok" "x y" is not a Kubernetes label value, expected ${LABEL_VALUE_RULE}`);
    // Neither the ServiceAccount nor a Namespace was added to the chart.
    const chart = Testing.chart();
    expect(() => new ServiceAccount(chart, 'SA', { name: 'a', namespace: 'kube-system', createNamespace: true, namespaceLabels: { ok: 'x y' } })).toThrow();
    expect(chart.node.children).toEqual([]);
  });
});

describe('JavaScript callers: values that are not strings', () => {
  const expectJsError = (props: Record<string, unknown>, message: string) => expectError(() => make(props as any), message);

  test('name and namespace', () => {
    expectJsError({ name: 42 }, `${SA}: name is 42 (number), expected a string`);
    expectJsError({ name: undefined }, `${SA}: name is undefined (undefined), expected a string`);
    expectJsError({ namespace: null }, `${SA}: namespace is null (null), expected a string`);
    expectJsError({ namespace: ['kube-system'] }, `${SA}: namespace is ["kube-system"] (object), expected a string`);
  });

  test('label and annotation values', () => {
    expectJsError({ labels: { team: 7 } }, `${SA}: value of label "team" is 7 (number), expected a string`);
    expectJsError({ labels: { enabled: true } }, `${SA}: value of label "enabled" is true (boolean), expected a string`);
    expectJsError({ annotations: { 'example.com/owner': null } }, `${SA}: value of annotation "example.com/owner" is null (null), expected a string`);
    expectJsError({ createNamespace: true, namespaceLabels: { team: 1 } }, `${SA}: value of namespace label "team" is 1 (number), expected a string`);
  });

  test('keys given to addLabel and addAnnotation, and image pull secret names', () => {
    const { sa } = make();
    expectError(() => sa.addLabel(1 as any, 'x'), `${SA}: label key is 1 (number), expected a string`);
    expectError(() => sa.addAnnotation(undefined as any, 'x'), `${SA}: annotation key is undefined (undefined), expected a string`);
    expectError(() => sa.addImagePullSecret({ name: 'regcred' } as any),
      `${SA}: image pull secret name is {"name":"regcred"} (object), expected a string`);
  });
});

describe('cdk8s-plus integration', () => {
  test('a Deployment renders serviceAccountName', () => {
    const { chart, sa } = make();
    new kplus.Deployment(chart, 'Deployment', {
      serviceAccount: sa,
      containers: [{ image: 'registry.k8s.io/metrics-server/metrics-server:v0.7.2', securityContext: { user: 1000 } }],
    });
    const objects = synth(chart);
    const deployment = objects.find(o => o.kind === 'Deployment');
    expect(deployment.spec.template.spec.serviceAccountName).toBe('metrics-server');
  });

  test('a RoleBinding takes it as a subject and a Role as a resource', () => {
    const { chart, sa } = make();
    const role = new kplus.Role(chart, 'Role', { metadata: { namespace: 'kube-system' } });
    role.allowRead(sa);
    const binding = new kplus.RoleBinding(chart, 'Binding', { role, metadata: { namespace: 'kube-system' } });
    binding.addSubjects(sa);
    const objects = synth(chart);
    const rb = objects.find(o => o.kind === 'RoleBinding');
    expect(rb.subjects).toEqual([{ kind: 'ServiceAccount', name: 'metrics-server', namespace: 'kube-system', apiGroup: '' }]);
    const r = objects.find(o => o.kind === 'Role');
    expect(r.rules).toEqual([expect.objectContaining({
      apiGroups: [''],
      resources: ['serviceaccounts'],
      resourceNames: ['metrics-server'],
    })]);
  });

  test('it is an API resource, not a non-resource URL', () => {
    const { sa } = make();
    expect(sa.asApiResource()).toBe(sa);
    expect(sa.asNonApiResource()).toBeUndefined();
    expect(sa.toSubjectConfiguration()).toEqual({ kind: 'ServiceAccount', name: 'metrics-server', namespace: 'kube-system', apiGroup: '' });
    expect(sa.apiVersion).toBe('v1');
    expect(sa.apiGroup).toBe('');
    expect(sa.kind).toBe('ServiceAccount');
    expect(sa.resourceType).toBe('serviceaccounts');
  });
});
