/**
 * How a workload's pods get their AWS credentials.
 */
export enum IdentityMechanism {
  /**
   * EKS Pod Identity: a Pod Identity association and the node agent; no ServiceAccount annotation,
   * no OIDC provider. EKS only, not on Fargate, Windows nodes or Outposts.
   */
  POD_IDENTITY = 'POD_IDENTITY',
}
