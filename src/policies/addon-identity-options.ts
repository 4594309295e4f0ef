import type { Chart } from 'cdk8s';
import type { AddonConflictResolution } from '../cluster/pod-identity-agent';
import type { IWorkloadCluster } from '../cluster/workload-cluster';
import type { IdentityMechanism } from '../identity-mechanism';

/**
 * What every add-on identity of `AddonIdentity` takes: where the add-on runs and how its pods get credentials.
 */
export interface AddonIdentityOptions {
  /**
   * The cluster the add-on runs on.
   */
  readonly cluster: IWorkloadCluster;

  /**
   * How the add-on's pods get credentials.
   *
   * @default IdentityMechanism.POD_IDENTITY
   */
  readonly mechanism?: IdentityMechanism;

  /**
   * The add-on's namespace.
   *
   * @default - the add-on's conventional namespace (see the add-on's props)
   */
  readonly namespace?: string;

  /**
   * The add-on's service account.
   *
   * @default - the add-on's conventional service account (see the add-on's props)
   */
  readonly serviceAccount?: string;

  /**
   * A cdk8s chart to write the ServiceAccount to, when the add-on's own installation does not create it.
   *
   * @default - no ServiceAccount is written
   */
  readonly chart?: Chart;

  /**
   * A name for the role.
   *
   * @default - a name CloudFormation generates (with IRSA and a chart, one generated at synthesis)
   */
  readonly roleName?: string;
}

/**
 * How to install an add-on as an EKS managed add-on, which then names the role itself (its `PodIdentityAssociations`
 * or `ServiceAccountRoleArn`) instead of a separate Pod Identity association.
 */
export interface ManagedAddonInstallOptions {
  /**
   * The add-on's version, for example `v1.41.0-eksbuild.1`.
   *
   * @default - the default version EKS picks for the cluster's Kubernetes version
   */
  readonly addonVersion?: string;

  /**
   * The add-on's configuration (JSON text, from `aws eks describe-addon-configuration`).
   *
   * @default - none
   */
  readonly configurationValues?: string;

  /**
   * How to resolve conflicts with objects already in the cluster.
   *
   * @default - EKS' default (`NONE`)
   */
  readonly resolveConflicts?: AddonConflictResolution;

  /**
   * Keep the add-on's software in the cluster when the add-on resource is deleted.
   *
   * @default false
   */
  readonly preserveOnDelete?: boolean;
}
