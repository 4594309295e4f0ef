import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Chart, Testing } from 'cdk8s';
import {
  DELIBERATE_DIFFERENCES, agentChart, agentObjects, chartDaemonSet, expectedDaemonSet, onlyDaemonSet, serverContainer,
  type ChartDaemonSet,
} from './fixtures';
import { EksCluster, PodIdentityAgent, PodIdentityAgentAddon, WorkloadIdentity, k8s } from '../../../src';
import { expectError } from '../../util/errors';
import { validateKubernetesObjects } from '../../util/kubernetes';

const REGION = 'eu-west-1';
const inputs = { release: 'eks-pod-identity-agent', namespace: 'kube-system', clusterName: 'edge', region: REGION };

function stackWith(agent: PodIdentityAgent, name = 'edge') {
  const stack = new Stack(new App(), 'Test', { env: { account: '111122223333', region: REGION } });
  const cluster = EksCluster.fromClusterAttributes(stack, 'Edge', { clusterName: name, podIdentityAgent: agent });
  return { stack, cluster };
}

const VARIANTS: Array<[ChartDaemonSet, k8s.PodIdentityAgentVariant]> = [
  ['cloud', k8s.PodIdentityAgentVariant.CLOUD],
  ['hybrid', k8s.PodIdentityAgentVariant.HYBRID],
  ['hybrid-bottlerocket', k8s.PodIdentityAgentVariant.HYBRID_BOTTLEROCKET],
];

describe('k8s.PodIdentityAgent: the chart\'s DaemonSets, field by field', () => {
  test.each(VARIANTS)('the %s DaemonSet is the chart\'s expected output with the deliberate differences, and nothing else', (chartName, variant) => {
    const ds = onlyDaemonSet(agentObjects({ clusterName: 'edge', region: REGION, variants: [variant] }));
    expect(ds).toEqual(expectedDaemonSet(chartName, inputs));
  });

  test('the deliberate differences are exactly five, each with its reason, and each changes the chart\'s output', () => {
    expect(DELIBERATE_DIFFERENCES).toHaveLength(5);
    for (const difference of DELIBERATE_DIFFERENCES) {
      const ds = chartDaemonSet('hybrid', inputs);
      const before = JSON.stringify(ds);
      difference.apply(ds);
      expect(JSON.stringify(ds)).not.toEqual(before);
      expect(difference.why.length).toBeGreaterThan(20);
    }
  });

  test('what the chart gives every node: host network, system-node-critical, every taint tolerated, 10% at a time, no API token', () => {
    const spec = onlyDaemonSet(agentObjects({ clusterName: 'edge', region: REGION })).spec;
    expect(spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%' } });
    expect(spec.template.spec).toMatchObject({
      hostNetwork: true,
      priorityClassName: 'system-node-critical',
      tolerations: [{ operator: 'Exists' }],
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 30,
    });
  });

  test('privileges are exactly what the agent needs: a privileged init container, and only CAP_NET_BIND_SERVICE for the server', () => {
    const spec = onlyDaemonSet(agentObjects({ clusterName: 'edge', region: REGION })).spec.template.spec;
    expect(spec.initContainers.map((c: any) => [c.name, c.securityContext])).toEqual([['eks-pod-identity-agent-init', { privileged: true }]]);
    expect(serverContainer({ spec: { template: { spec } } }).securityContext).toEqual({ capabilities: { add: ['CAP_NET_BIND_SERVICE'] } });
  });

  test('hybrid: --rotate-credentials and the host\'s credentials read-only; Bottlerocket: its path and the spc_t SELinux type', () => {
    const [hybrid, bottlerocket] = agentObjects({
      clusterName: 'edge', region: REGION, variants: [k8s.PodIdentityAgentVariant.HYBRID, k8s.PodIdentityAgentVariant.HYBRID_BOTTLEROCKET],
    });
    expect(serverContainer(hybrid).args.slice(-2)).toEqual(['--rotate-credentials', 'true']);
    expect(serverContainer(hybrid).volumeMounts).toEqual([{ mountPath: '/root/.aws', name: 'aws-credentials', readOnly: true }]);
    expect(hybrid.spec.template.spec.volumes).toEqual([{ name: 'aws-credentials', hostPath: { path: '/eks-hybrid/.aws', type: 'Directory' } }]);
    expect(serverContainer(hybrid).securityContext.seLinuxOptions).toBeUndefined();
    expect(bottlerocket.spec.template.spec.volumes[0].hostPath.path).toBe('/var/eks-hybrid/.aws');
    expect(serverContainer(bottlerocket).securityContext.seLinuxOptions).toEqual({ type: 'spc_t' });
  });

  test('the variants come out in the chart\'s order, each once, and validate against the Kubernetes schemas', () => {
    const objects = agentObjects({
      clusterName: 'edge',
      region: REGION,
      variants: [k8s.PodIdentityAgentVariant.HYBRID_BOTTLEROCKET, k8s.PodIdentityAgentVariant.CLOUD, k8s.PodIdentityAgentVariant.HYBRID],
    });
    expect(() => validateKubernetesObjects(objects)).not.toThrow();
    expect(objects.map(o => o.metadata.name)).toEqual(['eks-pod-identity-agent', 'eks-pod-identity-agent-hybrid', 'eks-pod-identity-agent-hybrid-bottlerocket']);
  });
});

describe('k8s.PodIdentityAgent: options', () => {
  test('ipv4Only serves only 169.254.170.23 (-b), for nodes whose IPv6 is off', () => {
    const args = serverContainer(onlyDaemonSet(agentObjects({ clusterName: 'edge', region: REGION, ipv4Only: true }))).args;
    expect(args).toEqual(['--port', '80', '--cluster-name', 'edge', '--probe-port', '2703', '-b', '169.254.170.23', '-v', 'info']);
    const without = serverContainer(onlyDaemonSet(agentObjects({ clusterName: 'edge', region: REGION }))).args;
    expect(without).not.toContain('-b');
  });

  test('verbosity, image, namespace and resources', () => {
    const ds = onlyDaemonSet(agentObjects({
      clusterName: 'edge',
      region: REGION,
      namespace: 'pod-identity',
      verbosity: k8s.PodIdentityAgentVerbosity.DEBUG,
      image: 'registry.example.com/mirror/eks-pod-identity-agent:0.1.37',
    }));
    expect(ds.metadata.namespace).toBe('pod-identity');
    for (const c of [...ds.spec.template.spec.initContainers, ...ds.spec.template.spec.containers]) {
      expect(c.image).toBe('registry.example.com/mirror/eks-pod-identity-agent:0.1.37');
      expect(c.args.slice(c.args.indexOf('-v'), c.args.indexOf('-v') + 2)).toEqual(['-v', 'debug']);
    }
    expect(k8s.PodIdentityAgent.DEFAULT_IMAGE).toBe('public.ecr.aws/eks/eks-pod-identity-agent:0.1.37');
  });

  test('the metrics Service: ClusterIP on 2705 selecting every variant\'s pods; the agent gets --metrics-port 2705', () => {
    const objects = agentObjects({ clusterName: 'edge', region: REGION, metricsService: true, variants: [k8s.PodIdentityAgentVariant.CLOUD, k8s.PodIdentityAgentVariant.HYBRID] });
    expect(() => validateKubernetesObjects(objects)).not.toThrow();
    const service = objects.find(o => o.kind === 'Service')!;
    expect(service.spec).toEqual({
      type: 'ClusterIP',
      selector: { 'app.kubernetes.io/instance': 'eks-pod-identity-agent' },
      ports: [{ name: 'metrics', port: 2705, targetPort: 2705 }],
    });
    for (const ds of objects.filter(o => o.kind === 'DaemonSet')) {
      expect(ds.spec.template.metadata.labels['app.kubernetes.io/instance']).toBe('eks-pod-identity-agent');
      const args = serverContainer(ds).args;
      expect(args.slice(args.indexOf('--metrics-port'), args.indexOf('--metrics-port') + 2)).toEqual(['--metrics-port', '2705']);
    }
    expect(agentObjects({ clusterName: 'edge', region: REGION }).some(o => o.kind === 'Service')).toBe(false);
  });

  test('the cluster gives the name and the region', () => {
    const { cluster } = stackWith(PodIdentityAgent.manifests());
    const { agent } = agentChart({ cluster });
    expect([agent.clusterName, agent.region, agent.namespace]).toEqual(['edge', REGION, 'kube-system']);
    expect(agent.daemonSetOf(k8s.PodIdentityAgentVariant.CLOUD)).toBe(agent.daemonSets[0]);
    expect(agent.daemonSetOf(k8s.PodIdentityAgentVariant.HYBRID)).toBeUndefined();
  });
});

describe('k8s.PodIdentityAgent and the EKS add-on: one cluster runs one of them', () => {
  test('Pod Identity on a manifests() cluster works, and creates no EKS add-on', () => {
    const { stack, cluster } = stackWith(PodIdentityAgent.manifests());
    new WorkloadIdentity(stack, 'App', { cluster, namespace: 'apps', serviceAccount: 'app' });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 1);
    template.resourceCountIs('AWS::EKS::Addon', 0);
    expect(PodIdentityAgentAddon.forCluster(cluster)).toBeUndefined();
  });

  test('an add-on for a manifests() cluster is an error', () => {
    const { stack, cluster } = stackWith(PodIdentityAgent.manifests());
    expectError(() => new PodIdentityAgentAddon(stack, 'Agent', { cluster }),
      'PodIdentityAgentAddon Test/Agent: cluster "edge" (Test/Edge) gets the agent from manifests (podIdentityAgent: PodIdentityAgent.manifests()), expected a cluster whose podIdentityAgent is PodIdentityAgent.addon() or PodIdentityAgent.preinstalled(): one cluster must not run both the add-on and the agent\'s DaemonSets; remove this PodIdentityAgentAddon (Pod Identity on the cluster needs none), or declare the cluster with podIdentityAgent: PodIdentityAgent.addon()');
  });

  test('manifests for an addon() cluster are an error', () => {
    const { cluster } = stackWith(PodIdentityAgent.addon());
    expectError(() => agentChart({ cluster }),
      'k8s.PodIdentityAgent test/Agent: cluster "edge" (Test/Edge) gets the agent as the eks-pod-identity-agent EKS add-on (podIdentityAgent: PodIdentityAgent.addon()), expected a cluster whose podIdentityAgent is PodIdentityAgent.manifests(): one cluster must not run both the add-on and these DaemonSets; declare the cluster with podIdentityAgent: PodIdentityAgent.manifests(), or remove this k8s.PodIdentityAgent');
  });

  test('manifests for an unavailable() cluster are an error', () => {
    const { cluster } = stackWith(PodIdentityAgent.unavailable('Fargate only'));
    expectError(() => agentChart({ cluster }), 'k8s.PodIdentityAgent test/Agent: cluster "edge" (Test/Edge) is declared unable to run the Pod Identity Agent (Fargate only), expected a cluster whose podIdentityAgent is PodIdentityAgent.manifests(); if its nodes can run the agent (EKS nodes on EC2 or EKS Hybrid Nodes), declare the cluster with podIdentityAgent: PodIdentityAgent.manifests(); else remove this k8s.PodIdentityAgent and use IRSA');
  });

  test('manifests for a preinstalled() cluster that already has the add-on in the app are an error', () => {
    const { stack, cluster } = stackWith(PodIdentityAgent.preinstalled());
    new PodIdentityAgentAddon(stack, 'Agent', { cluster });
    expectError(() => agentChart({ cluster }), 'k8s.PodIdentityAgent test/Agent: cluster "edge" (Test/Edge) already has the eks-pod-identity-agent add-on at Test/Agent, expected either the add-on or the agent\'s DaemonSets, never both: both bind port 80 of 169.254.170.23 on every node; remove the PodIdentityAgentAddon, or this k8s.PodIdentityAgent');
  });

  test('the add-on for a preinstalled() cluster that has manifests in the app is an error', () => {
    const { stack, cluster } = stackWith(PodIdentityAgent.preinstalled());
    agentChart({ cluster });
    expectError(() => new PodIdentityAgentAddon(stack, 'Agent', { cluster }), 'PodIdentityAgentAddon Test/Agent: cluster "edge" (Test/Edge) already gets the agent from the k8s.PodIdentityAgent at test/Agent, expected either the add-on or the agent\'s DaemonSets, never both: both bind port 80 of 169.254.170.23 on every node; remove this PodIdentityAgentAddon, or the k8s.PodIdentityAgent');
  });

  test('two agents for one cluster are an error; the same name on another cluster is not', () => {
    const { cluster } = stackWith(PodIdentityAgent.manifests());
    const chart = new Chart(Testing.app(), 'test');
    new k8s.PodIdentityAgent(chart, 'Agent', { cluster });
    expectError(() => new k8s.PodIdentityAgent(chart, 'Again', { cluster }), 'k8s.PodIdentityAgent test/Again: cluster "edge" already has a k8s.PodIdentityAgent at test/Agent, expected one per cluster: each binds port 80 of 169.254.170.23 on every node; give the first one every variant the cluster needs (variants)');
    const other = stackWith(PodIdentityAgent.manifests(), 'edge').cluster; // another app: another cluster
    expect(() => new k8s.PodIdentityAgent(new Chart(Testing.app(), 'other'), 'Agent', { cluster: other })).not.toThrow();
  });
});

describe('k8s.PodIdentityAgent: bad input', () => {
  const cases: Array<[string, k8s.PodIdentityAgentProps, string]> = [
    ['no cluster and no name', { region: REGION }, 'k8s.PodIdentityAgent test/Agent: neither clusterName nor cluster is set, expected the name of the EKS cluster the agent runs on (its --cluster-name); set clusterName, or cluster to the IWorkloadCluster'],
    ['no region', { clusterName: 'edge' }, 'k8s.PodIdentityAgent test/Agent: region is not set, expected the AWS region of the EKS cluster, such as us-east-1 (the agent\'s AWS_REGION: it calls EKS Auth there); set region, or cluster to a cluster in a stack with a literal region'],
    ['a region that is not one', { clusterName: 'edge', region: 'Europe' }, 'k8s.PodIdentityAgent test/Agent: region "Europe" is not an AWS region name, expected a region name such as us-east-1 or eu-central-2'],
    ['an image without tag or digest', { clusterName: 'edge', region: REGION, image: 'public.ecr.aws/eks/eks-pod-identity-agent' }, 'k8s.PodIdentityAgent test/Agent: image "public.ecr.aws/eks/eks-pod-identity-agent" has neither a tag nor a digest, expected <registry>/<repository>:<tag> or <registry>/<repository>@<algorithm>:<digest>, e.g. public.ecr.aws/eks/eks-pod-identity-agent:0.1.37; pin a release tag or a digest: an image without one is whatever :latest is when a node pulls it'],
    ['an image that is not a reference', { clusterName: 'edge', region: REGION, image: 'Not An Image' }, 'k8s.PodIdentityAgent test/Agent: image "Not An Image" is not an image reference, expected <registry>/<repository>:<tag> or <registry>/<repository>@<algorithm>:<digest>, e.g. public.ecr.aws/eks/eks-pod-identity-agent:0.1.37'],
    ['no variants', { clusterName: 'edge', region: REGION, variants: [] }, 'k8s.PodIdentityAgent test/Agent: variants is empty, expected at least one of PodIdentityAgentVariant.CLOUD ("cloud"), PodIdentityAgentVariant.HYBRID ("hybrid"), PodIdentityAgentVariant.HYBRID_BOTTLEROCKET ("hybrid-bottlerocket"); leave variants out for the cloud DaemonSet only'],
    ['a variant twice', { clusterName: 'edge', region: REGION, variants: [k8s.PodIdentityAgentVariant.HYBRID, k8s.PodIdentityAgentVariant.HYBRID] }, 'k8s.PodIdentityAgent test/Agent: variants lists "hybrid" twice (at 0 and 1), expected each variant at most once'],
    ['an unknown variant', { clusterName: 'edge', region: REGION, variants: ['windows' as any] }, 'k8s.PodIdentityAgent test/Agent: variants[0] is "windows", expected one of PodIdentityAgentVariant.CLOUD ("cloud"), PodIdentityAgentVariant.HYBRID ("hybrid"), PodIdentityAgentVariant.HYBRID_BOTTLEROCKET ("hybrid-bottlerocket")'],
    ['an unknown verbosity', { clusterName: 'edge', region: REGION, verbosity: 'loud' as any }, 'k8s.PodIdentityAgent test/Agent: verbosity is "loud", expected one of PodIdentityAgentVerbosity.PANIC ("panic"), PodIdentityAgentVerbosity.FATAL ("fatal"), PodIdentityAgentVerbosity.ERROR ("error"), PodIdentityAgentVerbosity.WARN ("warn"), PodIdentityAgentVerbosity.INFO ("info"), PodIdentityAgentVerbosity.DEBUG ("debug"), PodIdentityAgentVerbosity.TRACE ("trace")'],
  ];
  test.each(cases)('%s', (_, props, message) => {
    expectError(() => agentChart(props), message);
  });

  test('a clusterName other than the cluster\'s is an error', () => {
    const { cluster } = stackWith(PodIdentityAgent.manifests());
    expectError(() => agentChart({ cluster, clusterName: 'other' }), 'k8s.PodIdentityAgent test/Agent: clusterName "other" is not the name of cluster Test/Edge ("edge"), expected the name of the cluster the agent runs on; leave clusterName out to use the cluster\'s');
  });
});
