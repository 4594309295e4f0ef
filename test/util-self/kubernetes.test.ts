import { Token } from 'aws-cdk-lib';
import { ApiObject, App, Chart, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  assertNoUnresolvedTokens,
  kubernetesModelFor,
  parseYamlDocuments,
  synthChartObjects,
  validateKubernetesObjects,
} from '../util';

const serviceAccount = (extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name: 'app', namespace: 'team-a' },
  ...extra,
});

const certificate = {
  apiVersion: 'cert-manager.io/v1',
  kind: 'Certificate',
  metadata: { name: 'serving', namespace: 'team-a' },
  spec: { secretName: 's' },
};

describe('validateKubernetesObjects', () => {
  test('valid objects of several groups pass', () => {
    expect(() => validateKubernetesObjects([
      serviceAccount({ automountServiceAccountToken: false }),
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'reader' },
        rules: [{ apiGroups: [''], resources: ['serviceaccounts'], verbs: ['get', 'watch', 'list'] }],
      },
      {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'MutatingWebhookConfiguration',
        metadata: { name: 'hook' },
        webhooks: [{
          name: 'hook.example.com',
          admissionReviewVersions: ['v1beta1'],
          sideEffects: 'None',
          clientConfig: { service: { name: 'svc', namespace: 'ns', path: '/mutate' } },
        }],
      },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'd', namespace: 'ns' },
        spec: { selector: { matchLabels: { a: 'b' } }, template: { spec: { containers: [{ name: 'c', image: 'i' }] } } },
      },
    ])).not.toThrow();
  });

  test('a type error fails and names the object', () => {
    expect(() => validateKubernetesObjects([serviceAccount(), serviceAccount({ automountServiceAccountToken: 'yes' })]))
      .toThrow(/1 invalid.*\n.*v1\/ServiceAccount team-a\/app: \/automountServiceAccountToken must be boolean/);
  });

  test('a nested type error in a Deployment fails', () => {
    expect(() => validateKubernetesObjects([{
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: { selector: {}, template: { spec: { containers: [{ name: 'c', ports: [{ containerPort: '80' }] }] } } },
    }])).toThrow(/apps\/v1\/Deployment \/d: .*containerPort must be integer/);
  });

  test('a kind without a schema fails unless a validator is passed', () => {
    expect(() => validateKubernetesObjects([certificate])).toThrow(/cert-manager.io\/v1\/Certificate team-a\/serving: no Kubernetes schema/);
    const seen: string[] = [];
    validateKubernetesObjects([certificate], { 'cert-manager.io/v1/Certificate': (o) => seen.push(o.metadata.name) });
    expect(seen).toEqual(['serving']);
    expect(() => validateKubernetesObjects([certificate], {
      'cert-manager.io/v1/Certificate': () => { throw new Error('spec.dnsNames missing'); },
    })).toThrow(/Certificate team-a\/serving: spec.dnsNames missing/);
  });

  test('an unknown kind in a known group, a non-resource model and a bad apiVersion fail', () => {
    expect(kubernetesModelFor('v1', 'PodSpec')).toBeUndefined();
    expect(kubernetesModelFor('v1', 'ServiceAccount')).toBeDefined();
    expect(() => validateKubernetesObjects([{ apiVersion: 'v1', kind: 'Nope', metadata: { name: 'x' } }])).toThrow(/no Kubernetes schema for v1\/Nope/);
    expect(() => validateKubernetesObjects([{ apiVersion: 'v1', kind: 'PodSpec', metadata: { name: 'x' } }])).toThrow(/no Kubernetes schema/);
    expect(() => validateKubernetesObjects([{ apiVersion: 'apps/v1', kind: 'ServiceAccount', metadata: { name: 'x' } }])).toThrow(/no Kubernetes schema/);
    expect(() => validateKubernetesObjects([{ apiVersion: '../v1', kind: 'ServiceAccount', metadata: { name: 'x' } }])).toThrow(/no Kubernetes schema/);
  });

  test('missing apiVersion, kind or metadata.name fail; all problems are listed', () => {
    expect(() => validateKubernetesObjects([
      { kind: 'ServiceAccount', metadata: { name: 'a' } },
      { apiVersion: 'v1', metadata: { name: 'b' } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: {} },
      null,
    ])).toThrow(/4 invalid[\s\S]*missing apiVersion[\s\S]*missing kind[\s\S]*missing metadata.name[\s\S]*not an object/);
  });
});

describe('assertNoUnresolvedTokens', () => {
  test('plain content passes', () => {
    expect(() => assertNoUnresolvedTokens({ a: 'arn:aws:iam::111122223333:role/x', n: 5 }, 'x')).not.toThrow();
    expect(() => assertNoUnresolvedTokens('${NotAToken} #{x}', 'x')).not.toThrow();
  });

  test('string, list and number tokens fail with what and a snippet', () => {
    const str = Token.asString({ resolve: () => 'v' });
    const list = Token.asList({ resolve: () => ['v'] });
    const num = Token.asNumber({ resolve: () => 1 });
    expect(() => assertNoUnresolvedTokens({ annotations: { 'eks.amazonaws.com/role-arn': str } }, 'my manifest'))
      .toThrow(/my manifest contains an unresolved CDK token: .*role-arn.*\$\{Token\[/);
    expect(() => assertNoUnresolvedTokens(list, 'list')).toThrow(/list contains an unresolved CDK token: .*#\{Token\[/);
    expect(() => assertNoUnresolvedTokens({ port: num }, 'number')).toThrow(/number contains an unresolved CDK token: .*e\+289/);
    expect(() => assertNoUnresolvedTokens(`port: ${num}`, 'yaml text')).toThrow(/yaml text/);
  });
});

describe('synthChartObjects', () => {
  test('returns validated objects of a chart', () => {
    const chart = new Chart(new App(), 'c', { namespace: 'team-a' });
    new kplus.ServiceAccount(chart, 'sa', { metadata: { name: 'app' }, automountToken: false });
    expect(synthChartObjects(chart)).toEqual([expect.objectContaining({ kind: 'ServiceAccount', metadata: expect.objectContaining({ name: 'app', namespace: 'team-a' }) })]);
  });

  test('fails on an invalid object and on an unresolved CDK token', () => {
    const bad = new Chart(new App(), 'bad');
    new ApiObject(bad, 'sa', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'x' }, automountServiceAccountToken: 'yes' });
    expect(() => synthChartObjects(bad)).toThrow(/v1\/ServiceAccount \/x/);

    const tokened = new Chart(new App(), 'tok');
    new kplus.ServiceAccount(tokened, 'sa', {
      metadata: { name: 'app', annotations: { 'eks.amazonaws.com/role-arn': Token.asString({ resolve: () => 'arn' }) } },
    });
    expect(() => synthChartObjects(tokened)).toThrow(/chart tok contains an unresolved CDK token/);
    // cdk8s's own lazy values are resolved by synthesis and are fine.
    const lazy = new Chart(new App(), 'lazy');
    new kplus.ServiceAccount(lazy, 'sa', { metadata: { name: 'app', labels: { l: Lazy.any({ produce: () => 'v' }) } } });
    expect(synthChartObjects(lazy)[0].metadata.labels).toEqual({ l: 'v' });
  });
});

describe('parseYamlDocuments', () => {
  test('parses documents and skips empty ones', () => {
    expect(parseYamlDocuments('---\na: 1\n---\n---\n# only a comment\n---\nb: [x]\n')).toEqual([{ a: 1 }, { b: ['x'] }]);
    expect(parseYamlDocuments('')).toEqual([]);
  });

  test('fails on invalid YAML', () => {
    expect(() => parseYamlDocuments('a: [1\n')).toThrow(/YAML parse error/);
  });
});
