/**
 * Fixtures for the PodIdentityWebhook tests: a chart with one webhook, its synthesized objects (validated against the
 * Kubernetes and cert-manager schemas, and free of CDK tokens), and lookups by kind.
 */
import { Resource, type Stack } from 'aws-cdk-lib';
import { Chart, Testing, type ChartProps } from 'cdk8s';
import type { Construct } from 'constructs';
import { k8s } from '../../../src';
import { PodIdentityAgent, type IWorkloadCluster } from '../../../src/cluster';
import { CERT_MANAGER_VALIDATORS, synthChartObjects, type KubernetesObject } from '../../util/kubernetes';

/** Every object of a chart, validated; `one(kind)` finds the only object of a kind, `named(kind, name)` one by name. */
export class Objects {
  public constructor(public readonly all: KubernetesObject[]) {}

  public ofKind(kind: string): KubernetesObject[] {
    return this.all.filter(o => o.kind === kind);
  }

  public one(kind: string): KubernetesObject {
    const found = this.ofKind(kind);
    if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
    return found[0];
  }

  public named(kind: string, name: string): KubernetesObject {
    const found = this.ofKind(kind).filter(o => o.metadata.name === name);
    if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
    return found[0];
  }

  /** The webhook's container. */
  public get container(): KubernetesObject {
    const containers = this.one('Deployment').spec.template.spec.containers;
    expect(containers).toHaveLength(1);
    return containers[0];
  }

  /** The webhook's flags. */
  public get args(): string[] {
    return this.container.args;
  }

  /** The value of flag `--name=value` (undefined when absent), checking it is given at most once. */
  public flag(name: string): string | undefined {
    const values = this.args.filter(a => a === name || a.startsWith(`${name}=`));
    expect(values.length).toBeLessThanOrEqual(1);
    return values[0] === undefined ? undefined : values[0].slice(name.length + 1);
  }
}

/** Synthesizes `chart`: every object is checked against the Kubernetes and cert-manager schemas and for CDK tokens. */
export function synthObjects(chart: Chart): Objects {
  return new Objects(synthChartObjects(chart, CERT_MANAGER_VALIDATORS));
}

/** A chart with one webhook (`chart/Webhook`) made with `props`. */
export function webhookChart(props: k8s.PodIdentityWebhookProps = {}, chartProps: ChartProps = {}):
{ chart: Chart; webhook: k8s.PodIdentityWebhook } {
  const chart = new Chart(Testing.app(), 'test', chartProps);
  const webhook = new k8s.PodIdentityWebhook(chart, 'Webhook', props);
  return { chart, webhook };
}

/** The objects of a chart with one webhook made with `props`. */
export function webhookObjects(props: k8s.PodIdentityWebhookProps = {}, chartProps: ChartProps = {}): Objects {
  return synthObjects(webhookChart(props, chartProps).chart);
}

/** A cluster that is not EKS, with a `defaultAudience`, in `stack` (whose region is the cluster's). */
export function testCluster(scope: Stack | Construct, id: string, defaultAudience?: string): IWorkloadCluster {
  class TestCluster extends Resource implements IWorkloadCluster {
    public readonly clusterName = 'lab';
    public readonly clusterArn = 'arn:aws:iam::111122223333:oidc-provider/oidc.example.com/lab';
    public readonly podIdentityAgent = PodIdentityAgent.unavailable('a test cluster that is not EKS');
    public readonly oidcIssuerUrl = 'https://oidc.example.com/lab';
    public readonly defaultAudience = defaultAudience;
  }
  return new TestCluster(scope, id);
}

/** Every string in `value` (keys and values), recursively. */
export function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...allStrings(v)]);
  return [];
}
