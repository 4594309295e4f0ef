import { ArnFormat, Resource, Stack, Token, type aws_eks as eks } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { PodIdentityAgent } from './pod-identity-agent';
import type { IWorkloadCluster } from './workload-cluster';
import { ClusterOidcProvider } from '../oidc/cluster-oidc-provider';
import { assertEksIssuerRegion, assertIssuerUrl, assertProviderArn } from '../oidc/issuer-url';
import { assertSamePartition, partitionOfStack } from '../private/arns';
import { fail, show, subjectFor, subjectOf } from '../private/errors';
import { assertEksClusterName } from '../private/names';

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
   * The ARN of the IAM OIDC provider that already exists for the issuer. It names the issuer, so `oidcIssuerUrl`
   * may then be left out (unless the ARN is known only at deploy time).
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
    const subject = subjectFor('EksCluster', scope, id);
    assertEksClusterName(subject, clusterName);
    if (clusterArn !== undefined && typeof clusterArn !== 'string') fail(subject, `clusterArn is ${show(clusterArn)}`, 'an EKS cluster ARN');
    if (clusterArn !== undefined && !Token.isUnresolved(clusterArn)) {
      const match = CLUSTER_ARN.exec(clusterArn);
      if (!match) {
        fail(subject, `clusterArn ${show(clusterArn)} is not an EKS cluster ARN`, 'arn:<partition>:eks:<region>:<account>:cluster/<name>');
      }
      if (!Token.isUnresolved(clusterName) && match[1] !== clusterName) {
        fail(subject, `clusterArn ${show(clusterArn)} names cluster "${match[1]}", but clusterName is "${clusterName}"`,
          'the ARN of the cluster named clusterName');
      }
      assertSamePartition(subject, 'clusterArn', clusterArn, Stack.of(scope));
    }
    if (options.podIdentityAgent !== undefined && !(options.podIdentityAgent instanceof PodIdentityAgent)) {
      fail(subject, `podIdentityAgent is ${show(options.podIdentityAgent)}`,
        'PodIdentityAgent.addon(), PodIdentityAgent.preinstalled() or PodIdentityAgent.unavailable(reason)');
    }
    if (options.oidcIssuerUrl !== undefined) assertIssuerUrl(subject, 'oidcIssuerUrl', options.oidcIssuerUrl);
    let issuer = options.oidcIssuerUrl;
    if (options.oidcProviderArn !== undefined) {
      assertProviderArn(subject, options.oidcProviderArn, issuer);
      assertSamePartition(subject, 'oidcProviderArn', options.oidcProviderArn, Stack.of(scope));
      if (issuer === undefined) {
        // The provider's ARN names its issuer: arn:<partition>:iam::<account>:oidc-provider/<issuer without https://>.
        if (Token.isUnresolved(options.oidcProviderArn)) {
          fail(subject, 'oidcProviderArn is known only at deploy time and oidcIssuerUrl is not set',
            'oidcIssuerUrl too: IRSA trust conditions are keyed by the issuer', 'set oidcIssuerUrl to the cluster\'s issuer');
        }
        issuer = `https://${options.oidcProviderArn.split(':oidc-provider/')[1]}`;
        assertIssuerUrl(subject, 'the issuer of oidcProviderArn', issuer);
      }
    }
    const literalArn = clusterArn !== undefined && !Token.isUnresolved(clusterArn) ? clusterArn : undefined;
    super(scope, id, literalArn ? { environmentFromArn: literalArn } : { account: env?.account, region: env?.region });
    this.clusterName = clusterName;
    this.clusterArn = clusterArn ?? defaultClusterArn(Stack.of(this), clusterName);
    this.podIdentityAgent = options.podIdentityAgent ?? PodIdentityAgent.addon();
    this.oidcIssuerUrl = issuer;
    this.oidcProviderArn = options.oidcProviderArn;
    if (issuer !== undefined) {
      assertEksIssuerRegion(subjectOf('EksCluster', this), options.oidcIssuerUrl !== undefined ? 'oidcIssuerUrl' : 'the issuer of oidcProviderArn', issuer, this.env.region);
    }
    // Other imports of the same issuer without oidcProviderArn use this provider too.
    ClusterOidcProvider.declareExisting(this);
  }
}

/** The ARN of cluster `name` in the stack's account and region, with a literal partition when the region is known. */
function defaultClusterArn(stack: Stack, name: string): string {
  const partition = partitionOfStack(stack);
  return stack.formatArn({
    service: 'eks',
    resource: 'cluster',
    resourceName: name,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    ...(partition ? { partition } : {}),
  });
}
