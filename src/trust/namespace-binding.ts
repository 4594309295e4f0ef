import type { IWorkloadCluster } from '../cluster/workload-cluster';

/**
 * Every service account of one namespace on one cluster. Trusted only through APIs that say so
 * (`WorkloadRole.addIrsaNamespaceTrust()`).
 */
export interface NamespaceBinding {
  /**
   * The cluster.
   */
  readonly cluster: IWorkloadCluster;

  /**
   * The namespace (a DNS-1123 label).
   */
  readonly namespace: string;
}
