import type { aws_certificatemanager as acm, aws_s3 as s3 } from 'aws-cdk-lib';
import type { Construct, IDependable } from 'constructs';
import { CloudFrontDiscoveryHosting } from './cloudfront-discovery-hosting';
import { S3DiscoveryHosting } from './s3-discovery-hosting';

/**
 * What a `DiscoveryHosting` is given to publish: the cluster's service account keys.
 */
export interface DiscoveryHostingBindOptions {
  /**
   * The cluster's name, for resource names and messages.
   */
  readonly clusterName: string;

  /**
   * The JWKS document (JSON text), as kube-apiserver serves it at `/openid/v1/jwks`.
   */
  readonly jwks: string;

  /**
   * The signing algorithms of the keys (`RS256`, `ES256`), for the discovery document.
   */
  readonly signingAlgorithms: string[];
}

/**
 * Where a bound `DiscoveryHosting` serves the two documents.
 */
export interface DiscoveryHostingConfig {
  /**
   * The issuer URL: `https://<host>[/<prefix>]`, without a trailing slash. A literal when the host is known at synthesis.
   */
  readonly issuerUrl: string;

  /**
   * The URL of the JWKS document: `<issuer>/openid/v1/jwks`.
   */
  readonly jwksUri: string;

  /**
   * The discovery document (JSON text) served at `<issuer>/.well-known/openid-configuration`.
   */
  readonly openIdConfiguration: string;

  /**
   * What publishes the documents: the cluster's IAM OIDC provider is created after it, so that IAM can reach the
   * issuer when it creates the provider.
   *
   * @default - nothing to wait for (the documents are published outside this app)
   */
  readonly published?: IDependable;
}

/**
 * Options of `DiscoveryHosting.s3Bucket()`.
 */
export interface S3DiscoveryHostingOptions {
  /**
   * An existing bucket to put the documents in. Its policy is never changed: the statement that lets anyone read the two
   * documents is given as a warning and a stack output, to add yourself.
   *
   * @default - a new bucket dedicated to the documents, with a name derived from the account, region and construct path
   */
  readonly bucket?: s3.IBucket;

  /**
   * A key prefix for the documents (no leading or trailing `/`); the issuer is `https://<bucket>.s3.<region>.<domain>/<prefix>`.
   *
   * @default - none: the issuer is the bucket's URL
   */
  readonly prefix?: string;
}

/**
 * Options of `DiscoveryHosting.cloudFront()`.
 */
export interface CloudFrontDiscoveryHostingOptions {
  /**
   * A domain name for the issuer (`https://<domainName>`), served by the distribution with `certificate`.
   * Without one, the issuer is the distribution's own domain, known only at deploy time: each role that trusts it then
   * needs one custom resource (`CfnJson`) to write its condition keys.
   *
   * @default - the distribution's domain (`<id>.cloudfront.net`)
   */
  readonly domainName?: string;

  /**
   * The certificate for `domainName`, in us-east-1 (a CloudFront rule). Required with `domainName`.
   *
   * @default - none
   */
  readonly certificate?: acm.ICertificate;
}

/**
 * Where a cluster's OIDC discovery documents are published. Get one from `DiscoveryHosting`.
 */
export interface IDiscoveryHosting {
  /**
   * Creates what serves the documents, as children of `scope`, and publishes them.
   */
  bind(scope: Construct, options: DiscoveryHostingBindOptions): DiscoveryHostingConfig;
}

/**
 * Where a cluster's OIDC discovery documents are published, so that IAM (and any relying party) can read them: the
 * discovery document at `<issuer>/.well-known/openid-configuration` and the keys at `<issuer>/openid/v1/jwks`.
 */
export class DiscoveryHosting {
  /**
   * A public-read S3 bucket (what the self-hosted recipe does): readable by anyone for exactly the two documents,
   * nothing else. S3 Block Public Access on the account refuses such a policy at deploy time: use `cloudFront()` there.
   */
  public static s3Bucket(options: S3DiscoveryHostingOptions = {}): IDiscoveryHosting {
    return new S3DiscoveryHosting(options);
  }

  /**
   * A private bucket behind CloudFront with origin access control: HTTPS only, TLS 1.2 or newer, nothing public in S3.
   */
  public static cloudFront(options: CloudFrontDiscoveryHostingOptions = {}): IDiscoveryHosting {
    return new CloudFrontDiscoveryHosting(options);
  }

  private constructor() {}
}
