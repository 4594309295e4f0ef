import { Token } from 'aws-cdk-lib';
import type { ContainerResources } from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { PodIdentityAgentVariant, PodIdentityAgentVerbosity } from './enums';
import type { PodIdentityAgentProps } from './pod-identity-agent';
import type { IWorkloadCluster } from '../../cluster/workload-cluster';
import { fail, show, type Subject } from '../../private/errors';
import { AWS_REGION, assertImageReference } from '../../private/image-reference';
import { assertDns1123Label, assertEksClusterName, assertOptionalBoolean, assertString } from '../../private/names';

// Facts of the EKS Pod Identity Agent (aws/eks-pod-identity-agent at release 0.1.37, commit d4dc0f3f: version.txt,
// charts/eks-pod-identity-agent, cmd/, configuration/config.go; research notes upstream-2026-11.md, section 2).

/** The image of release 0.1.37 in public ECR (its release workflow pushes `:<version>`, without a `v`). */
export const DEFAULT_IMAGE = 'public.ecr.aws/eks/eks-pod-identity-agent:0.1.37';
/** The namespace of the EKS add-on's DaemonSet (and of the chart's README install). */
export const DEFAULT_NAMESPACE = 'kube-system';
/** The chart's fullnameOverride and nameOverride: the cloud DaemonSet's name, and the base of the others'. */
export const BASE_NAME = 'eks-pod-identity-agent';
/**
 * `app.kubernetes.io/instance`: in the chart, the Helm release name; here the release name of the chart's README
 * (`helm install eks-pod-identity-agent ...`), so that a DaemonSet installed that way has the same (immutable) selector.
 */
export const INSTANCE = 'eks-pod-identity-agent';
/** The IPv4 link-local address the agent serves (configuration/config.go DefaultIpv4TargetHost). */
export const IPV4_ADDRESS = '169.254.170.23';
/** The agent's ports: credentials (--port, the chart's 80), probes (--probe-port) and metrics (--metrics-port). */
export const PROXY_PORT = 80;
export const PROBE_PORT = 2703;
export const METRICS_PORT = 2705;

/** The chart's DaemonSets, in the order it renders them (Helm ranges over the `daemonsets` map in key order). */
const VARIANT_ORDER: readonly PodIdentityAgentVariant[] = [
  PodIdentityAgentVariant.CLOUD,
  PodIdentityAgentVariant.HYBRID,
  PodIdentityAgentVariant.HYBRID_BOTTLEROCKET,
];


/** The validated settings of a `k8s.PodIdentityAgent`, with every default applied. */
export interface AgentSettings {
  readonly namespace: string;
  readonly clusterName: string;
  readonly region: string;
  readonly image: string;
  readonly verbosity: PodIdentityAgentVerbosity;
  readonly ipv4Only: boolean;
  readonly metricsService: boolean;
  /** In the chart's order, each once. */
  readonly variants: PodIdentityAgentVariant[];
  /** Undefined when not given: the chart's `resources: {}`. */
  readonly resources?: k8s.ResourceRequirements;
}

/** The name of the DaemonSet of `variant`: the chart's fullname and `-<nameSuffix>`. */
export function daemonSetName(variant: PodIdentityAgentVariant): string {
  return variant === PodIdentityAgentVariant.CLOUD ? BASE_NAME : `${BASE_NAME}-${variant}`;
}

/** The labels that select the pods of `variant`'s DaemonSet (the chart's selectorLabels). */
export function selectorLabels(variant: PodIdentityAgentVariant): { [key: string]: string } {
  return { 'app.kubernetes.io/name': daemonSetName(variant), 'app.kubernetes.io/instance': INSTANCE };
}

/**
 * The labels of the objects of `variant` (the metrics Service: the cloud one's): the chart's common labels without the
 * ones only Helm means (`helm.sh/chart`, `app.kubernetes.io/managed-by: Helm`, and `app.kubernetes.io/version`, which
 * the chart fills with its stale appVersion 0.1.6 whatever image runs).
 */
export function objectLabels(variant: PodIdentityAgentVariant): { [key: string]: string } {
  return { ...selectorLabels(variant), app: BASE_NAME };
}

/** Checks the props of the agent `subject` (before anything is added to the tree) and applies the defaults. */
export function agentSettings(subject: Subject, props: PodIdentityAgentProps): AgentSettings {
  const cluster = props.cluster ?? undefined;
  if (cluster !== undefined) assertCluster(subject, cluster);

  const namespace = props.namespace ?? DEFAULT_NAMESPACE;
  assertDns1123Label(subject, 'namespace', namespace);

  const clusterName = agentClusterName(subject, props.clusterName ?? undefined, cluster);
  const region = agentRegion(subject, props.region ?? undefined, cluster);

  const image = props.image ?? DEFAULT_IMAGE;
  assertImage(subject, image);

  const verbosity = props.verbosity ?? PodIdentityAgentVerbosity.INFO;
  assertEnum(subject, 'verbosity', verbosity, PodIdentityAgentVerbosity, 'PodIdentityAgentVerbosity');

  assertOptionalBoolean(subject, 'ipv4Only', props.ipv4Only);
  assertOptionalBoolean(subject, 'metricsService', props.metricsService);

  return {
    namespace,
    clusterName,
    region,
    image,
    verbosity,
    ipv4Only: props.ipv4Only ?? false,
    metricsService: props.metricsService ?? false,
    variants: agentVariants(subject, props.variants ?? undefined),
    resources: props.resources ? resourceRequirements(props.resources) : undefined,
  };
}

/** JavaScript callers can pass anything as `cluster`. */
function assertCluster(subject: Subject, cluster: unknown): asserts cluster is IWorkloadCluster {
  const c = cluster as Partial<IWorkloadCluster> | null;
  if (c === null || typeof c !== 'object' || c.node === undefined || c.podIdentityAgent === undefined) {
    fail(subject, `cluster is ${show(cluster)}`, 'an IWorkloadCluster, such as EksCluster.fromClusterAttributes(...)');
  }
}

function agentClusterName(subject: Subject, given: string | undefined, cluster: IWorkloadCluster | undefined): string {
  if (given === undefined && cluster === undefined) {
    fail(subject, 'neither clusterName nor cluster is set', 'the name of the EKS cluster the agent runs on (its --cluster-name)',
      'set clusterName, or cluster to the IWorkloadCluster');
  }
  if (given !== undefined) {
    assertEksClusterName(subject, given);
    const own = cluster?.clusterName;
    if (own !== undefined && !Token.isUnresolved(own) && !Token.isUnresolved(given) && own !== given) {
      fail(subject, `clusterName ${show(given)} is not the name of cluster ${cluster!.node.path} (${show(own)})`,
        'the name of the cluster the agent runs on', 'leave clusterName out to use the cluster\'s');
    }
    return given;
  }
  const name = cluster!.clusterName;
  assertEksClusterName(subject, name);
  return name;
}

function agentRegion(subject: Subject, given: string | undefined, cluster: IWorkloadCluster | undefined): string {
  const own = cluster?.env.region;
  const literal = own !== undefined && !Token.isUnresolved(own) ? own : undefined;
  if (given === undefined) {
    if (literal !== undefined) {
      assertRegion(subject, `the region of cluster ${cluster!.node.path}`, literal);
      return literal;
    }
    fail(subject, cluster === undefined
      ? 'region is not set'
      : `region is not set, and the region of cluster ${cluster.node.path} is known only at deploy time`,
    'the AWS region of the EKS cluster, such as us-east-1 (the agent\'s AWS_REGION: it calls EKS Auth there)',
    cluster === undefined ? 'set region, or cluster to a cluster in a stack with a literal region' : 'set region');
  }
  assertRegion(subject, 'region', given);
  if (literal !== undefined && !Token.isUnresolved(given) && given !== literal) {
    fail(subject, `region ${show(given)} is not the region of cluster ${cluster!.node.path} (${show(literal)})`,
      'the cluster\'s region: the agent calls EKS Auth there for this cluster', 'leave region out to use the cluster\'s');
  }
  return given;
}

function assertRegion(subject: Subject, what: string, region: string): void {
  assertString(subject, what, region);
  if (Token.isUnresolved(region)) return;
  if (!AWS_REGION.test(region)) {
    fail(subject, `${what} ${show(region)} is not an AWS region name`, 'a region name such as us-east-1 or eu-central-2');
  }
}

function assertImage(subject: Subject, image: string): void {
  assertImageReference(subject, image, DEFAULT_IMAGE);
}

function enumValues(enumeration: Record<string, string>, enumName: string): string {
  return Object.entries(enumeration).map(([k, v]) => `${enumName}.${k} (${show(v)})`).join(', ');
}

function assertEnum(subject: Subject, what: string, value: unknown, enumeration: Record<string, string>, enumName: string): void {
  if (!Object.values(enumeration).some(v => v === value)) {
    fail(subject, `${what} is ${show(value)}`, `one of ${enumValues(enumeration, enumName)}`);
  }
}

/** The variants given (JavaScript callers can pass anything), each once, in the chart's order. */
function agentVariants(subject: Subject, given: unknown): PodIdentityAgentVariant[] {
  if (given === undefined) return [PodIdentityAgentVariant.CLOUD];
  const known = enumValues(PodIdentityAgentVariant, 'PodIdentityAgentVariant');
  if (!Array.isArray(given)) fail(subject, `variants is ${show(given)}`, `a list of PodIdentityAgentVariant values: ${known}`);
  if (given.length === 0) fail(subject, 'variants is empty', `at least one of ${known}`, 'leave variants out for the cloud DaemonSet only');
  const seen = new Set<unknown>();
  given.forEach((variant, i) => {
    assertEnum(subject, `variants[${i}]`, variant, PodIdentityAgentVariant, 'PodIdentityAgentVariant');
    if (seen.has(variant)) {
      fail(subject, `variants lists ${show(variant)} twice (at ${given.indexOf(variant)} and ${i})`, 'each variant at most once');
    }
    seen.add(variant);
  });
  return VARIANT_ORDER.filter(v => seen.has(v));
}

/** The container's resources: each of cpu, memory and ephemeral storage given, request and limit. */
function resourceRequirements(resources: ContainerResources): k8s.ResourceRequirements {
  const requests: { [key: string]: k8s.Quantity } = {};
  const limits: { [key: string]: k8s.Quantity } = {};
  const set = (map: { [key: string]: k8s.Quantity }, key: string, value: string | undefined) => {
    if (value !== undefined) map[key] = k8s.Quantity.fromString(value);
  };
  set(requests, 'cpu', resources.cpu?.request?.amount);
  set(limits, 'cpu', resources.cpu?.limit?.amount);
  set(requests, 'memory', mebibytes(resources.memory?.request));
  set(limits, 'memory', mebibytes(resources.memory?.limit));
  set(requests, 'ephemeral-storage', mebibytes(resources.ephemeralStorage?.request));
  set(limits, 'ephemeral-storage', mebibytes(resources.ephemeralStorage?.limit));
  return {
    limits: Object.keys(limits).length > 0 ? limits : undefined,
    requests: Object.keys(requests).length > 0 ? requests : undefined,
  };
}

function mebibytes(size: { toMebibytes(): number } | undefined): string | undefined {
  return size === undefined ? undefined : `${size.toMebibytes()}Mi`;
}
