import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Lazy as CdkLazy } from 'aws-cdk-lib';
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Namespace, ServiceAccount, type ServiceAccountOptions } from '../../src/k8s';
import { expectError } from '../util/errors';
import { parseYamlDocuments, synthChartObjects, validateKubernetesObjects } from '../util/kubernetes';

/** A ServiceAccount `name` in `namespace` that asks for the namespace's Namespace object. */
function serviceAccount(chart: Construct, id: string, namespace: string, name: string, options: ServiceAccountOptions = {}): ServiceAccount {
  return new ServiceAccount(chart, id, { name, namespace, createNamespace: true, ...options });
}

/** A cdk8s app writing to a new temporary folder. */
const newApp = () => new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'namespace-test-')) });

const DNS_LABEL_RULE = "1 to 63 characters: lowercase letters, digits and '-', starting and ending with a letter or digit";
const QUALIFIED_NAME_RULE = "a Kubernetes qualified name: an optional DNS-1123 subdomain prefix and '/', then a name of 1 to 63 characters: " +
  "letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
const LABEL_VALUE_RULE = "empty, or 1 to 63 characters: letters, digits, '-', '_' and '.', starting and ending with a letter or digit";

describe('one Namespace object per namespace per chart', () => {
  test('two ServiceAccounts with createNamespace for one namespace share one Namespace object, listed before both', () => {
    const app = newApp();
    const chart = new Chart(app, 'workloads');
    const api = serviceAccount(chart, 'Api', 'shop', 'api');
    const worker = serviceAccount(chart, 'Worker', 'shop', 'worker');

    expect(synthChartObjects(chart)).toEqual([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'api', namespace: 'shop' } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'worker', namespace: 'shop' } },
    ]);
    // The YAML file the app writes: one Namespace, first.
    const documents = parseYamlDocuments(app.synthYaml());
    validateKubernetesObjects(documents);
    expect(documents.map(d => `${d.kind} ${d.metadata.name}`)).toEqual(['Namespace shop', 'ServiceAccount api', 'ServiceAccount worker']);

    // One construct, child Namespace-<name> of the chart, shared by both.
    expect(api.namespaceConstruct).toBeInstanceOf(Namespace);
    expect(worker.namespaceConstruct).toBe(api.namespaceConstruct);
    expect(worker.namespaceObject).toBe(api.namespaceObject);
    expect(api.namespaceConstruct!.node.path).toBe('workloads/Namespace-shop');
    expect(chart.node.children.map(c => c.node.id)).toEqual(['Api', 'Namespace-shop', 'Worker']);
    expect(chart.node.findAll().filter(c => ApiObject.isApiObject(c) && c.kind === 'Namespace')).toEqual([api.namespaceObject]);
    // Each ServiceAccount depends on the Namespace, which is why the Namespace comes first.
    expect(api.apiObject.node.dependencies).toEqual([api.namespaceObject]);
    expect(worker.apiObject.node.dependencies).toEqual([api.namespaceObject]);
  });

  test('namespaceLabels of ServiceAccounts that share a Namespace are merged; the same value twice is fine', () => {
    const chart = Testing.chart();
    serviceAccount(chart, 'Api', 'shop', 'api', { namespaceLabels: { 'team': 'shop', 'pod-security.kubernetes.io/enforce': 'restricted' } });
    serviceAccount(chart, 'Worker', 'shop', 'worker', { namespaceLabels: { team: 'shop', env: 'prod' } });
    serviceAccount(chart, 'Cron', 'shop', 'cron'); // no labels: changes nothing
    const namespaces = synthChartObjects(chart).filter(o => o.kind === 'Namespace');
    expect(namespaces).toEqual([{
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'shop', labels: { 'env': 'prod', 'pod-security.kubernetes.io/enforce': 'restricted', 'team': 'shop' } },
    }]);
  });

  test('one namespace label with two values is an error naming the Namespace, the label and both values', () => {
    const chart = Testing.chart();
    const api = serviceAccount(chart, 'Api', 'shop', 'api', { namespaceLabels: { team: 'shop' } });
    const message = 'Namespace test/Namespace-shop: label "team" of namespace shop is set to "shop" and to "billing", ' +
      'expected one value per label; use the same value wherever the namespace is labelled';
    expectError(() => serviceAccount(chart, 'Worker', 'shop', 'worker', { namespaceLabels: { team: 'billing' } }), message);
    expectError(() => api.namespaceConstruct!.addLabel('team', 'billing'), message);
    // The first value stays.
    expect(api.namespaceObject!.toJson().metadata.labels).toEqual({ team: 'shop' });
  });

  test('two namespaces give two Namespace objects, each before its ServiceAccount', () => {
    const chart = Testing.chart();
    const api = serviceAccount(chart, 'Api', 'shop', 'api', { namespaceLabels: { team: 'shop' } });
    const worker = serviceAccount(chart, 'Worker', 'batch', 'worker', { namespaceLabels: { team: 'batch' } });
    const objects = synthChartObjects(chart);
    expect(objects.filter(o => o.kind === 'Namespace')).toEqual([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { team: 'shop' } } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'batch', labels: { team: 'batch' } } },
    ]);
    expect(objects.filter(o => o.kind === 'ServiceAccount').map(o => o.metadata)).toEqual([
      { name: 'api', namespace: 'shop' },
      { name: 'worker', namespace: 'batch' },
    ]);
    const index = (kind: string, name: string) => objects.findIndex(o => o.kind === kind && o.metadata.name === name);
    expect(index('Namespace', 'shop')).toBeLessThan(index('ServiceAccount', 'api'));
    expect(index('Namespace', 'batch')).toBeLessThan(index('ServiceAccount', 'worker'));
    expect(api.namespaceConstruct).not.toBe(worker.namespaceConstruct);
    expect(api.namespaceConstruct!.node.id).toBe('Namespace-shop');
    expect(worker.namespaceConstruct!.node.id).toBe('Namespace-batch');
    expect(worker.apiObject.node.dependencies).toEqual([worker.namespaceObject]);
  });

  test('the same namespace in two charts gives one Namespace object per chart, labelled independently', () => {
    const app = newApp();
    const a = new Chart(app, 'a');
    const b = new Chart(app, 'b');
    const inA = serviceAccount(a, 'Api', 'shop', 'api', { namespaceLabels: { team: 'a' } });
    serviceAccount(a, 'Worker', 'shop', 'worker');
    const inB = serviceAccount(b, 'Api', 'shop', 'api', { namespaceLabels: { team: 'b' } });

    expect(inA.namespaceConstruct).not.toBe(inB.namespaceConstruct);
    expect(inA.namespaceConstruct!.node.path).toBe('a/Namespace-shop');
    expect(inB.namespaceConstruct!.node.path).toBe('b/Namespace-shop');
    expect(synthChartObjects(a)).toEqual([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { team: 'a' } } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'api', namespace: 'shop' } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'worker', namespace: 'shop' } },
    ]);
    expect(synthChartObjects(b)).toEqual([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { team: 'b' } } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'api', namespace: 'shop' } },
    ]);
    expect(Namespace.forChart(a, 'shop')).toBe(inA.namespaceConstruct);
    expect(Namespace.forChart(b, 'shop')).toBe(inB.namespaceConstruct);
  });

  test('a Namespace created with new Namespace() is reused by ServiceAccounts with createNamespace', () => {
    const chart = Testing.chart();
    const shop = new Namespace(chart, 'Shop', { name: 'shop', labels: { team: 'shop' } });
    const api = serviceAccount(chart, 'Api', 'shop', 'api', { namespaceLabels: { env: 'prod' } });

    expect(api.namespaceConstruct).toBe(shop);
    expect(api.namespaceObject).toBe(shop.apiObject);
    expect(chart.node.children.map(c => c.node.id)).toEqual(['Shop', 'Api']);
    expect(synthChartObjects(chart)).toEqual([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { env: 'prod', team: 'shop' } } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'api', namespace: 'shop' } },
    ]);
    // Its own labels bind the ServiceAccounts too; the message names it by its own path.
    expectError(() => serviceAccount(chart, 'Worker', 'shop', 'worker', { namespaceLabels: { team: 'other' } }),
      'Namespace test/Shop: label "team" of namespace shop is set to "shop" and to "other", ' +
      'expected one value per label; use the same value wherever the namespace is labelled');
  });

  test('Namespace.forChart returns the chart\'s Namespace, from any construct in the chart, and creates it once', () => {
    const chart = Testing.chart();
    const group = new Construct(chart, 'Group');
    const created = Namespace.forChart(group, 'shop');
    expect(created.node.path).toBe('test/Namespace-shop');
    expect(created.name).toBe('shop');
    expect(Namespace.forChart(chart, 'shop')).toBe(created);
    expect(Namespace.forChart(created.apiObject, 'shop')).toBe(created);
    const nested = serviceAccount(group, 'Api', 'shop', 'api');
    expect(nested.namespaceConstruct).toBe(created);
    expect(chart.node.children.map(c => c.node.id)).toEqual(['Group', 'Namespace-shop']);
    expect(synthChartObjects(chart).map(o => o.kind)).toEqual(['Namespace', 'ServiceAccount']);
  });

  test('a second new Namespace for one namespace in a chart is an error naming the first, and is not added', () => {
    const chart = Testing.chart();
    const group = new Construct(chart, 'Group');
    new Namespace(chart, 'First', { name: 'shop' });
    expectError(() => new Namespace(chart, 'Again', { name: 'shop' }),
      'Namespace test/Again: namespace "shop" already has a Namespace object in chart test at test/First, ' +
      'expected one Namespace object per namespace in a chart; use Namespace.forChart(chart, name) to share it');
    expectError(() => new Namespace(group, 'Again', { name: 'shop' }),
      'Namespace test/Group/Again: namespace "shop" already has a Namespace object in chart test at test/First, ' +
      'expected one Namespace object per namespace in a chart; use Namespace.forChart(chart, name) to share it');
    expect(chart.node.children.map(c => c.node.id)).toEqual(['Group', 'First']);
    expect(group.node.children).toEqual([]);
  });

  test('new Namespace after a ServiceAccount created the chart\'s Namespace is an error naming that one', () => {
    const chart = Testing.chart();
    serviceAccount(chart, 'Api', 'shop', 'api');
    expectError(() => new Namespace(chart, 'Shop', { name: 'shop' }),
      'Namespace test/Shop: namespace "shop" already has a Namespace object in chart test at test/Namespace-shop, ' +
      'expected one Namespace object per namespace in a chart; use Namespace.forChart(chart, name) to share it');
    expect(synthChartObjects(chart).map(o => o.kind)).toEqual(['Namespace', 'ServiceAccount']);
  });
});

describe('order', () => {
  test('the Namespace comes before every object in it, including those defined before it or without createNamespace', () => {
    const chart = Testing.chart();
    new ServiceAccount(chart, 'Plain', { name: 'plain', namespace: 'shop' });
    new kplus.ConfigMap(chart, 'Settings', { metadata: { name: 'settings', namespace: 'shop' }, data: { a: 'b' } });
    new ServiceAccount(chart, 'Other', { name: 'other', namespace: 'elsewhere' });
    serviceAccount(chart, 'Api', 'shop', 'api');
    const objects = synthChartObjects(chart);
    const at = (kind: string, name: string) => objects.findIndex(o => o.kind === kind && o.metadata.name === name);
    expect(at('Namespace', 'shop')).toBeGreaterThanOrEqual(0);
    for (const [kind, name] of [['ServiceAccount', 'plain'], ['ConfigMap', 'settings'], ['ServiceAccount', 'api']]) {
      expect(at('Namespace', 'shop')).toBeLessThan(at(kind, name));
    }
    // An object in another namespace does not depend on it.
    const other = chart.node.findChild('Other') as ServiceAccount;
    expect(other.apiObject.node.dependencies).toEqual([]);
  });
});

describe('rendering', () => {
  test('a Namespace alone is a typed v1 Namespace object with construct id Resource', () => {
    const chart = Testing.chart();
    const ns = new Namespace(chart, 'Shop', { name: 'shop' });
    expect(ns.name).toBe('shop');
    expect(ns.apiObject.constructor).toBe(kplus.k8s.KubeNamespace);
    expect(ns.apiObject.node.id).toBe('Resource');
    expect(ns.node.defaultChild).toBe(ns.apiObject);
    expect(synthChartObjects(chart)).toEqual([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }]);
  });

  test('labels from props and addLabel are rendered, sorted; adding one again with the same value does nothing', () => {
    const chart = Testing.chart();
    const ns = new Namespace(chart, 'Shop', { name: 'shop', labels: { 'z-last': 'z', 'app.kubernetes.io/part-of': 'shop', 'empty': '' } });
    ns.addLabel('pod-security.kubernetes.io/enforce', 'restricted');
    ns.addLabel('z-last', 'z');
    const [obj] = synthChartObjects(chart);
    expect(obj.metadata.labels).toEqual({
      'app.kubernetes.io/part-of': 'shop', 'empty': '', 'pod-security.kubernetes.io/enforce': 'restricted', 'z-last': 'z',
    });
    expect(Object.keys(obj.metadata.labels)).toEqual(['app.kubernetes.io/part-of', 'empty', 'pod-security.kubernetes.io/enforce', 'z-last']);
  });

  test('every object of a chart with shared, separate and explicit Namespaces validates against the Kubernetes schemas', () => {
    const app = newApp();
    const chart = new Chart(app, 'workloads');
    new Namespace(chart, 'Monitoring', { name: 'monitoring', labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } });
    serviceAccount(chart, 'Api', 'shop', 'api', { namespaceLabels: { team: 'shop' }, labels: { app: 'api' } });
    serviceAccount(chart, 'Worker', 'shop', 'worker', { namespaceLabels: { team: 'shop' } });
    serviceAccount(chart, 'Agent', 'monitoring', 'agent', { namespaceLabels: { team: 'observability' } });
    new ServiceAccount(chart, 'Plain', { name: 'plain', namespace: 'default' });
    const objects = synthChartObjects(chart); // validates every object, and finds no unresolved token
    expect(objects.map(o => `${o.kind} ${o.metadata.namespace ?? '-'}/${o.metadata.name}`).sort()).toEqual([
      'Namespace -/monitoring',
      'Namespace -/shop',
      'ServiceAccount default/plain',
      'ServiceAccount monitoring/agent',
      'ServiceAccount shop/api',
      'ServiceAccount shop/worker',
    ]);
    const documents = parseYamlDocuments(app.synthYaml());
    validateKubernetesObjects(documents);
    expect(documents).toEqual(objects);
  });
});

describe('validation', () => {
  test('the name must be a DNS-1123 label, and an invalid one creates nothing', () => {
    const chart = Testing.chart();
    const nameError = (name: string, note = '') => expectError(() => new Namespace(chart, 'NS', { name }),
      `Namespace test/NS: name ${JSON.stringify(name)} is not a DNS-1123 label${note}, expected ${DNS_LABEL_RULE}`);
    nameError('Shop');
    nameError('shop.v1');
    nameError('-shop');
    nameError('shop_1');
    nameError('');
    nameError('n'.repeat(64), ' (it has 64 characters)');
    expect(chart.node.children).toEqual([]);
    // The limit itself is accepted.
    new Namespace(chart, 'Long', { name: 'n'.repeat(63) });
    expect(synthChartObjects(chart)[0].metadata.name).toBe('n'.repeat(63));
  });

  test('Namespace.forChart checks the name too, naming the Namespace it would create', () => {
    const chart = Testing.chart();
    expectError(() => Namespace.forChart(chart, 'Bad_Name'),
      `Namespace test/Namespace-Bad_Name: name "Bad_Name" is not a DNS-1123 label, expected ${DNS_LABEL_RULE}`);
    expect(chart.node.children).toEqual([]);
  });

  test('JavaScript callers: a name or label value that is not a string', () => {
    const chart = Testing.chart();
    expectError(() => new Namespace(chart, 'NS', { name: 7 as any }), 'Namespace test/NS: name is 7 (number), expected a string');
    expectError(() => new Namespace(chart, 'NS', { name: undefined as any }), 'Namespace test/NS: name is undefined (undefined), expected a string');
    const ns = new Namespace(chart, 'Shop', { name: 'shop' });
    expectError(() => ns.addLabel('team', null as any), 'Namespace test/Shop: value of label "team" is null (null), expected a string');
    expectError(() => ns.addLabel(1 as any, 'x'), 'Namespace test/Shop: label key is 1 (number), expected a string');
  });

  test('label keys must be qualified names, in props and in addLabel', () => {
    const chart = Testing.chart();
    const ns = new Namespace(chart, 'Shop', { name: 'shop' });
    const keyError = (key: string, reason: string) => {
      const message = `Namespace test/Shop: label key ${JSON.stringify(key)} ${reason}, expected ${QUALIFIED_NAME_RULE}`;
      expectError(() => ns.addLabel(key, 'x'), message);
      expectError(() => Namespace.forChart(Testing.chart(), 'shop').addLabel(key, 'x'), message.replace('test/Shop', 'test/Namespace-shop'));
    };
    keyError('bad key', 'has a name part "bad key" with characters that are not allowed there');
    keyError('Example.COM/team', 'has prefix "Example.COM", which is not a DNS-1123 subdomain ' +
      "(at most 253 characters: lowercase letters, digits, '-' and '.')");
    keyError('/team', "has an empty prefix before '/'");
    keyError('example.com/', 'has an empty name part');
    keyError('a/b/c', "has 2 '/' characters, at most 1 is allowed");
    keyError('k'.repeat(64), 'has a name part of 64 characters');
    expectError(() => new Namespace(Testing.chart(), 'NS', { name: 'shop', labels: { 'bad key': 'x' } }),
      `Namespace test/NS: label key "bad key" has a name part "bad key" with characters that are not allowed there, expected ${QUALIFIED_NAME_RULE}`);
    expect(ns.apiObject.toJson().metadata).toEqual({ name: 'shop' });
  });

  test('label values must be label values, in props and in addLabel', () => {
    const chart = Testing.chart();
    const ns = new Namespace(chart, 'Shop', { name: 'shop' });
    const valueError = (value: string, note = '') => expectError(() => ns.addLabel('team', value),
      `Namespace test/Shop: value of label "team" ${JSON.stringify(value)} is not a Kubernetes label value${note}, expected ${LABEL_VALUE_RULE}`);
    valueError('has space');
    valueError('trailing-');
    valueError('_leading');
    valueError('v'.repeat(64), ' (it has 64 characters)');
    expectError(() => new Namespace(Testing.chart(), 'NS', { name: 'shop', labels: { team: 'x y' } }),
      `Namespace test/NS: value of label "team" "x y" is not a Kubernetes label value, expected ${LABEL_VALUE_RULE}`);
    // ServiceAccounts' namespaceLabels get the same checks, before anything is created, naming the ServiceAccount.
    expectError(() => serviceAccount(Testing.chart(), 'Api', 'shop', 'api', { namespaceLabels: { team: 'x y' } }),
      `ServiceAccount test/Api: value of namespace label "team" "x y" is not a Kubernetes label value, expected ${LABEL_VALUE_RULE}`);
    expect(ns.apiObject.toJson().metadata).toEqual({ name: 'shop' });
  });
});

describe('token boundary', () => {
  test('YAML: a deploy-time name, label key or label value is an error; in a chart marked for CloudFormation it is kept', () => {
    const token = CdkLazy.string({ produce: () => 'x' });
    const chart = Testing.chart();
    new Namespace(chart, 'NS', { name: token, labels: { team: token, [token]: 'v' } });
    const message = (field: string) => `[test/NS] Namespace test/NS: ${field} is known only at deploy time (${token}), ` +
      'expected a literal value in a chart written as YAML; to keep the token, deploy the chart through CloudFormation: ' +
      'call ServiceAccount.allowDeployTimeValues(chart), then cluster.addCdk8sChart(id, chart)';
    expect(() => Testing.synth(chart)).toThrow(new Error([
      'Validation failed with the following errors:',
      `  ${message('name')}`,
      `  ${message('label team')}`,
      `  ${message(`the key of label ${token}`)}`,
    ].join('\n')));

    ServiceAccount.allowDeployTimeValues(chart);
    expect(chart.toJson()).toEqual([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: token, labels: { team: token, [token]: 'v' } } }]);
  });
});
