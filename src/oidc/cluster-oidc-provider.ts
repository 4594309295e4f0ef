import { Arn, ArnFormat, Lazy, Stack, Token, aws_iam as iam } from 'aws-cdk-lib';
import { Construct, type IConstruct } from 'constructs';
import { assertIssuerUrl, assertProviderArn, issuerHostPath } from './issuer-url';
import type { IWorkloadCluster } from '../cluster/workload-cluster';
import { clusterLabel, findRegistered, register } from '../private/app-registry';
import { assertSamePartition, partitionOfStack } from '../private/arns';
import { fail, show, subjectFor, subjectOf, subjectOfAny } from '../private/errors';

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
 * At most one exists per issuer and account in an app: `ClusterOidcProvider.forCluster()` creates it on first use
 * (natively, `AWS::IAM::OIDCProvider`, no custom resource and no thumbprint) or imports the `oidcProviderArn` that any
 * import of the cluster gives. A created provider's client ids are exactly the audiences its identities use.
 * IAM is global: roles in other stacks, even in other regions, reference a created provider by its ARN (a literal when
 * the account and partition are known) and deploy after it, without cross-region references.
 */
export class ClusterOidcProvider extends Construct {
  /**
   * The provider for `cluster`'s issuer: the one already in the app, or else one imported by the `oidcProviderArn` of
   * any import of the same issuer, or else a new one as child `OidcProvider` of the cluster construct.
   * Throws when the cluster has no `oidcIssuerUrl`.
   */
  public static forCluster(cluster: IWorkloadCluster): ClusterOidcProvider {
    const issuer = cluster.oidcIssuerUrl;
    if (issuer === undefined) {
      fail(subjectOfAny(cluster), `cluster "${clusterLabel(cluster)}" has no oidcIssuerUrl`, 'an OIDC issuer for IRSA',
        'set oidcIssuerUrl when importing the cluster (aws eks describe-cluster --query cluster.identity.oidc.issuer), or use Pod Identity');
    }
    const key = providerKey(cluster, issuer, cluster.oidcProviderArn);
    const existing = findRegistered(cluster, key) as ClusterOidcProvider | undefined;
    if (existing) {
      if (cluster.oidcProviderArn !== undefined && existing.declaredArn !== cluster.oidcProviderArn &&
          existing.provider.oidcProviderArn !== cluster.oidcProviderArn) {
        fail(subjectOfAny(cluster), `oidcProviderArn is ${show(cluster.oidcProviderArn)}, but issuer ${issuer} already has ` +
          (existing.created ? `an IAM OIDC provider created at ${existing.node.path}` : `the provider ${show(existing.declaredArn)} (imported at ${existing.node.path})`),
        'one IAM OIDC provider per issuer and account', 'give the same oidcProviderArn on every import of the cluster, or on none');
      }
      return existing;
    }
    const declared = findRegistered(cluster, declarationKey(key)) as IWorkloadCluster | undefined;
    return new ClusterOidcProvider(cluster, 'OidcProvider', { issuerUrl: issuer, providerArn: cluster.oidcProviderArn ?? declared?.oidcProviderArn });
  }

  /**
   * Records that `cluster` names an existing provider for its issuer, so that imports of the same issuer that do not
   * name it use it too. Throws when another import names another provider, or when a provider for the issuer was
   * already created (an IRSA identity on an import without `oidcProviderArn`, defined before this import).
   */
  public static declareExisting(cluster: IWorkloadCluster): void {
    const issuer = cluster.oidcIssuerUrl;
    const arn = cluster.oidcProviderArn;
    if (issuer === undefined || arn === undefined) return;
    const key = providerKey(cluster, issuer, arn);
    const subject = subjectOf('EksCluster', cluster);
    const created = findRegistered(cluster, key) as ClusterOidcProvider | undefined;
    if (created && created.declaredArn !== arn) {
      fail(subject, `oidcProviderArn is ${show(arn)}, but an IRSA identity defined earlier already created a provider for issuer ` +
        `${issuer} at ${created.node.path}, from an import of the cluster without oidcProviderArn`,
      'every import of one issuer to agree on its provider', 'give oidcProviderArn on every import of the cluster, or import the cluster once');
    }
    const other = register(cluster, declarationKey(key)) as IWorkloadCluster | undefined;
    if (other && other.oidcProviderArn !== arn) {
      fail(subject, `oidcProviderArn is ${show(arn)}, but ${other.node.path} imports issuer ${issuer} with another provider ARN, ${show(other.oidcProviderArn)}`,
        'one IAM OIDC provider per issuer and account');
    }
  }

  /** The IAM OIDC provider. */
  public readonly provider: iam.IOidcProvider;

  /** The issuer URL. */
  public readonly issuerUrl: string;

  /** Whether this app creates the provider (else it was imported by ARN). */
  public readonly created: boolean;

  /** The account the provider is in: from the imported ARN, else the account of the stack that creates it. */
  public readonly account: string;

  /**
   * The provider's ARN as a literal, when it is known at synthesis: an imported ARN, or for a created provider the ARN
   * IAM will give it (`arn:<partition>:iam::<account>:oidc-provider/<issuer without https://>`) when the stack's account and
   * region and the issuer are literal.
   */
  public readonly literalProviderArn?: string;

  private readonly declaredArn?: string;
  private readonly clientIds = new Set<string>();

  constructor(scope: Construct, id: string, props: ClusterOidcProviderProps) {
    const subject = subjectFor('ClusterOidcProvider', scope, id);
    assertIssuerUrl(subject, 'issuerUrl', props.issuerUrl);
    if (props.providerArn !== undefined) {
      assertProviderArn(subject, props.providerArn, props.issuerUrl);
      assertSamePartition(subject, 'providerArn', props.providerArn, Stack.of(scope));
    }
    super(scope, id);
    const existing = register(this, providerKey(this, props.issuerUrl, props.providerArn));
    if (existing) {
      fail(subject, `issuer ${props.issuerUrl} already has an IAM OIDC provider in this app at ${existing.node.path}`,
        'one provider per issuer and account', 'use ClusterOidcProvider.forCluster(cluster) to share it');
    }
    const stack = Stack.of(this);
    this.issuerUrl = props.issuerUrl;
    this.created = props.providerArn === undefined;
    this.declaredArn = props.providerArn;
    this.account = props.providerArn !== undefined && !Token.isUnresolved(props.providerArn)
      ? Arn.split(props.providerArn, ArnFormat.SLASH_RESOURCE_NAME).account!
      : stack.account;
    const partition = partitionOfStack(stack);
    this.literalProviderArn = props.providerArn !== undefined
      ? (Token.isUnresolved(props.providerArn) ? undefined : props.providerArn)
      : (partition && !Token.isUnresolved(stack.account) && !Token.isUnresolved(props.issuerUrl)
        ? `arn:${partition}:iam::${stack.account}:oidc-provider/${issuerHostPath(props.issuerUrl)}`
        : undefined);
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

  /**
   * The provider's ARN for a trust policy in `consumer`'s stack. In the provider's own stack, or for an imported
   * provider, the provider's ARN; in another stack, the literal ARN (IAM is global, so no cross-stack or cross-region
   * reference is needed) and a dependency on the provider's stack, so that the provider exists before the role.
   */
  public providerArnFor(consumer: IConstruct): string {
    const here = Stack.of(this);
    const there = Stack.of(consumer);
    if (!this.created || here === there || this.literalProviderArn === undefined) return this.provider.oidcProviderArn;
    there.addDependency(here, `IRSA trust in ${consumer.node.path} names the OIDC provider ${this.node.path}`);
    return this.literalProviderArn;
  }
}

/** The registry key of the provider for `issuerUrl` in the account of `providerArn`, or else of `scope`'s stack. */
function providerKey(scope: IConstruct, issuerUrl: string, providerArn: string | undefined): string {
  const stack = Stack.of(scope);
  const account = providerArn !== undefined && !Token.isUnresolved(providerArn)
    ? Arn.split(providerArn, ArnFormat.SLASH_RESOURCE_NAME).account!
    : stack.account;
  const text = (value: string) => (Token.isUnresolved(value) ? JSON.stringify(stack.resolve(value)) : value);
  return `oidc-provider:${text(account)}:${text(issuerUrl)}`;
}

function declarationKey(providerKeyValue: string): string {
  return `declared-${providerKeyValue}`;
}
