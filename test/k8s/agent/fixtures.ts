/**
 * Fixtures for the k8s.PodIdentityAgent tests: the upstream chart's expected output re-typed as values, the deliberate
 * differences from it, and charts with one agent (synthesized objects validated against the Kubernetes schemas and
 * free of CDK tokens).
 */
import { Chart, Testing } from 'cdk8s';
import { k8s } from '../../../src';
import { synthChartObjects, type KubernetesObject } from '../../util/kubernetes';

/**
 * What `helm template` gave the chart in its expected files: aws/eks-pod-identity-agent at release 0.1.37 (d4dc0f3f),
 * hack/testdata/expected_eks_pod_identity_agent_{default,hybrid,hybrid_bottlerocket}_helm_template.yaml, rendered by
 * hack/scripts/helmverify.sh. The inputs that are the user's to give are parameters here: the files have release name
 * `release-name`, namespace `default`, `clusterName: EKS_CLUSTER_NAME` and `env.AWS_REGION: AWS_REGION_NAME`; the hybrid
 * files also set a 95-character nameOverride and fullnameOverride to test name truncation, which gives the same names
 * as the default overrides (`eks-pod-identity-agent`) with the suffix: `eks-pod-identity-agent-hybrid` and
 * `eks-pod-identity-agent-hybrid-bottlerocket` (templates/_helpers.tpl `addSuffixAndTrim`).
 */
export interface ChartInputs {
  readonly release: string;
  readonly namespace: string;
  readonly clusterName: string;
  readonly region: string;
}

export type ChartDaemonSet = 'cloud' | 'hybrid' | 'hybrid-bottlerocket';

/** The chart's image (values.yaml `image.containerRegistry`/eks/eks-pod-identity-agent:`image.tag`). */
export const CHART_IMAGE = '602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/eks-pod-identity-agent:v0.1.20';

/** One DaemonSet of the chart's expected output, re-typed field by field. */
export function chartDaemonSet(daemonSet: ChartDaemonSet, inputs: ChartInputs): KubernetesObject {
  const name = daemonSet === 'cloud' ? 'eks-pod-identity-agent' : `eks-pod-identity-agent-${daemonSet}`;
  const hybrid = daemonSet !== 'cloud';
  const bottlerocket = daemonSet === 'hybrid-bottlerocket';
  const linux = [
    { key: 'kubernetes.io/os', operator: 'In', values: ['linux'] },
    { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64', 'arm64'] },
  ];
  const matchExpressions = hybrid
    ? [...linux,
      { key: 'eks.amazonaws.com/compute-type', operator: 'In', values: ['hybrid'] },
      { key: 'os.bottlerocket.aws/variant', operator: bottlerocket ? 'Exists' : 'DoesNotExist' },
      { key: 'os.bottlerocket.aws/version', operator: bottlerocket ? 'Exists' : 'DoesNotExist' }]
    : [...linux, { key: 'eks.amazonaws.com/compute-type', operator: 'NotIn', values: ['fargate', 'hybrid', 'auto'] }];
  const container: KubernetesObject = {
    name: 'eks-pod-identity-agent',
    image: CHART_IMAGE,
    imagePullPolicy: 'Always',
    command: ['/go-runner', '/eks-pod-identity-agent', 'server'],
    args: ['--port', '80', '--cluster-name', inputs.clusterName, '--probe-port', '2703', '-v', 'trace',
      ...(hybrid ? ['--rotate-credentials', 'true'] : [])],
    ports: [
      { containerPort: 80, protocol: 'TCP', name: 'proxy' },
      { containerPort: 2703, protocol: 'TCP', name: 'probes-port' },
    ],
    env: [{ name: 'AWS_REGION', value: inputs.region }],
    ...(hybrid ? { volumeMounts: [{ mountPath: '/root/.aws', name: 'aws-credentials', readOnly: true }] } : {}),
    securityContext: {
      capabilities: { add: ['CAP_NET_BIND_SERVICE'] },
      ...(bottlerocket ? { seLinuxOptions: { type: 'spc_t' } } : {}),
    },
    resources: {},
    livenessProbe: {
      failureThreshold: 3,
      httpGet: { host: 'localhost', path: '/healthz', port: 'probes-port', scheme: 'HTTP' },
      initialDelaySeconds: 30,
      timeoutSeconds: 10,
    },
    readinessProbe: {
      failureThreshold: 30,
      httpGet: { host: 'localhost', path: '/readyz', port: 'probes-port', scheme: 'HTTP' },
      initialDelaySeconds: 1,
      timeoutSeconds: 10,
    },
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: {
      name,
      namespace: inputs.namespace,
      labels: {
        'helm.sh/chart': 'eks-pod-identity-agent-1.2.0',
        'app.kubernetes.io/name': name,
        'app.kubernetes.io/instance': inputs.release,
        'app.kubernetes.io/version': '0.1.6',
        'app.kubernetes.io/managed-by': 'Helm',
        'app': 'eks-pod-identity-agent',
      },
    },
    spec: {
      updateStrategy: { rollingUpdate: { maxUnavailable: '10%' }, type: 'RollingUpdate' },
      selector: { matchLabels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': inputs.release } },
      template: {
        metadata: {
          labels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': inputs.release },
          annotations: { 'prometheus.io/port': '2705', 'prometheus.io/scrape': 'true' },
        },
        spec: {
          automountServiceAccountToken: false,
          priorityClassName: 'system-node-critical',
          hostNetwork: true,
          terminationGracePeriodSeconds: 30,
          tolerations: [{ operator: 'Exists' }],
          affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions }] } } },
          initContainers: [{
            name: 'eks-pod-identity-agent-init',
            image: CHART_IMAGE,
            imagePullPolicy: 'Always',
            command: ['/go-runner', '/eks-pod-identity-agent', 'initialize'],
            args: ['-v', 'trace'],
            securityContext: { privileged: true },
          }],
          containers: [container],
          ...(hybrid
            ? {
              volumes: [{ hostPath: { path: bottlerocket ? '/var/eks-hybrid/.aws' : '/eks-hybrid/.aws', type: 'Directory' }, name: 'aws-credentials' }],
            }
            : {}),
        },
      },
    },
  };
}

/**
 * The differences from the chart's output that k8s.PodIdentityAgent makes on purpose, each with its reason. Applied to
 * a chart DaemonSet, they give exactly what the construct renders with the same inputs.
 */
export interface DeliberateDifference {
  readonly what: string;
  readonly why: string;
  readonly apply: (ds: KubernetesObject) => void;
}

export const DELIBERATE_DIFFERENCES: readonly DeliberateDifference[] = [
  {
    what: 'labels helm.sh/chart, app.kubernetes.io/version and app.kubernetes.io/managed-by are left out',
    why: 'Helm does not manage these objects; the chart\'s version label is its stale appVersion 0.1.6, whatever image runs',
    apply: ds => {
      delete ds.metadata.labels['helm.sh/chart'];
      delete ds.metadata.labels['app.kubernetes.io/version'];
      delete ds.metadata.labels['app.kubernetes.io/managed-by'];
    },
  },
  {
    what: 'log level info instead of trace (-v of both containers)',
    why: 'info is the agent\'s own default; trace logs every probe and cache lookup on every node',
    apply: ds => {
      for (const c of allContainers(ds)) c.args = c.args.map((a: string) => (a === 'trace' ? 'info' : a));
    },
  },
  {
    what: 'image public.ecr.aws/eks/eks-pod-identity-agent:0.1.37 instead of the chart\'s private EKS registry v0.1.20',
    why: 'the newest release, from a public registry that needs no ECR credentials for account 602401143452',
    apply: ds => {
      for (const c of allContainers(ds)) c.image = 'public.ecr.aws/eks/eks-pod-identity-agent:0.1.37';
    },
  },
  {
    what: 'imagePullPolicy IfNotPresent instead of Always',
    why: 'the tag is pinned; with Always the agent cannot restart while the registry is unreachable, leaving the node\'s pods without credentials',
    apply: ds => {
      for (const c of allContainers(ds)) c.imagePullPolicy = 'IfNotPresent';
    },
  },
  {
    what: 'no resources field instead of resources: {}',
    why: 'the same thing: no requests or limits unless resources is given',
    apply: ds => {
      for (const c of ds.spec.template.spec.containers) delete c.resources;
    },
  },
];

function allContainers(ds: KubernetesObject): KubernetesObject[] {
  return [...ds.spec.template.spec.initContainers, ...ds.spec.template.spec.containers];
}

/** The chart's DaemonSet with the deliberate differences applied: what k8s.PodIdentityAgent renders for the same inputs. */
export function expectedDaemonSet(daemonSet: ChartDaemonSet, inputs: ChartInputs): KubernetesObject {
  const ds = chartDaemonSet(daemonSet, inputs);
  for (const difference of DELIBERATE_DIFFERENCES) difference.apply(ds);
  return ds;
}

/** A chart with one agent (`test/Agent`) made with `props`. */
export function agentChart(props: k8s.PodIdentityAgentProps): { chart: Chart; agent: k8s.PodIdentityAgent } {
  const chart = new Chart(Testing.app(), 'test');
  const agent = new k8s.PodIdentityAgent(chart, 'Agent', props);
  return { chart, agent };
}

/** The objects of a chart with one agent made with `props`: validated against the Kubernetes schemas, no CDK tokens. */
export function agentObjects(props: k8s.PodIdentityAgentProps): KubernetesObject[] {
  return synthChartObjects(agentChart(props).chart);
}

/** The one DaemonSet among `objects`. */
export function onlyDaemonSet(objects: KubernetesObject[]): KubernetesObject {
  const found = objects.filter(o => o.kind === 'DaemonSet');
  expect(found).toHaveLength(1);
  return found[0];
}

/** The server container of `daemonSet`. */
export function serverContainer(daemonSet: KubernetesObject): KubernetesObject {
  const containers = daemonSet.spec.template.spec.containers;
  expect(containers).toHaveLength(1);
  return containers[0];
}
