import type { IResource } from 'aws-cdk-lib';
import type { PodIdentityAgent } from './pod-identity-agent';

/**
 * A Kubernetes cluster whose workloads get AWS IAM identities.
 */
export interface IWorkloadCluster extends IResource {
  /**
   * The cluster's name (for EKS, the EKS cluster name).
   *
   * @attribute
   */
  readonly clusterName: string;

  /**
   * The cluster's ARN (for EKS, `arn:<partition>:eks:<region>:<account>:cluster/<name>`).
   *
   * @attribute
   */
  readonly clusterArn: string;

  /**
   * How the EKS Pod Identity Agent is provided on this cluster.
   */
  readonly podIdentityAgent: PodIdentityAgent;

  /**
   * The cluster's OIDC issuer URL (`https://...`), which signs its service account tokens. Needed for IRSA.
   *
   * @default - unknown: IRSA on this cluster is an error
   */
  readonly oidcIssuerUrl?: string;

  /**
   * The audience (`aud`) the cluster's service account tokens for AWS carry unless an identity says otherwise: the
   * client id of its IAM OIDC provider and the `--token-audience` of its pod identity webhook.
   *
   * @default sts.amazonaws.com (what EKS's webhook injects)
   */
  readonly defaultAudience?: string;

  /**
   * The ARN of an existing IAM OIDC provider for the issuer.
   *
   * @default - IRSA creates the provider (`AWS::IAM::OIDCProvider`), once per issuer in the app
   */
  readonly oidcProviderArn?: string;
}
