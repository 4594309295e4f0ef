import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct, type IConstruct } from 'constructs';
import { assertLabelValue, assertQualifiedName } from './metadata-names';
import { deployTimeValueErrors } from './token-boundary';
import { fail, show, subjectFor, subjectOf, type Subject } from '../private/errors';
import { assertDns1123Label } from '../private/names';

/**
 * Properties of a `Namespace`.
 */
export interface NamespaceProps {
  /**
   * The name of the namespace (a DNS-1123 label).
   */
  readonly name: string;

  /**
   * Labels of the namespace. Keys are Kubernetes qualified names; values are label values.
   *
   * @default - no labels
   */
  readonly labels?: { [key: string]: string };
}

// One Namespace object per name per chart, however many ServiceAccounts ask for it.
const registry = new WeakMap<IConstruct, Map<string, Namespace>>();

/**
 * A Kubernetes `v1` Namespace, at most one per name in a chart.
 *
 * `ServiceAccount`s with `createNamespace: true` share the chart's Namespace of their namespace through
 * `Namespace.forChart()`, and add their `namespaceLabels` to it.
 */
export class Namespace extends Construct {
  /**
   * The chart's Namespace object for `name`: the one already in the chart (created by a ServiceAccount or with
   * `new Namespace()`), or a new one as child `Namespace-<name>` of the chart.
   *
   * @param scope the chart, or any construct in it
   * @param name the name of the namespace
   */
  public static forChart(scope: IConstruct, name: string): Namespace {
    const chart = Chart.of(scope);
    return registry.get(chart)?.get(name) ?? new Namespace(chart, `Namespace-${name}`, { name });
  }

  /** The name of the namespace. */
  public readonly name: string;

  /** The cdk8s object that renders the Namespace (construct id `Resource`). */
  public readonly apiObject: ApiObject;

  private readonly labels = new Map<string, string>();
  private readonly subject: Subject;

  public constructor(scope: Construct, id: string, props: NamespaceProps) {
    const subject = subjectFor('Namespace', scope, id);
    assertDns1123Label(subject, 'name', props.name);
    const chart = Chart.of(scope);
    const existing = registry.get(chart)?.get(props.name);
    if (existing) {
      fail(subject, `namespace ${show(props.name)} already has a Namespace object in chart ${chart.node.path} at ${existing.node.path}`,
        'one Namespace object per namespace in a chart', 'use Namespace.forChart(chart, name) to share it');
    }
    for (const [key, value] of Object.entries(props.labels ?? {})) {
      assertQualifiedName(subject, 'label key', key);
      assertLabelValue(subject, `value of label ${show(key)}`, value);
    }
    super(scope, id);
    this.subject = subjectOf('Namespace', this);
    this.name = props.name;
    const inChart = registry.get(chart) ?? new Map<string, Namespace>();
    inChart.set(props.name, this);
    registry.set(chart, inChart);

    this.apiObject = new k8s.KubeNamespace(this, 'Resource', { metadata: { name: props.name } });
    // A Namespace is cluster-wide: a chart's default namespace (ChartProps.namespace) must not be written into it.
    if (chart.namespace !== undefined) this.apiObject.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    for (const [key, value] of Object.entries(props.labels ?? {})) this.addLabel(key, value);
    // The Namespace comes before every object of the chart that lives in it, whoever created them and in whatever
    // order: cdk8s orders a chart's objects by their dependencies after validating it, so they are added here.
    this.node.addValidation({
      validate: () => {
        for (const object of chart.node.findAll().filter(ApiObject.isApiObject)) {
          if (object !== this.apiObject && object.metadata.namespace === this.name) object.addDependency(this.apiObject);
        }
        return [];
      },
    });
    this.node.addValidation({
      validate: () => deployTimeValueErrors(this, [['name', this.name], ...[...this.labels].flatMap(([k, v]) =>
        [[`the key of label ${k}`, k], [`label ${k}`, v]] as Array<[string, string]>)],
      (field, value) => `${this.subject.kind} ${this.subject.path}: ${field} is known only at deploy time (${value}), expected a literal ` +
        'value in a chart written as YAML; to keep the token, deploy the chart through CloudFormation: call ' +
        'ServiceAccount.allowDeployTimeValues(chart), then cluster.addCdk8sChart(id, chart)'),
    });
  }

  /**
   * Adds a label to the Namespace. Adding a key again with the same value does nothing; with another value it is an error.
   *
   * @param key a Kubernetes qualified name, e.g. `pod-security.kubernetes.io/enforce`
   * @param value a Kubernetes label value (at most 63 characters)
   */
  public addLabel(key: string, value: string): void {
    assertQualifiedName(this.subject, 'label key', key);
    assertLabelValue(this.subject, `value of label ${show(key)}`, value);
    const existing = this.labels.get(key);
    if (existing === undefined) {
      this.labels.set(key, value);
      this.apiObject.metadata.addLabel(key, value);
    } else if (existing !== value) {
      fail(this.subject, `label ${show(key)} of namespace ${this.name} is set to ${show(existing)} and to ${show(value)}`,
        'one value per label', 'use the same value wherever the namespace is labelled');
    }
  }
}
