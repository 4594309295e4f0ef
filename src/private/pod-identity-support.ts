import { clusterLabel } from './app-registry';
import { PodIdentityAgentSupport } from '../cluster/pod-identity-agent';
import { IWorkloadCluster } from '../cluster/workload-cluster';

/** Throws when EKS Pod Identity cannot work on `cluster` (FACTS.md: not on Fargate, Windows, Outposts, EKS Anywhere, non-EKS). */
export function assertPodIdentitySupported(cluster: IWorkloadCluster, what: string): void {
  const agent = cluster.podIdentityAgent;
  if (agent.support === PodIdentityAgentSupport.UNAVAILABLE) {
    throw new Error(
      `${what}: cluster "${clusterLabel(cluster)}" cannot run EKS Pod Identity (${agent.reason ?? 'agent unavailable'}). ` +
      'Use IRSA for this workload, or declare how the agent is provided with podIdentityAgent: ' +
      'PodIdentityAgent.addon() or PodIdentityAgent.preinstalled().',
    );
  }
}
