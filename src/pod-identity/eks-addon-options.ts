import type { AddonConflictResolution } from '../cluster/pod-identity-agent';

/**
 * An EKS managed add-on (`AWS::EKS::Addon`) that a `WorkloadIdentity` creates and gives its role to, instead of a
 * separate Pod Identity association: the association is declared on the add-on itself (`PodIdentityAssociations`) for
 * Pod Identity, or as its `ServiceAccountRoleArn` for IRSA. For add-ons EKS installs and manages: VPC CNI, the EBS,
 * EFS, FSx and Mountpoint for S3 CSI drivers, CloudWatch observability, ...
 */
export interface EksAddonOptions {
  /**
   * The add-on's name, for example `aws-ebs-csi-driver` (`aws eks describe-addon-versions`).
   */
  readonly addonName: string;

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
