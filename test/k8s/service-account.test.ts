import { Lazy as CdkLazy } from 'aws-cdk-lib';
import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ServiceAccount, ServiceAccountProps } from '../../src/k8s';
import { synthChartObjects } from '../util/kubernetes';

/** Synthesizes the chart, validates every object against the Kubernetes schemas and checks for tokens. */
const synth = (chart: Chart): any[] => synthChartObjects(chart);

function make(props: Partial<ServiceAccountProps> = {}): { chart: Chart; sa: ServiceAccount } {
  const chart = Testing.chart();
  const sa = new ServiceAccount(chart, 'SA', { name: 'metrics-server', namespace: 'kube-system', ...props });
  return { chart, sa };
}

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
    expect(sa.namespaceObject).toBeUndefined();
    expect(sa.automountServiceAccountToken).toBeUndefined();
  });

  test('construct ids: the primary child is Resource', () => {
    const { sa } = make({ createNamespace: true });
    expect(sa.node.defaultChild).toBe(sa.apiObject);
    expect(sa.apiObject.node.id).toBe('Resource');
    expect(sa.namespaceObject!.node.id).toBe('Namespace');
  });

  test('all props', () => {
    const { chart } = make({
      labels: { 'z-last': 'b', 'app.kubernetes.io/name': 'metrics-server', 'a_first': '' },
      annotations: {
        'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/metrics',
        'eks.amazonaws.com/audience': 'sts.amazonaws.com',
      },
      automountServiceAccountToken: false,
      imagePullSecrets: ['regcred', 'ecr.pull'],
    });
    const [sa] = synth(chart);
    expect(sa.apiVersion).toBe('v1');
    expect(sa.kind).toBe('ServiceAccount');
    expect(sa.metadata.name).toBe('metrics-server');
    expect(sa.metadata.namespace).toBe('kube-system');
    expect(sa.metadata.labels).toEqual({ 'a_first': '', 'app.kubernetes.io/name': 'metrics-server', 'z-last': 'b' });
    expect(Object.keys(sa.metadata.labels)).toEqual(['a_first', 'app.kubernetes.io/name', 'z-last']);
    expect(sa.metadata.annotations).toEqual({
      'eks.amazonaws.com/audience': 'sts.amazonaws.com',
      'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/metrics',
    });
    expect(Object.keys(sa.metadata.annotations)).toEqual(['eks.amazonaws.com/audience', 'eks.amazonaws.com/role-arn']);
    expect(sa.automountServiceAccountToken).toBe(false);
    expect(sa.imagePullSecrets).toEqual([{ name: 'ecr.pull' }, { name: 'regcred' }]);
  });

  test('automountServiceAccountToken: true is rendered', () => {
    const { chart } = make({ automountServiceAccountToken: true });
    expect(synth(chart)[0].automountServiceAccountToken).toBe(true);
  });

  test('annotations, labels and image pull secrets added after construction are rendered', () => {
    const { chart, sa } = make({ annotations: { 'example.com/first': '1' } });
    sa.addAnnotation('eks.amazonaws.com/role-arn', 'arn:aws:iam::123456789012:role/metrics');
    sa.addLabel('team', 'platform');
    sa.addImagePullSecret('regcred');
    sa.addImagePullSecret('regcred'); // duplicate: no-op
    const [obj] = synth(chart);
    expect(obj.metadata.annotations).toEqual({
      'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/metrics',
      'example.com/first': '1',
    });
    expect(obj.metadata.labels).toEqual({ team: 'platform' });
    expect(obj.imagePullSecrets).toEqual([{ name: 'regcred' }]);
  });

  test('createNamespace emits a Namespace first, then the ServiceAccount', () => {
    const { chart } = make({ createNamespace: true, namespace: 'metrics', namespaceLabels: { 'pod-security.kubernetes.io/enforce': 'restricted' } });
    const objects = synth(chart);
    expect(objects).toHaveLength(2);
    expect(objects[0]).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'metrics', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
    });
    expect(objects[1].kind).toBe('ServiceAccount');
    expect(objects[1].metadata).toEqual({ name: 'metrics-server', namespace: 'metrics' });
  });

  test('createNamespace without labels emits a minimal Namespace', () => {
    const { chart } = make({ createNamespace: true });
    expect(synth(chart)[0]).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } });
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
    // Written as YAML, a token is an error (see service-account-irsa.test.ts for the messages) ...
    expect(() => Testing.synth(chart)).toThrow(`ServiceAccount ${token}/${token}: name is known only at deploy time`);
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
    const { chart, sa } = make({ annotations: { 'eks.amazonaws.com/audience': 'sts.amazonaws.com' } });
    sa.addAnnotation('eks.amazonaws.com/audience', 'sts.amazonaws.com');
    expect(synth(chart)[0].metadata.annotations).toEqual({ 'eks.amazonaws.com/audience': 'sts.amazonaws.com' });
  });

  test('the same annotation with another value is an error naming the key and both values', () => {
    const { sa } = make({ annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111111111111:role/a' } });
    expect(() => sa.addAnnotation('eks.amazonaws.com/role-arn', 'arn:aws:iam::222222222222:role/b')).toThrow(
      'ServiceAccount kube-system/metrics-server already has annotation "eks.amazonaws.com/role-arn" with value ' +
      '"arn:aws:iam::111111111111:role/a"; it cannot also be "arn:aws:iam::222222222222:role/b"',
    );
  });

  test('the same label with another value is an error', () => {
    const { sa } = make({ labels: { team: 'a' } });
    sa.addLabel('team', 'a');
    expect(() => sa.addLabel('team', 'b')).toThrow('already has label "team" with value "a"; it cannot also be "b"');
  });
});

describe('validation', () => {
  const expectError = (props: Partial<ServiceAccountProps>, message: string | RegExp) =>
    expect(() => make(props)).toThrow(message);

  test('name must be a DNS-1123 subdomain', () => {
    expectError({ name: 'Metrics_Server' }, 'Invalid service account name "Metrics_Server": expected a DNS-1123 subdomain');
    expectError({ name: '' }, 'Invalid service account name "": expected a DNS-1123 subdomain');
    expectError({ name: 'a'.repeat(254) }, 'it has 254 characters');
  });

  test('namespace must be a DNS-1123 label', () => {
    expectError({ namespace: 'kube.system' }, 'Invalid namespace "kube.system": expected a DNS-1123 label');
    expectError({ namespace: 'n'.repeat(64) }, 'it has 64 characters');
  });

  test('label keys must be qualified names', () => {
    expectError({ labels: { 'bad key': 'x' } },
      'Invalid label key "bad key": expected a Kubernetes qualified name');
    expectError({ labels: { 'bad key': 'x' } }, 'the name part "bad key" has characters that are not allowed there');
    expectError({ labels: { '-dash': 'x' } }, 'Invalid label key "-dash"');
    expectError({ labels: { ['k'.repeat(64)]: 'x' } }, 'the name part has 64 characters');
    expectError({ labels: { 'Example.COM/name': 'x' } },
      'Invalid label key "Example.COM/name": expected a Kubernetes qualified name (an optional DNS-1123 subdomain prefix');
    expectError({ labels: { 'Example.COM/name': 'x' } }, 'the prefix "Example.COM" is not a DNS-1123 subdomain');
    expectError({ labels: { ['p'.repeat(254) + '/name']: 'x' } }, 'is not a DNS-1123 subdomain');
    expectError({ labels: { '/name': 'x' } }, 'Invalid label key "/name"');
    expectError({ labels: { '/name': 'x' } }, "the prefix before '/' is empty");
    expectError({ labels: { 'example.com/': 'x' } }, 'the name part is empty');
    expectError({ labels: { 'a/b/c': 'x' } }, "it has 2 '/' characters, at most 1 is allowed");
    expectError({ labels: { '': 'x' } }, 'Invalid label key "": expected a Kubernetes qualified name');
  });

  test('qualified names at the limits are accepted', () => {
    const key = 'p'.repeat(253) + '/' + 'n'.repeat(63);
    const { chart } = make({ labels: { [key]: 'v'.repeat(63) }, annotations: { [key]: 'anything at all: /?&' } });
    expect(synth(chart)[0].metadata.labels[key]).toBe('v'.repeat(63));
  });

  test('label values must be valid label values', () => {
    expectError({ labels: { team: 'has space' } },
      'Invalid value of label "team" "has space": expected a Kubernetes label value (empty, or 1 to 63 characters');
    expectError({ labels: { team: 'x'.repeat(64) } }, 'it has 64 characters');
    expectError({ labels: { team: 'trailing-' } }, 'Invalid value of label "team" "trailing-"');
  });

  test('addLabel and addAnnotation validate too', () => {
    const { sa } = make();
    expect(() => sa.addLabel('ok', 'bad value')).toThrow('Invalid value of label "ok" "bad value"');
    expect(() => sa.addAnnotation('bad/key/x', 'v')).toThrow('Invalid annotation key "bad/key/x": expected a Kubernetes qualified name');
  });

  test('annotation keys must be qualified names', () => {
    expectError({ annotations: { 'eks.amazonaws.com/role arn': 'x' } },
      'Invalid annotation key "eks.amazonaws.com/role arn": expected a Kubernetes qualified name');
  });

  test('image pull secret names must be DNS-1123 subdomains', () => {
    expectError({ imagePullSecrets: ['Reg_Cred'] }, 'Invalid image pull secret name "Reg_Cred": expected a DNS-1123 subdomain');
    const { sa } = make();
    expect(() => sa.addImagePullSecret('')).toThrow('Invalid image pull secret name "": expected a DNS-1123 subdomain');
  });

  test('namespaceLabels need createNamespace', () => {
    expectError({ namespaceLabels: { team: 'a' } },
      'namespaceLabels ({"team":"a"}) were given for namespace "kube-system", but createNamespace is not true');
    expectError({ namespaceLabels: { team: 'a' }, createNamespace: false }, 'but createNamespace is not true');
  });

  test('namespace labels are validated', () => {
    expectError({ createNamespace: true, namespaceLabels: { 'a b': 'x' } }, 'Invalid namespace label key "a b"');
    expectError({ createNamespace: true, namespaceLabels: { ok: 'x y' } }, 'Invalid value of namespace label "ok" "x y"');
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
  });
});
