import { k8s } from 'cdk8s-plus-28';
import { PodIdentityAgentVariant } from './enums';
import {
  BASE_NAME, IPV4_ADDRESS, METRICS_PORT, PROBE_PORT, PROXY_PORT, daemonSetName, objectLabels, selectorLabels, type AgentSettings,
} from './settings';

// The DaemonSets of aws/eks-pod-identity-agent charts/eks-pod-identity-agent (templates/daemonset.yaml and values.yaml at
// release 0.1.37), typed. Their expected output is the chart's hack/testdata/expected_eks_pod_identity_agent_*.yaml.

/** The containers' names: the chart's `{{ .Chart.Name }}` and `{{ .Chart.Name }}-init`. */
export const CONTAINER_NAME = BASE_NAME;
export const INIT_CONTAINER_NAME = `${BASE_NAME}-init`;
/** The names of the container's ports; the probes use `probes-port`. */
export const PROXY_PORT_NAME = 'proxy';
export const PROBE_PORT_NAME = 'probes-port';
export const METRICS_PORT_NAME = 'metrics';

/** The image has no ENTRYPOINT: both commands are go-runner (a small supervisor) running the agent binary. */
export const INIT_COMMAND = ['/go-runner', '/eks-pod-identity-agent', 'initialize'];
export const SERVER_COMMAND = ['/go-runner', '/eks-pod-identity-agent', 'server'];

/** Where the hybrid variants mount the node's AWS credentials directory (read by the AWS SDK's shared credentials file). */
const CREDENTIALS_VOLUME = 'aws-credentials';
const CREDENTIALS_MOUNT_PATH = '/root/.aws';

/** In ISO partitions (regions with `-iso`), the chart trusts the host's CA bundle for calls to EKS Auth. */
const CA_BUNDLE_PATH = '/etc/pki/tls/certs/ca-bundle.crt';
const CA_BUNDLE_VOLUME = 'ca-bundle';

/** What one variant adds to the common DaemonSet (values.yaml `daemonsets.<variant>`). */
interface VariantSpec {
  /** The node affinity's match expressions (the cloud one is values.yaml's top-level `affinity`). */
  readonly nodeAffinity: k8s.NodeSelectorRequirement[];
  /** The host directory with the node's AWS credentials, which hybrid nodes' nodeadm keeps fresh. */
  readonly credentialsHostPath?: string;
  /** `additionalSecurityContext` of the server container. */
  readonly seLinuxType?: string;
}

const LINUX_ON_AMD64_OR_ARM64: k8s.NodeSelectorRequirement[] = [
  { key: 'kubernetes.io/os', operator: 'In', values: ['linux'] },
  { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64', 'arm64'] },
];
const HYBRID = { key: 'eks.amazonaws.com/compute-type', operator: 'In', values: ['hybrid'] };
const bottlerocket = (operator: 'Exists' | 'DoesNotExist'): k8s.NodeSelectorRequirement[] => [
  { key: 'os.bottlerocket.aws/variant', operator },
  { key: 'os.bottlerocket.aws/version', operator },
];

const VARIANTS: { readonly [variant in PodIdentityAgentVariant]: VariantSpec } = {
  // Not on Fargate (no DaemonSets), hybrid nodes (their own variants) or Auto Mode nodes (the agent is built in).
  [PodIdentityAgentVariant.CLOUD]: {
    nodeAffinity: [...LINUX_ON_AMD64_OR_ARM64,
      { key: 'eks.amazonaws.com/compute-type', operator: 'NotIn', values: ['fargate', 'hybrid', 'auto'] }],
  },
  [PodIdentityAgentVariant.HYBRID]: {
    nodeAffinity: [...LINUX_ON_AMD64_OR_ARM64, HYBRID, ...bottlerocket('DoesNotExist')],
    credentialsHostPath: '/eks-hybrid/.aws',
  },
  // Bottlerocket keeps the credentials under /var, and its SELinux policy lets only spc_t read them from a container.
  [PodIdentityAgentVariant.HYBRID_BOTTLEROCKET]: {
    nodeAffinity: [...LINUX_ON_AMD64_OR_ARM64, HYBRID, ...bottlerocket('Exists')],
    credentialsHostPath: '/var/eks-hybrid/.aws',
    seLinuxType: 'spc_t',
  },
};

/** The server's flags, in the chart's order: its fixed ones, `agent.additionalArgs` (sorted by flag), the variant's. */
export function serverArgs(settings: AgentSettings, variant: PodIdentityAgentVariant): string[] {
  return [
    '--port', `${PROXY_PORT}`,
    '--cluster-name', settings.clusterName,
    '--probe-port', `${PROBE_PORT}`,
    // The agent serves metrics on 0.0.0.0:2705 whether or not this flag is given; the chart gives it with its Service.
    ...(settings.metricsService ? ['--metrics-port', `${METRICS_PORT}`] : []),
    // Only IPv4: the default also binds [fd00:ec2::23]:80, and the agent exits when that fails (nodes without IPv6).
    ...(settings.ipv4Only ? ['-b', IPV4_ADDRESS] : []),
    '-v', settings.verbosity,
    // Hybrid nodes have no instance role: the agent re-reads the credentials file as nodeadm rotates it.
    ...(VARIANTS[variant].credentialsHostPath !== undefined ? ['--rotate-credentials', 'true'] : []),
  ];
}

/** The DaemonSet of `variant`. */
export function daemonSetProps(settings: AgentSettings, variant: PodIdentityAgentVariant): k8s.KubeDaemonSetProps {
  const spec = VARIANTS[variant];
  const isoPartition = settings.region.includes('-iso');
  const probe = (path: string, failureThreshold: number, initialDelaySeconds: number): k8s.Probe => ({
    failureThreshold,
    httpGet: { host: 'localhost', path, port: k8s.IntOrString.fromString(PROBE_PORT_NAME), scheme: 'HTTP' },
    initialDelaySeconds,
    timeoutSeconds: 10,
  });

  const volumeMounts: k8s.VolumeMount[] = [];
  const volumes: k8s.Volume[] = [];
  if (isoPartition) {
    volumeMounts.push({ name: CA_BUNDLE_VOLUME, mountPath: CA_BUNDLE_PATH, readOnly: true });
    volumes.push({ name: CA_BUNDLE_VOLUME, hostPath: { path: CA_BUNDLE_PATH, type: 'File' } });
  }
  if (spec.credentialsHostPath !== undefined) {
    volumeMounts.push({ mountPath: CREDENTIALS_MOUNT_PATH, name: CREDENTIALS_VOLUME, readOnly: true });
    volumes.push({ hostPath: { path: spec.credentialsHostPath, type: 'Directory' }, name: CREDENTIALS_VOLUME });
  }

  return {
    metadata: { name: daemonSetName(variant), namespace: settings.namespace, labels: objectLabels(variant) },
    spec: {
      updateStrategy: { rollingUpdate: { maxUnavailable: k8s.IntOrString.fromString('10%') }, type: 'RollingUpdate' },
      selector: { matchLabels: selectorLabels(variant) },
      template: {
        metadata: {
          labels: selectorLabels(variant),
          // The chart's podAnnotations. The agent serves /metrics on port 2705 of the node (host network) in any case.
          annotations: { 'prometheus.io/port': `${METRICS_PORT}`, 'prometheus.io/scrape': 'true' },
        },
        spec: {
          // The agent never calls the Kubernetes API: it reads the pod's token from each request.
          automountServiceAccountToken: false,
          priorityClassName: 'system-node-critical',
          // It serves 169.254.170.23 and fd00:ec2::23 on the node itself.
          hostNetwork: true,
          terminationGracePeriodSeconds: 30,
          // On every node, whatever its taints: pods there need credentials.
          tolerations: [{ operator: 'Exists' }],
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: spec.nodeAffinity }] },
            },
          },
          initContainers: [{
            name: INIT_CONTAINER_NAME,
            image: settings.image,
            imagePullPolicy: 'IfNotPresent',
            command: INIT_COMMAND,
            args: ['-v', settings.verbosity],
            // Creates the link pod-id-link0 in the node's network namespace, with 169.254.170.23/32 and fd00:ec2::23/128,
            // and routes to them; then exits.
            securityContext: { privileged: true },
          }],
          containers: [{
            name: CONTAINER_NAME,
            image: settings.image,
            imagePullPolicy: 'IfNotPresent',
            command: SERVER_COMMAND,
            args: serverArgs(settings, variant),
            ports: [
              { containerPort: PROXY_PORT, protocol: 'TCP', name: PROXY_PORT_NAME },
              { containerPort: PROBE_PORT, protocol: 'TCP', name: PROBE_PORT_NAME },
              ...(settings.metricsService ? [{ containerPort: METRICS_PORT, protocol: 'TCP', name: METRICS_PORT_NAME }] : []),
            ],
            env: [
              { name: 'AWS_REGION', value: settings.region },
              ...(isoPartition ? [{ name: 'AWS_CA_BUNDLE', value: CA_BUNDLE_PATH }] : []),
            ],
            volumeMounts: volumeMounts.length > 0 ? volumeMounts : undefined,
            securityContext: {
              // Port 80 on the link's addresses.
              capabilities: { add: ['CAP_NET_BIND_SERVICE'] },
              seLinuxOptions: spec.seLinuxType !== undefined ? { type: spec.seLinuxType } : undefined,
            },
            resources: settings.resources,
            livenessProbe: probe('/healthz', 3, 30),
            readinessProbe: probe('/readyz', 30, 1),
          }],
          volumes: volumes.length > 0 ? volumes : undefined,
        },
      },
    },
  };
}
