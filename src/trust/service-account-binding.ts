import type { IWorkloadCluster } from '../cluster/workload-cluster';

/**
 * One Kubernetes service account on one cluster: the unit a trust policy admits.
 */
export interface ServiceAccountBinding {
  /**
   * The cluster the service account lives in.
   */
  readonly cluster: IWorkloadCluster;

  /**
   * The service account's namespace (a DNS-1123 label).
   */
  readonly namespace: string;

  /**
   * The service account's name (a DNS-1123 subdomain).
   */
  readonly serviceAccount: string;
}
