import { Token } from 'aws-cdk-lib';
import type { Duration } from 'cdk8s';
import type { ContainerResources } from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { TlsVersion, WebhookFailurePolicy } from './enums';
import type { PodIdentityWebhookProps } from './pod-identity-webhook';
import { fail, show, type Subject } from '../../private/errors';
import { AWS_REGION, assertImageReference } from '../../private/image-reference';
import { assertDns1123Label, assertDns1123Subdomain, assertOptionalBoolean, assertString } from '../../private/names';
import { DEFAULT_AUDIENCE } from '../../trust/irsa-statements';
import { MAX_TOKEN_EXPIRATION_SECONDS, MIN_TOKEN_EXPIRATION_SECONDS } from '../irsa-annotations';

// Defaults and facts of amazon-eks-pod-identity-webhook (research notes upstream-2026-11.md, sections 1.1-1.3:
// Dockerfile, main.go and deploy/ at tag v0.6.17).

/** The image of the newest release. Its Dockerfile has `ENTRYPOINT ["/go-runner"]` and `CMD ["/webhook"]`. */
export const DEFAULT_IMAGE = 'public.ecr.aws/eks/amazon-eks-pod-identity-webhook:v0.6.17';
/** The name upstream's manifests give the Service, Deployment, ServiceAccount and ClusterRole. */
export const DEFAULT_NAME = 'pod-identity-webhook';
/** The namespace of the webhook unless given: its own, see `PodIdentityWebhookProps.namespace`. */
export const DEFAULT_NAMESPACE = 'pod-identity-webhook';
/** The default of the webhook's --annotation-prefix. */
export const DEFAULT_ANNOTATION_PREFIX = 'eks.amazonaws.com';
/** An unprivileged port: the container runs as a non-root user without capabilities, so it cannot bind 443. */
export const DEFAULT_PORT = 8443;
/** The default of the webhook's --metrics-port (plain HTTP, path /metrics). */
export const DEFAULT_METRICS_PORT = 9999;
export const DEFAULT_REPLICAS = 2;
export const DEFAULT_TIMEOUT_SECONDS = 10;
export const DEFAULT_PRIORITY_CLASS_NAME = 'system-cluster-critical';
/** The API server's limits on a webhook's timeoutSeconds (admissionregistration.k8s.io/v1). */
const MIN_TIMEOUT_SECONDS = 1;
const MAX_TIMEOUT_SECONDS = 30;
const MIN_UNPRIVILEGED_PORT = 1024;
const MAX_PORT = 65535;

/**
 * The container's resources unless given. An idle webhook (a Go binary with an informer cache of ServiceAccounts stripped
 * to name, namespace and annotations) uses a few tens of MiB and almost no CPU; each admission is one TLS request and a
 * JSON patch. The limits leave room for bursts of pod creation: an OOM-killed or throttled webhook times out, and with
 * failurePolicy Ignore the pods it misses run without credentials, silently.
 */
export const DEFAULT_RESOURCES = {
  requests: { cpu: '50m', memory: '64Mi' },
  limits: { cpu: '500m', memory: '256Mi' },
} as const;

// An X.509 common name has at most 64 characters (RFC 5280, ub-common-name); cert-manager rejects longer ones.
const MAX_COMMON_NAME = 64;

// Service names are DNS-1035 labels (k8s.io/apimachinery/pkg/util/validation IsDNS1035Label).
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;


/** The validated settings of a `PodIdentityWebhook`, with every default applied, and the names of its objects. */
export interface WebhookSettings {
  readonly namespace: string;
  readonly name: string;
  readonly image: string;
  readonly replicas: number;
  readonly port: number;
  readonly metricsPort: number;
  readonly tokenAudience: string;
  readonly annotationPrefix: string;
  readonly awsDefaultRegion?: string;
  readonly stsRegionalEndpoint: boolean;
  readonly tokenExpirationSeconds: number;
  readonly tlsMinVersion: TlsVersion;
  readonly failurePolicy: WebhookFailurePolicy;
  readonly timeoutSeconds: number;
  readonly resources: k8s.ResourceRequirements;
  /** Undefined when the user gave '' (no priority class). */
  readonly priorityClassName?: string;
  readonly names: WebhookObjectNames;
  /** The labels every object of the webhook carries (the Namespace excepted). */
  readonly labels: { [key: string]: string };
  /** The labels that select the webhook's pods (Deployment, Service, PodDisruptionBudget, topology spread). */
  readonly selectorLabels: { [key: string]: string };
}

/** The names of the objects of one webhook, derived from its `name`. */
export interface WebhookObjectNames {
  /** Service, Deployment, ServiceAccount, ClusterRole, ClusterRoleBinding, PodDisruptionBudget, MutatingWebhookConfiguration. */
  readonly service: string;
  readonly serviceAccount: string;
  readonly deployment: string;
  readonly clusterRole: string;
  readonly clusterRoleBinding: string;
  readonly podDisruptionBudget: string;
  readonly webhookConfiguration: string;
  /** The selfSigned Issuer that signs only the CA certificate. */
  readonly selfSignedIssuer: string;
  /** The CA Certificate and its Secret. */
  readonly caCertificate: string;
  readonly caSecret: string;
  /** The CA Issuer that signs the serving certificate with the CA Secret. */
  readonly caIssuer: string;
  /** The serving Certificate (upstream's name) and its Secret (upstream's `<name>-cert`), mounted by the Deployment. */
  readonly servingCertificate: string;
  readonly servingSecret: string;
}

/** The names of the objects of webhook `name`. */
export function webhookObjectNames(name: string): WebhookObjectNames {
  return {
    service: name,
    serviceAccount: name,
    deployment: name,
    clusterRole: name,
    clusterRoleBinding: name,
    podDisruptionBudget: name,
    webhookConfiguration: name,
    selfSignedIssuer: `${name}-selfsigned`,
    caCertificate: `${name}-ca`,
    caSecret: `${name}-ca`,
    caIssuer: `${name}-ca`,
    servingCertificate: name,
    servingSecret: `${name}-cert`,
  };
}

/** The DNS names of the webhook's Service, which its serving certificate must carry; the first is its common name. */
export function serviceDnsNames(service: string, namespace: string): { commonName: string; dnsNames: string[] } {
  return {
    commonName: `${service}.${namespace}.svc`,
    dnsNames: [service, `${service}.${namespace}`, `${service}.${namespace}.svc`, `${service}.${namespace}.svc.cluster.local`],
  };
}

/** The settings `cluster` implies: its default audience, and its region when that is a literal. */
export interface ClusterDefaults {
  readonly tokenAudience?: string;
  readonly tokenAudienceSource?: string;
  readonly region?: string;
}

/** Checks the props of the webhook `subject` (before anything is added to the tree) and applies the defaults. */
export function webhookSettings(subject: Subject, props: PodIdentityWebhookProps): WebhookSettings {
  const namespace = props.namespace ?? DEFAULT_NAMESPACE;
  assertDns1123Label(subject, 'namespace', namespace);
  const name = props.name ?? DEFAULT_NAME;
  assertServiceName(subject, name);
  assertOptionalBoolean(subject, 'createNamespace', props.createNamespace);
  assertOptionalBoolean(subject, 'stsRegionalEndpoint', props.stsRegionalEndpoint);

  const names = webhookObjectNames(name);
  const { commonName } = serviceDnsNames(names.service, namespace);
  if (!Token.isUnresolved(commonName) && commonName.length > MAX_COMMON_NAME) {
    fail(subject, `the serving certificate's common name ${show(commonName)} (<name>.<namespace>.svc) has ${commonName.length} characters`,
      `at most ${MAX_COMMON_NAME} characters, the X.509 limit on a common name`, 'choose a shorter name or namespace');
  }

  const defaults = clusterDefaults(props);
  const tokenAudience = props.tokenAudience ?? defaults.tokenAudience ?? DEFAULT_AUDIENCE;
  assertAudience(subject, props.tokenAudience !== undefined ? 'tokenAudience' : defaults.tokenAudienceSource ?? 'tokenAudience', tokenAudience);

  const annotationPrefix = props.annotationPrefix ?? DEFAULT_ANNOTATION_PREFIX;
  assertDns1123Subdomain(subject, 'annotationPrefix', annotationPrefix);

  const awsDefaultRegion = props.awsDefaultRegion ?? defaults.region;
  if (props.awsDefaultRegion !== undefined) assertRegion(subject, props.awsDefaultRegion);

  const tokenExpirationSeconds = durationSeconds(subject, 'tokenExpiration', props.tokenExpiration, MAX_TOKEN_EXPIRATION_SECONDS,
    MIN_TOKEN_EXPIRATION_SECONDS, MAX_TOKEN_EXPIRATION_SECONDS,
    'the webhook raises shorter ones to 600 seconds; the API server caps longer ones at its --service-account-max-token-expiration');
  const timeoutSeconds = durationSeconds(subject, 'timeout', props.timeout, DEFAULT_TIMEOUT_SECONDS, MIN_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS,
    'the API server\'s limits on a webhook\'s timeoutSeconds');

  const tlsMinVersion = props.tlsMinVersion ?? TlsVersion.TLS_1_2;
  assertEnum(subject, 'tlsMinVersion', tlsMinVersion, TlsVersion, 'TlsVersion');
  const failurePolicy = props.failurePolicy ?? WebhookFailurePolicy.IGNORE;
  assertEnum(subject, 'failurePolicy', failurePolicy, WebhookFailurePolicy, 'WebhookFailurePolicy');

  const image = props.image ?? DEFAULT_IMAGE;
  assertImage(subject, image);

  const replicas = props.replicas ?? DEFAULT_REPLICAS;
  assertWholeNumber(subject, 'replicas', replicas, 1, undefined);

  const port = props.port ?? DEFAULT_PORT;
  const metricsPort = props.metricsPort ?? DEFAULT_METRICS_PORT;
  const portFix = 'an unprivileged port: the container runs as a non-root user without capabilities';
  assertWholeNumber(subject, 'port', port, MIN_UNPRIVILEGED_PORT, MAX_PORT, portFix);
  assertWholeNumber(subject, 'metricsPort', metricsPort, MIN_UNPRIVILEGED_PORT, MAX_PORT, portFix);
  if (port === metricsPort) {
    fail(subject, `port and metricsPort are both ${port}`, 'two different ports: the webhook listens on both',
      `leave metricsPort at ${DEFAULT_METRICS_PORT}, or choose another port`);
  }

  const priorityClassName = props.priorityClassName ?? DEFAULT_PRIORITY_CLASS_NAME;
  assertString(subject, 'priorityClassName', priorityClassName);
  if (priorityClassName !== '') assertDns1123Subdomain(subject, 'priorityClassName', priorityClassName);

  const selectorLabels = {
    'app.kubernetes.io/name': 'amazon-eks-pod-identity-webhook',
    'app.kubernetes.io/instance': name,
  };
  return {
    namespace,
    name,
    image,
    replicas,
    port,
    metricsPort,
    tokenAudience,
    annotationPrefix,
    awsDefaultRegion,
    stsRegionalEndpoint: props.stsRegionalEndpoint ?? false,
    tokenExpirationSeconds,
    tlsMinVersion,
    failurePolicy,
    timeoutSeconds,
    resources: resourceRequirements(props.resources),
    priorityClassName: priorityClassName === '' ? undefined : priorityClassName,
    names,
    selectorLabels,
    labels: { ...selectorLabels, 'app.kubernetes.io/component': 'webhook' },
  };
}

/** The audience and region defaults of `props.cluster`. The region is used only when it is a literal. */
function clusterDefaults(props: PodIdentityWebhookProps): ClusterDefaults {
  const cluster = props.cluster;
  if (cluster === undefined) return {};
  const region = cluster.env.region;
  return {
    tokenAudience: cluster.defaultAudience,
    tokenAudienceSource: cluster.defaultAudience !== undefined ? `the defaultAudience of cluster ${cluster.node.path}` : undefined,
    region: Token.isUnresolved(region) ? undefined : region,
  };
}

function assertServiceName(subject: Subject, name: string): void {
  assertString(subject, 'name', name);
  if (Token.isUnresolved(name)) return;
  if (name.length > 63 || !DNS1035_LABEL.test(name)) {
    fail(subject, `name ${show(name)} is not a DNS-1035 label${name.length > 63 ? ` (it has ${name.length} characters)` : ''}`,
      "1 to 63 characters: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit",
      'the name is also the name of the webhook\'s Service');
  }
}

function assertAudience(subject: Subject, what: string, audience: string): void {
  assertString(subject, what, audience);
  if (Token.isUnresolved(audience)) return;
  const expected = 'a non-empty audience without whitespace: the client id of the cluster\'s IAM OIDC provider';
  if (audience === '') fail(subject, `${what} is empty`, expected);
  if (/\s/.test(audience)) fail(subject, `${what} ${show(audience)} contains whitespace`, expected);
}

function assertRegion(subject: Subject, region: string): void {
  assertString(subject, 'awsDefaultRegion', region);
  if (Token.isUnresolved(region)) return;
  if (!AWS_REGION.test(region)) {
    fail(subject, `awsDefaultRegion ${show(region)} is not an AWS region name`, 'a region name such as us-east-1 or eu-central-2');
  }
}

function assertImage(subject: Subject, image: string): void {
  assertImageReference(subject, image, DEFAULT_IMAGE);
}

function assertEnum(subject: Subject, what: string, value: unknown, enumeration: Record<string, string>, enumName: string): void {
  const entries = Object.entries(enumeration);
  if (!entries.some(([, v]) => v === value)) {
    fail(subject, `${what} is ${show(value)}`, `one of ${entries.map(([k, v]) => `${enumName}.${k} (${show(v)})`).join(', ')}`);
  }
}

function assertWholeNumber(subject: Subject, what: string, value: unknown, min: number, max: number | undefined, why?: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || (max !== undefined && value > max)) {
    const range = max === undefined ? `a whole number of at least ${min}` : `a whole number from ${min} to ${max}`;
    fail(subject, `${what} is ${show(value)}`, why ? `${range} (${why})` : range);
  }
}

/** The whole number of seconds of the Duration prop `what`, or `defaultSeconds`; throws outside `min`..`max`. */
function durationSeconds(subject: Subject, what: string, value: Duration | undefined, defaultSeconds: number,
  min: number, max: number, why: string): number {
  if (value === undefined) return defaultSeconds;
  if (typeof (value as Partial<Duration>)?.toSeconds !== 'function') {
    fail(subject, `${what} is ${show(value)} (${value === null ? 'null' : typeof value})`, 'a cdk8s Duration, e.g. Duration.seconds(600)');
  }
  const seconds = value.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds < min || seconds > max) {
    fail(subject, `${what} is ${seconds} seconds`, `a whole number of seconds from ${min} to ${max} (${why})`);
  }
  return seconds;
}

/** The container's resources: `DEFAULT_RESOURCES`, with each of cpu, memory and ephemeral storage the user gave replacing its default. */
function resourceRequirements(resources: ContainerResources | undefined): k8s.ResourceRequirements {
  const requests: { [key: string]: k8s.Quantity } = {};
  const limits: { [key: string]: k8s.Quantity } = {};
  const set = (map: { [key: string]: k8s.Quantity }, key: string, value: string | undefined) => {
    if (value !== undefined) map[key] = k8s.Quantity.fromString(value);
  };
  const cpu = resources?.cpu
    ? { request: resources.cpu.request?.amount, limit: resources.cpu.limit?.amount }
    : { request: DEFAULT_RESOURCES.requests.cpu, limit: DEFAULT_RESOURCES.limits.cpu };
  const memory = resources?.memory
    ? { request: mebibytes(resources.memory.request), limit: mebibytes(resources.memory.limit) }
    : { request: DEFAULT_RESOURCES.requests.memory, limit: DEFAULT_RESOURCES.limits.memory };
  set(requests, 'cpu', cpu.request);
  set(limits, 'cpu', cpu.limit);
  set(requests, 'memory', memory.request);
  set(limits, 'memory', memory.limit);
  const storage = resources?.ephemeralStorage;
  set(requests, 'ephemeral-storage', storage?.request && `${storage.request.toMebibytes()}Mi`);
  set(limits, 'ephemeral-storage', storage?.limit && `${storage.limit.toMebibytes()}Mi`);
  return {
    limits: Object.keys(limits).length > 0 ? limits : undefined,
    requests: Object.keys(requests).length > 0 ? requests : undefined,
  };
}

function mebibytes(size: { toMebibytes(): number } | undefined): string | undefined {
  return size === undefined ? undefined : `${size.toMebibytes()}Mi`;
}
