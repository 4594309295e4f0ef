import * as fs from 'fs';
import * as path from 'path';
import { CfnOutput, Fn, Resource, Stack, Token, attachCustomSynthesis } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { apiServerFlags, flagsAreLiteral, k3sSnippet, kubeadmSnippet, type ApiServerFlagValues } from './api-server-flags';
import { PodIdentityAgent } from './pod-identity-agent';
import type { IWorkloadCluster } from './workload-cluster';
import { ClusterOidcProvider } from '../oidc/cluster-oidc-provider';
import { jwksDocument } from '../oidc/discovery-documents';
import { DiscoveryHosting, type IDiscoveryHosting } from '../oidc/discovery-hosting';
import { assertIssuerUrl, assertProviderArn, issuerHostPath } from '../oidc/issuer-url';
import { serviceAccountJwks } from '../oidc/service-account-keys';
import { assertSamePartition, partitionOfStack } from '../private/arns';
import { fail, show, subjectFor, type Subject } from '../private/errors';
import { assertString } from '../private/names';

/**
 * Properties of a `SelfManagedCluster`.
 */
export interface SelfManagedClusterProps {
  /**
   * A name for the cluster: in resource names, messages and the apiserver flag snippets. Letters, digits and `-`.
   */
  readonly clusterName: string;

  /**
   * The PEM public keys of the apiserver's service account signing keys (kubeadm: `/etc/kubernetes/pki/sa.pub`; k3s:
   * the public half of `/var/lib/rancher/k3s/server/tls/service.key`). Several during a rotation: the keys the
   * apiserver still accepts (`--service-account-key-file`). RSA of at least 2,048 bits, or EC P-256. A private key is
   * refused, and its value never shown.
   */
  readonly serviceAccountPublicKeys: string[];

  /**
   * Where the discovery documents are published.
   *
   * @default DiscoveryHosting.s3Bucket()
   */
  readonly discovery?: IDiscoveryHosting;

  /**
   * The audiences tokens for AWS carry: the client ids of the IAM OIDC provider. The first is what identities on this
   * cluster use unless they say otherwise, and what the pod identity webhook must inject (`--token-audience`).
   *
   * @default ['sts.amazonaws.com']
   */
  readonly audiences?: string[];

  /**
   * The audiences the apiserver accepts for its own API (`--api-audiences`). Setting the issuer explicitly changes the
   * apiserver's default audiences, so they are kept here; tokens for AWS must not be among them.
   *
   * @default ['https://kubernetes.default.svc.cluster.local'] (the issuer kubeadm and k3s clusters start with, and so
   * the audience of their in-cluster API tokens)
   */
  readonly apiAudiences?: string[];

  /**
   * Issuers the cluster used before this one, accepted after it (`--service-account-issuer` repeated, the new one
   * first), so that tokens issued before the move keep working until they expire.
   *
   * @default - none
   */
  readonly previousIssuerUrls?: string[];
}

/**
 * Attributes of a self-managed cluster whose discovery documents are hosted already.
 */
export interface SelfManagedClusterAttributes {
  /**
   * A name for the cluster, for messages.
   */
  readonly clusterName: string;

  /**
   * The cluster's service account issuer (`--service-account-issuer`), where its discovery documents are served.
   */
  readonly oidcIssuerUrl: string;

  /**
   * The ARN of the IAM OIDC provider that exists for the issuer.
   *
   * @default - created by the first IRSA identity, with the identities' audiences as client ids
   */
  readonly oidcProviderArn?: string;

  /**
   * The audience identities on the cluster use unless they say otherwise (the `--token-audience` of its webhook).
   *
   * @default sts.amazonaws.com
   */
  readonly defaultAudience?: string;
}

// IAM OIDC provider client ids: 1 to 255 characters (IAM API reference, CreateOpenIDConnectProvider ClientIDList);
// at most 100 client ids per provider (IAM quotas).
const MAX_AUDIENCE = 255;
const MAX_CLIENT_IDS = 100;
const CLUSTER_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,62}$/;
const DEFAULT_AUDIENCES = ['sts.amazonaws.com'];
const DEFAULT_API_AUDIENCES = ['https://kubernetes.default.svc.cluster.local'];
const NOT_EKS = 'a self-managed cluster: EKS Pod Identity works only on EKS';

/**
 * A Kubernetes cluster that is not EKS (kubeadm, k3s, kops, Talos, ...), whose pods get AWS credentials through IRSA.
 *
 * From the apiserver's service account public keys it computes the discovery document and the JWKS exactly as
 * kube-apiserver serves them (the `kid` is base64url(SHA-256(DER public key))), publishes them where IAM can read
 * them (`discovery`), creates the IAM OIDC provider (native, client ids = `audiences`), and gives the kube-apiserver
 * flags that make the cluster issue tokens for that issuer (`apiServerFlags`, also a stack output and kubeadm and k3s
 * snippets written next to the template).
 *
 * `clusterArn` is the ARN of the cluster's IAM OIDC provider: there is no EKS ARN, and the provider is the AWS resource
 * that stands for the cluster in IAM (unique per issuer and account, and what IRSA trust names).
 */
export class SelfManagedCluster extends Resource implements IWorkloadCluster {
  /**
   * A self-managed cluster whose discovery documents are hosted already (by hand, kops, or another app).
   */
  public static fromClusterAttributes(scope: Construct, id: string, attrs: SelfManagedClusterAttributes): IWorkloadCluster {
    const subject = subjectFor('SelfManagedCluster', scope, id);
    assertClusterName(subject, attrs.clusterName);
    assertIssuerUrl(subject, 'oidcIssuerUrl', attrs.oidcIssuerUrl);
    if (attrs.oidcProviderArn !== undefined) {
      assertProviderArn(subject, attrs.oidcProviderArn, attrs.oidcIssuerUrl);
      assertSamePartition(subject, 'oidcProviderArn', attrs.oidcProviderArn, Stack.of(scope));
    }
    if (attrs.defaultAudience !== undefined) assertAudiences(subject, 'defaultAudience', [attrs.defaultAudience]);
    class Import extends Resource implements IWorkloadCluster {
      public readonly clusterName = attrs.clusterName;
      public readonly clusterArn: string;
      public readonly podIdentityAgent = PodIdentityAgent.unavailable(NOT_EKS);
      public readonly oidcIssuerUrl = attrs.oidcIssuerUrl;
      public readonly oidcProviderArn = attrs.oidcProviderArn;
      public readonly defaultAudience = attrs.defaultAudience;
      constructor() {
        super(scope, id);
        this.clusterArn = attrs.oidcProviderArn ?? providerArn(Stack.of(this), attrs.oidcIssuerUrl);
        ClusterOidcProvider.declareExisting(this);
      }
    }
    return new Import();
  }

  public readonly clusterName: string;

  /**
   * The ARN of the cluster's IAM OIDC provider (a self-managed cluster has no EKS ARN).
   */
  public readonly clusterArn: string;

  /** `PodIdentityAgent.unavailable(...)`: EKS Pod Identity works only on EKS. */
  public readonly podIdentityAgent: PodIdentityAgent;

  /** The service account issuer: where the discovery documents are served (`--service-account-issuer`). */
  public readonly issuerUrl: string;

  /** The same as `issuerUrl`, for `IWorkloadCluster` (always set). */
  public readonly oidcIssuerUrl?: string;

  /** The ARN of the IAM OIDC provider this cluster creates (always set; the same as `clusterArn`). */
  public readonly oidcProviderArn?: string;

  /** The URL of the JWKS document (`--service-account-jwks-uri`). */
  public readonly jwksUri: string;

  /** The discovery document (JSON text), served at `<issuer>/.well-known/openid-configuration`. */
  public readonly openIdConfiguration: string;

  /** The JWKS document (JSON text), served at `<issuer>/openid/v1/jwks`. */
  public readonly jwks: string;

  /** The audiences (client ids of the IAM OIDC provider). */
  public readonly audiences: string[];

  /** The first audience: what identities on this cluster use unless they say otherwise (always set). */
  public readonly defaultAudience?: string;

  /**
   * The kube-apiserver flags, in order: `--service-account-issuer=<issuer>` (then any previous issuers),
   * `--service-account-jwks-uri=<jwks uri>`, `--api-audiences=<the API's own audiences>`.
   */
  public readonly apiServerFlags: string[];

  /** The IAM OIDC provider of the issuer. */
  public readonly oidcProvider: ClusterOidcProvider;

  constructor(scope: Construct, id: string, props: SelfManagedClusterProps) {
    const subject = subjectFor('SelfManagedCluster', scope, id);
    assertClusterName(subject, props.clusterName);
    const keys = serviceAccountJwks(subject, props.serviceAccountPublicKeys);
    const audiences = props.audiences ?? DEFAULT_AUDIENCES;
    assertAudiences(subject, 'audiences', audiences);
    const apiAudiences = props.apiAudiences ?? DEFAULT_API_AUDIENCES;
    assertApiAudiences(subject, apiAudiences, audiences);
    const previous = props.previousIssuerUrls ?? [];
    if (!Array.isArray(previous)) fail(subject, `previousIssuerUrls is ${show(previous)}`, 'a list of issuer URLs');
    previous.forEach((url, i) => assertIssuerUrl(subject, `previousIssuerUrls[${i}]`, url));
    super(scope, id);

    this.clusterName = props.clusterName;
    this.podIdentityAgent = PodIdentityAgent.unavailable(NOT_EKS);
    this.audiences = [...audiences];
    this.defaultAudience = audiences[0];
    this.jwks = jwksDocument(keys);

    const hosting = props.discovery ?? DiscoveryHosting.s3Bucket();
    const config = hosting.bind(this, { clusterName: props.clusterName, jwks: this.jwks, signingAlgorithms: keys.map(k => k.alg) });
    assertIssuerUrl(subject, 'the issuer of the discovery hosting', config.issuerUrl);
    this.issuerUrl = config.issuerUrl;
    this.oidcIssuerUrl = config.issuerUrl;
    this.jwksUri = config.jwksUri;
    this.openIdConfiguration = config.openIdConfiguration;
    if (!Token.isUnresolved(this.issuerUrl) && previous.includes(this.issuerUrl)) {
      fail(subject, `previousIssuerUrls includes the new issuer ${show(this.issuerUrl)}`, 'only the issuers the cluster used before');
    }

    this.oidcProvider = new ClusterOidcProvider(this, 'OidcProvider', { issuerUrl: this.issuerUrl });
    if (config.published) this.oidcProvider.node.addDependency(config.published);
    for (const audience of audiences) this.oidcProvider.addAudience(audience);
    this.clusterArn = this.oidcProvider.provider.oidcProviderArn;
    this.oidcProviderArn = this.clusterArn;

    const flags: ApiServerFlagValues = { issuerUrl: this.issuerUrl, previousIssuerUrls: previous, jwksUri: this.jwksUri, apiAudiences };
    this.apiServerFlags = apiServerFlags(flags);
    new CfnOutput(this, 'ApiServerFlags', {
      description: `kube-apiserver flags for cluster ${props.clusterName} (also in the kubeadm and k3s snippets next to the template)`,
      value: Fn.join(' ', this.apiServerFlags),
    });
    this.writeSnippets(flags);
  }

  /**
   * The kubeadm and k3s snippets, next to the stack's template: `<stack>.<cluster>.kubeadm.yaml` and
   * `<stack>.<cluster>.k3s.yaml`. Only when every value is known at synthesis; otherwise the stack output holds the flags.
   */
  private writeSnippets(flags: ApiServerFlagValues): void {
    if (!flagsAreLiteral(flags)) return;
    const stack = Stack.of(this);
    attachCustomSynthesis(this, {
      onSynthesize: session => {
        const base = path.join(session.outdir, `${stack.artifactId}.${this.clusterName}`);
        fs.writeFileSync(`${base}.kubeadm.yaml`, kubeadmSnippet(this.clusterName, flags));
        fs.writeFileSync(`${base}.k3s.yaml`, k3sSnippet(this.clusterName, flags));
      },
    });
  }
}

function assertClusterName(subject: Subject, name: string): void {
  assertString(subject, 'clusterName', name);
  if (!Token.isUnresolved(name) && !CLUSTER_NAME.test(name)) {
    fail(subject, `clusterName ${show(name)} is not a cluster name this library can use in resource and file names`,
      '1 to 63 letters, digits and \'-\', starting with a letter or digit');
  }
}

function assertAudiences(subject: Subject, what: string, audiences: readonly string[]): void {
  if (!Array.isArray(audiences) || audiences.length === 0) fail(subject, `${what} is ${show(audiences)}`, 'at least one audience');
  if (audiences.length > MAX_CLIENT_IDS) fail(subject, `${what} has ${audiences.length} audiences`, `at most ${MAX_CLIENT_IDS} (IAM's client ids per provider)`);
  audiences.forEach(a => {
    if (typeof a !== 'string' || a.length === 0 || a.length > MAX_AUDIENCE || /\s/.test(a)) {
      fail(subject, `${what} has ${show(a)}`, `audiences of 1 to ${MAX_AUDIENCE} characters without whitespace, such as sts.amazonaws.com or awssts`);
    }
  });
  const repeated = audiences.find((a, i) => audiences.indexOf(a) !== i);
  if (repeated !== undefined) fail(subject, `${what} lists ${show(repeated)} twice`, 'each audience once');
}

function assertApiAudiences(subject: Subject, apiAudiences: readonly string[], awsAudiences: readonly string[]): void {
  if (!Array.isArray(apiAudiences) || apiAudiences.length === 0) {
    fail(subject, `apiAudiences is ${show(apiAudiences)}`, 'the audiences the apiserver accepts for its own API',
      'keep what the cluster uses today (kubeadm and k3s: https://kubernetes.default.svc.cluster.local)');
  }
  apiAudiences.forEach(a => {
    if (typeof a !== 'string' || a.length === 0 || /[\s,]/.test(a)) fail(subject, `apiAudiences has ${show(a)}`, 'audiences without whitespace or commas');
  });
  const shared = apiAudiences.find(a => awsAudiences.includes(a));
  if (shared !== undefined) {
    fail(subject, `apiAudiences includes ${show(shared)}, which is also an AWS audience`,
      'the API\'s own audiences only', 'a token meant for AWS must not authenticate to the Kubernetes API: remove it');
  }
}

/** The ARN of the IAM OIDC provider of `issuerUrl` in `stack`'s account, a literal when account and partition are known. */
function providerArn(stack: Stack, issuerUrl: string): string {
  const partition = partitionOfStack(stack);
  return stack.formatArn({
    service: 'iam',
    region: '',
    resource: 'oidc-provider',
    resourceName: issuerHostPath(issuerUrl),
    ...(partition ? { partition } : {}),
  });
}
