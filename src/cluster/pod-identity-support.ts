import type { IConstruct } from 'constructs';
import { PodIdentityAgentSupport } from './pod-identity-agent';
import type { IWorkloadCluster } from './workload-cluster';
import { clusterKey, clusterLabel, findRegistered, register } from '../private/app-registry';
import { fail, type Subject } from '../private/errors';

/** The EKS add-on name of the agent (FACTS.md, "Pod Identity Agent"). */
export const AGENT_ADDON_NAME = 'eks-pod-identity-agent';

/** Throws when EKS Pod Identity cannot work on `cluster` (FACTS.md: not on Fargate, Windows, Outposts, EKS Anywhere, non-EKS). */
export function assertPodIdentitySupported(subject: Subject, cluster: IWorkloadCluster): void {
  const agent = cluster.podIdentityAgent;
  if (agent.support === PodIdentityAgentSupport.UNAVAILABLE) {
    fail(subject, `cluster "${clusterLabel(cluster)}" cannot run EKS Pod Identity (${agent.reason ?? 'agent unavailable'})`,
      'a cluster whose nodes run the Pod Identity Agent',
      'use IRSA for this workload, or declare how the agent is provided with podIdentityAgent: PodIdentityAgent.addon() or ' +
      'PodIdentityAgent.preinstalled()');
  }
}

// One cluster runs the agent either as the EKS add-on or from manifests, never both: both DaemonSets bind port 80 of
// 169.254.170.23 on every node (and with the default names, applying the manifests overwrites the add-on's DaemonSet,
// which EKS then puts back). The add-on (a CDK construct) is registered in the app registry of the cluster's tree. The
// manifests (a cdk8s construct, usually in another construct tree: a cdk8s App) are registered here, under the root of
// the *cluster's* tree, so that the two meet whichever tree each lives in.
const manifestRegistries = new WeakMap<IConstruct, Map<string, IConstruct>>();

function manifestRegistry(cluster: IWorkloadCluster): Map<string, IConstruct> {
  const root = cluster.node.root;
  let registry = manifestRegistries.get(root);
  if (!registry) {
    registry = new Map();
    manifestRegistries.set(root, registry);
  }
  return registry;
}

function addonKey(cluster: IWorkloadCluster): string {
  return `pod-identity-agent-addon:${clusterKey(cluster)}`;
}

/** The agent add-on registered for `cluster` in its app, if any. */
export function agentAddonOf(cluster: IWorkloadCluster): IConstruct | undefined {
  return findRegistered(cluster, addonKey(cluster));
}

/** Registers `addon` as the agent add-on of `cluster`; returns the one registered before, if any (and registers nothing). */
export function registerAgentAddon(addon: IConstruct, cluster: IWorkloadCluster): IConstruct | undefined {
  return register(addon, addonKey(cluster));
}

/** The `k8s.PodIdentityAgent` registered for `cluster`, if any. */
export function agentManifestsOf(cluster: IWorkloadCluster): IConstruct | undefined {
  return manifestRegistry(cluster).get(clusterKey(cluster));
}

/** Registers `agent` (a `k8s.PodIdentityAgent`) for `cluster`; returns the one registered before, if any (and registers nothing). */
export function registerAgentManifests(agent: IConstruct, cluster: IWorkloadCluster): IConstruct | undefined {
  const registry = manifestRegistry(cluster);
  const key = clusterKey(cluster);
  const existing = registry.get(key);
  if (existing) return existing;
  registry.set(key, agent);
  return undefined;
}

/** `cluster "<name>" (<path>)`: the cluster as messages about its agent name it. */
function clusterNamed(cluster: IWorkloadCluster): string {
  const label = clusterLabel(cluster);
  return label === cluster.node.path ? `cluster ${label}` : `cluster "${label}" (${cluster.node.path})`;
}

/**
 * Throws unless the agent's manifests (a `k8s.PodIdentityAgent`, `subject`) may be written for `cluster`: its agent mode
 * is `manifests()` or `preinstalled()`, and the app has no agent add-on for it.
 */
export function assertAgentManifestsAllowed(subject: Subject, cluster: IWorkloadCluster): void {
  const agent = cluster.podIdentityAgent;
  if (agent.support === PodIdentityAgentSupport.ADDON) {
    fail(subject, `${clusterNamed(cluster)} gets the agent as the ${AGENT_ADDON_NAME} EKS add-on (podIdentityAgent: PodIdentityAgent.addon())`,
      'a cluster whose podIdentityAgent is PodIdentityAgent.manifests(): one cluster must not run both the add-on and these DaemonSets',
      'declare the cluster with podIdentityAgent: PodIdentityAgent.manifests(), or remove this k8s.PodIdentityAgent');
  }
  if (agent.support === PodIdentityAgentSupport.UNAVAILABLE) {
    fail(subject, `${clusterNamed(cluster)} is declared unable to run the Pod Identity Agent (${agent.reason ?? 'agent unavailable'})`,
      'a cluster whose podIdentityAgent is PodIdentityAgent.manifests()',
      'if its nodes can run the agent (EKS nodes on EC2 or EKS Hybrid Nodes), declare the cluster with podIdentityAgent: ' +
      'PodIdentityAgent.manifests(); else remove this k8s.PodIdentityAgent and use IRSA');
  }
  const addon = agentAddonOf(cluster);
  if (addon) {
    fail(subject, `${clusterNamed(cluster)} already has the ${AGENT_ADDON_NAME} add-on at ${addon.node.path}`,
      'either the add-on or the agent\'s DaemonSets, never both: both bind port 80 of 169.254.170.23 on every node',
      'remove the PodIdentityAgentAddon, or this k8s.PodIdentityAgent');
  }
}

/**
 * Throws unless the agent add-on (`subject`) may be created for `cluster`: its agent mode is not `manifests()`, and no
 * `k8s.PodIdentityAgent` was written for it.
 */
export function assertAgentAddonAllowed(subject: Subject, cluster: IWorkloadCluster): void {
  if (cluster.podIdentityAgent.support === PodIdentityAgentSupport.MANIFESTS) {
    fail(subject, `${clusterNamed(cluster)} gets the agent from manifests (podIdentityAgent: PodIdentityAgent.manifests())`,
      'a cluster whose podIdentityAgent is PodIdentityAgent.addon() or PodIdentityAgent.preinstalled(): one cluster must not run ' +
      'both the add-on and the agent\'s DaemonSets',
      'remove this PodIdentityAgentAddon (Pod Identity on the cluster needs none), or declare the cluster with podIdentityAgent: ' +
      'PodIdentityAgent.addon()');
  }
  const manifests = agentManifestsOf(cluster);
  if (manifests) {
    fail(subject, `${clusterNamed(cluster)} already gets the agent from the k8s.PodIdentityAgent at ${manifests.node.path}`,
      'either the add-on or the agent\'s DaemonSets, never both: both bind port 80 of 169.254.170.23 on every node',
      'remove this PodIdentityAgentAddon, or the k8s.PodIdentityAgent');
  }
}
