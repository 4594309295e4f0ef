import { Arn, ArnFormat, Lazy, Stack, Token, aws_iam as iam } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { IWorkloadCluster } from '../cluster/workload-cluster';
import { clusterLabel, findRegistered, register } from '../private/app-registry';
import { assertIssuerUrl, assertProviderArn } from '../private/oidc-issuer';

/**
 * Properties of a `ClusterOidcProvider`.
 */
export interface ClusterOidcProviderProps {
  /**
   * The OIDC issuer URL (`https://...`).
   */
  readonly issuerUrl: string;

  /**
   * The ARN of an existing IAM OIDC provider for the issuer.
   *
   * @default - a new `AWS::IAM::OIDCProvider`
   */
  readonly providerArn?: string;
}

/**
 * The IAM OIDC provider of a cluster's service account issuer, used by IRSA trust policies.
 *
 * At most one exists per issuer in an app: `ClusterOidcProvider.forCluster()` creates it on first use (natively,
 * `AWS::IAM::OIDCProvider`, no custom resource and no thumbprint) or imports the cluster's `oidcProviderArn`.
 * A created provider's client ids are exactly the audiences its identities use.
 */
export class ClusterOidcProvider extends Construct {
  /**
   * The provider for `cluster`'s issuer: the one already in the app, or a new one as child `OidcProvider` of the
   * cluster construct. Throws when the cluster has no `oidcIssuerUrl`.
   */
  public static forCluster(cluster: IWorkloadCluster): ClusterOidcProvider {
    if (cluster.oidcIssuerUrl === undefined) {
      throw new Error(`Cluster "${clusterLabel(cluster)}" has no OIDC issuer, which IRSA needs: set oidcIssuerUrl ` +
        '(aws eks describe-cluster --query cluster.identity.oidc.issuer) when importing it, or use Pod Identity');
    }
    const existing = findRegistered(cluster, registryKey(cluster, cluster.oidcIssuerUrl));
    if (existing) return existing as ClusterOidcProvider;
    return new ClusterOidcProvider(cluster, 'OidcProvider', { issuerUrl: cluster.oidcIssuerUrl, providerArn: cluster.oidcProviderArn });
  }

  /** The IAM OIDC provider. */
  public readonly provider: iam.IOidcProvider;

  /** The issuer URL. */
  public readonly issuerUrl: string;

  /** Whether this app creates the provider (else it was imported by ARN). */
  public readonly created: boolean;

  /** The account the provider is in: from the imported ARN, else the account of the stack that creates it. */
  public readonly account: string;

  private readonly clientIds = new Set<string>();

  constructor(scope: Construct, id: string, props: ClusterOidcProviderProps) {
    super(scope, id);
    assertIssuerUrl(props.issuerUrl);
    if (props.providerArn !== undefined) assertProviderArn(props.providerArn, props.issuerUrl);
    const existing = register(this, registryKey(this, props.issuerUrl));
    if (existing) {
      throw new Error(`ClusterOidcProvider ${this.node.path}: issuer ${props.issuerUrl} already has an IAM OIDC provider in this app ` +
        `at ${existing.node.path}; use ClusterOidcProvider.forCluster(cluster) to share it`);
    }
    this.issuerUrl = props.issuerUrl;
    this.created = props.providerArn === undefined;
    this.account = props.providerArn !== undefined && !Token.isUnresolved(props.providerArn)
      ? Arn.split(props.providerArn, ArnFormat.SLASH_RESOURCE_NAME).account!
      : Stack.of(this).account;
    this.provider = props.providerArn !== undefined
      ? iam.OidcProviderNative.fromOidcProviderArn(this, 'Resource', props.providerArn)
      : new iam.OidcProviderNative(this, 'Resource', {
        url: props.issuerUrl,
        clientIds: Lazy.list({ produce: () => [...this.clientIds].sort() }),
      });
  }

  /**
   * Accept tokens with audience `audience` (a client id of a provider created here; an imported provider
   * must already list it).
   */
  public addAudience(audience: string): void {
    this.clientIds.add(audience);
  }
}

function registryKey(scope: Construct, issuerUrl: string): string {
  const issuer = Token.isUnresolved(issuerUrl) ? JSON.stringify(Stack.of(scope).resolve(issuerUrl)) : issuerUrl;
  return `oidc-provider:${issuer}`;
}
