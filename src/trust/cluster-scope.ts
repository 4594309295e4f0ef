/**
 * Which session tag a Pod Identity trust uses to admit a cluster.
 */
export enum ClusterScope {
  /**
   * `aws:RequestTag/eks-cluster-arn`: the exact cluster (account, region and name).
   */
  ARN = 'ARN',
  /**
   * `aws:RequestTag/eks-cluster-name`: any cluster of that name, in any account or region whose
   * associations may use the role. Shorter, for trust policies close to the size limit.
   */
  NAME = 'NAME',
}
