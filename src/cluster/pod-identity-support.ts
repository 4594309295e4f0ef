import { PodIdentityAgentSupport } from './pod-identity-agent';
import type { IWorkloadCluster } from './workload-cluster';
import { clusterLabel } from '../private/app-registry';
import { fail, type Subject } from '../private/errors';

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
