import { ArnFormat, Resource, Stack, Token, aws_eks as eks } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import { PodIdentityAgent } from './pod-identity-agent';
import { IWorkloadCluster } from './workload-cluster';
import { assertEksClusterName } from '../private/names';
import { assertIssuerUrl, assertProviderArn } from '../private/oidc-issuer';

/**
 * Options for using an EKS cluster with this library.
 */
export interface EksClusterOptions {
  /**
   * How the EKS Pod Identity Agent is provided on the cluster.
   *
   * @default PodIdentityAgent.addon() - this app installs the `eks-pod-identity-agent` add-on
   * when a Pod Identity association needs it
   */
  readonly podIdentityAgent?: PodIdentityAgent;

  /**
   * The cluster's OIDC issuer URL, for IRSA: `https://oidc.eks.<region>.amazonaws.com/id/<id>`
   * (`aws eks describe-cluster --query cluster.identity.oidc.issuer`). For a cluster defined in the same app,
   * its `clusterOpenIdConnectIssuerUrl` (known only at deploy time: the role's trust then needs one custom resource).
   *
   * @default - no IRSA on this cluster
   */
  readonly oidcIssuerUrl?: string;

  /**
   * The ARN of the IAM OIDC provider that already exists for the issuer.
   *
   * @default - created (`AWS::IAM::OIDCProvider`) by the first IRSA identity, once per issuer in the app
   */
  readonly oidcProviderArn?: string;
}

/**
 * Attributes of an existing EKS cluster.
 */
export interface EksClusterAttributes extends EksClusterOptions {
  /**
   * The EKS cluster name.
   */
  readonly clusterName: string;

  /**
   * The cluster ARN. Give it when the cluster is in another account or region than the stack.
   *
   * @default - `arn:<partition>:eks:<region>:<account>:cluster/<clusterName>` in the stack's account and region
   */
  readonly clusterArn?: string;
}

// EKS cluster ARNs: arn:<partition>:eks:<region>:<account>:cluster/<name> (IAM service authorization reference).
const CLUSTER_ARN = /^arn:aws[a-z0-9-]*:eks:[a-z0-9-]+:\d{12}:cluster\/(.+)$/;

/**
 * An Amazon EKS cluster, imported: this library never creates clusters.
 *
 * Use `EksCluster.fromClusterAttributes()` for a cluster known by name, or `EksCluster.fromCluster()`
 * to wrap a cluster from `aws-cdk-lib/aws-eks` or `aws-cdk-lib/aws-eks-v2`.
 */
export class EksCluster extends Resource implements IWorkloadCluster {
  /**
   * Import an existing EKS cluster by name (and ARN when it is in another account or region).
   */
  public static fromClusterAttributes(scope: Construct, id: string, attrs: EksClusterAttributes): IWorkloadCluster {
    return new EksCluster(scope, id, attrs.clusterName, attrs.clusterArn, attrs);
  }

  /**
   * Wrap a cluster from `aws-cdk-lib/aws-eks` or `aws-cdk-lib/aws-eks-v2` (both implement `IClusterRef`).
   *
   * The cluster's name and ARN are read, and for a `Cluster` defined in the app its OIDC issuer
   * (`clusterOpenIdConnectIssuerUrl`) unless `options.oidcIssuerUrl` is given. Nothing is added to the cluster
   * construct (its `openIdConnectProvider`, which would create a custom resource, is not touched).
   */
  public static fromCluster(scope: Construct, id: string, cluster: eks.IClusterRef, options: EksClusterOptions = {}): IWorkloadCluster {
    const ref = cluster.clusterRef;
    // A cluster defined in the app (aws-eks or aws-eks-v2 `Cluster`) knows its issuer, as a deploy-time value.
    const issuer = options.oidcIssuerUrl ?? (cluster as { clusterOpenIdConnectIssuerUrl?: string }).clusterOpenIdConnectIssuerUrl;
    return new EksCluster(scope, id, ref.clusterName, ref.clusterArn, { ...options, oidcIssuerUrl: issuer }, cluster.env);
  }

  public readonly clusterName: string;
  public readonly clusterArn: string;
  public readonly podIdentityAgent: PodIdentityAgent;
  public readonly oidcIssuerUrl?: string;
  public readonly oidcProviderArn?: string;

  private constructor(
    scope: Construct, id: string, clusterName: string, clusterArn: string | undefined,
    options: EksClusterOptions, env?: { readonly account: string; readonly region: string }) {
    assertEksClusterName(clusterName);
    if (clusterArn !== undefined && !Token.isUnresolved(clusterArn)) {
      const match = CLUSTER_ARN.exec(clusterArn);
      if (!match) {
        throw new Error(`Invalid EKS cluster ARN ${JSON.stringify(clusterArn)}: expected arn:<partition>:eks:<region>:<account>:cluster/<name>`);
      }
      if (!Token.isUnresolved(clusterName) && match[1] !== clusterName) {
        throw new Error(`EKS cluster ARN ${JSON.stringify(clusterArn)} names cluster "${match[1]}", but clusterName is "${clusterName}"`);
      }
    }
    const literalArn = clusterArn !== undefined && !Token.isUnresolved(clusterArn) ? clusterArn : undefined;
    super(scope, id, literalArn ? { environmentFromArn: literalArn } : { account: env?.account, region: env?.region });
    this.clusterName = clusterName;
    this.clusterArn = clusterArn ?? defaultClusterArn(Stack.of(this), clusterName);
    this.podIdentityAgent = options.podIdentityAgent ?? PodIdentityAgent.addon();
    if (options.oidcIssuerUrl !== undefined) assertIssuerUrl(options.oidcIssuerUrl);
    if (options.oidcProviderArn !== undefined) assertProviderArn(options.oidcProviderArn, options.oidcIssuerUrl);
    this.oidcIssuerUrl = options.oidcIssuerUrl;
    this.oidcProviderArn = options.oidcProviderArn;
  }
}

/** The ARN of cluster `name` in the stack's account and region, with a literal partition when the region is known. */
function defaultClusterArn(stack: Stack, name: string): string {
  const partition = Token.isUnresolved(stack.region) ? undefined : RegionInfo.get(stack.region).partition;
  return stack.formatArn({
    service: 'eks',
    resource: 'cluster',
    resourceName: name,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    ...(partition ? { partition } : {}),
  });
}
