/**
 * How a workload's pods get their AWS credentials.
 */
export enum IdentityMechanism {
  /**
   * EKS Pod Identity: a Pod Identity association and the node agent; no ServiceAccount annotation,
   * no OIDC provider. EKS only, not on Fargate, Windows nodes or Outposts.
   */
  POD_IDENTITY = 'POD_IDENTITY',

  /**
   * IRSA (IAM roles for service accounts): the cluster's IAM OIDC provider, a trust on the token's `sub` and `aud`,
   * and the `eks.amazonaws.com/role-arn` annotation on the ServiceAccount.
   */
  IRSA = 'IRSA',

  /**
   * Both at once, the middle step of a move from IRSA to Pod Identity: the role trusts both mechanisms, the
   * association exists and the ServiceAccount keeps its annotation. Pods started from now on get Pod Identity
   * credentials (the EKS webhook prefers them); running pods keep their IRSA credentials until they restart.
   */
  BOTH = 'BOTH',
}
