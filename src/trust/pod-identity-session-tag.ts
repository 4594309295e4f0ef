/**
 * The session tags EKS Pod Identity sets when it assumes a role (unless the association disables them).
 *
 * In a trust policy they are `aws:RequestTag/<tag>`; in permission policies `aws:PrincipalTag/<tag>`.
 * Source: Amazon EKS User Guide, "Grant pods access to AWS resources based on tags" (session tags list).
 */
export class PodIdentitySessionTag {
  /** ARN of the cluster. */
  public static readonly CLUSTER_ARN = 'eks-cluster-arn';
  /** Name of the cluster. */
  public static readonly CLUSTER_NAME = 'eks-cluster-name';
  /** Namespace of the pod. */
  public static readonly NAMESPACE = 'kubernetes-namespace';
  /** Service account of the pod. */
  public static readonly SERVICE_ACCOUNT = 'kubernetes-service-account';
  /** Name of the pod. */
  public static readonly POD_NAME = 'kubernetes-pod-name';
  /** UID of the pod. */
  public static readonly POD_UID = 'kubernetes-pod-uid';

  /** The condition key for `tag` in a trust policy: `aws:RequestTag/<tag>`. */
  public static requestTag(tag: string): string {
    return `aws:RequestTag/${tag}`;
  }

  /** The condition key for `tag` in a permission policy: `aws:PrincipalTag/<tag>`. */
  public static principalTag(tag: string): string {
    return `aws:PrincipalTag/${tag}`;
  }

  private constructor() {}
}
