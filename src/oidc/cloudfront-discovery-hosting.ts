import {
  CfnOutput, Duration, Stack, Token,
  aws_certificatemanager as acm,
  aws_cloudfront as cloudfront,
  aws_cloudfront_origins as origins,
  aws_s3 as s3,
  aws_s3_deployment as s3deploy,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { JWKS_PATH, OPENID_CONFIGURATION_PATH, openIdConfigurationDocument } from './discovery-documents';
import type { DiscoveryHostingBindOptions, DiscoveryHostingConfig, IDiscoveryHosting, CloudFrontDiscoveryHostingOptions } from './discovery-hosting';
import { parseArn } from '../private/arns';
import { fail, show, type Subject } from '../private/errors';

const KIND = 'DiscoveryHosting.cloudFront';
// CloudFront takes certificates for alternate domain names from ACM in us-east-1 only (CloudFront Developer Guide,
// "Requirements for using SSL/TLS certificates with CloudFront").
const CERTIFICATE_REGION = 'us-east-1';
// A DNS name (RFC 1035 / 1123): dot-separated labels of 1 to 63 letters, digits and '-', not starting or ending with
// '-', at least two labels, at most 253 characters. Lowercase only: the issuer must equal a token's `iss` byte for byte,
// and DNS names are compared case-insensitively elsewhere, so one spelling avoids two issuers for one host.
const LABEL = '[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?';
const DNS_NAME = new RegExp(`^${LABEL}(\\.${LABEL})+$`);
const MAX_DNS_NAME = 253;
const DOMAIN_EXPECTED = 'a lowercase DNS name such as "oidc.example.com": no scheme, path, port or wildcard';
// The documents change only with a key rotation, which also invalidates the two paths.
const CACHE_MAX_AGE = Duration.minutes(5);

/**
 * The documents in a private bucket behind CloudFront: see `DiscoveryHosting.cloudFront()`.
 *
 * Nothing in S3 is public: the bucket blocks all public access and admits only the distribution, through origin access
 * control (`cloudfront.amazonaws.com` with `AWS:SourceArn` = the distribution). Viewers get HTTPS only, GET and HEAD
 * only. With `domainName` and `certificate`, viewers must use TLS 1.2 or newer (`TLSv1.2_2021`); without them the
 * distribution serves `*.cloudfront.net` with CloudFront's default certificate, whose minimum protocol version cannot
 * be restricted (CloudFront always allows TLSv1 there).
 *
 * The issuer is `https://<domainName>`, a literal, when a domain is given. Without one it is `https://<distribution
 * domain>`, known only at deploy time: each role that trusts it then needs one custom resource (`CfnJson`) for its
 * condition keys. Give a domain name.
 *
 * Children of the bind scope:
 * - `DiscoveryBucket`: the private `AWS::S3::Bucket` and its `AWS::S3::BucketPolicy` (written by the origin access
 *   control: `s3:GetObject` for the distribution only).
 * - `DiscoveryDistribution`: the `AWS::CloudFront::Distribution` and its `AWS::CloudFront::OriginAccessControl`.
 * - `DiscoveryDocuments`: an `aws-s3-deployment` `BucketDeployment` that writes the two documents and invalidates their
 *   paths in the distribution. CloudFormation has no resource for an S3 object, so this is the one custom resource (a
 *   Lambda function, shared by every deployment of the stack) of a self-managed cluster.
 * - `DiscoveryDomainTarget` (with `domainName` only): a stack output with the distribution's domain, which `domainName`
 *   must point to (a Route 53 alias record or a CNAME): this hosting does not create DNS records.
 */
export class CloudFrontDiscoveryHosting implements IDiscoveryHosting {
  /** @param options what `DiscoveryHosting.cloudFront()` was given; checked in `bind()`, where the error can name the cluster */
  constructor(private readonly options: CloudFrontDiscoveryHostingOptions) {}

  /** Checks the options, then creates the children listed in the class documentation under `scope` and publishes the documents. */
  public bind(scope: Construct, options: DiscoveryHostingBindOptions): DiscoveryHostingConfig {
    const subject: Subject = { kind: KIND, path: scope.node.path };
    const { domainName, certificate } = this.options ?? {};
    assertDomainAndCertificate(subject, domainName, certificate);

    const bucket = new s3.Bucket(scope, 'DiscoveryBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
    });

    const distribution = new cloudfront.Distribution(scope, 'DiscoveryDistribution', {
      comment: `OIDC discovery documents of cluster ${options.clusterName}`.slice(0, 128),
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      },
      domainNames: domainName !== undefined ? [domainName] : undefined,
      certificate,
      // Applies to the certificate of domainName; CloudFront's default certificate always allows TLSv1.
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
    });

    const issuerUrl = `https://${domainName ?? distribution.distributionDomainName}`;
    const jwksUri = `${issuerUrl}/${JWKS_PATH}`;
    const openIdConfiguration = openIdConfigurationDocument(issuerUrl, jwksUri, options.signingAlgorithms);

    const documents = new s3deploy.BucketDeployment(scope, 'DiscoveryDocuments', {
      destinationBucket: bucket,
      sources: [
        s3deploy.Source.data(OPENID_CONFIGURATION_PATH, openIdConfiguration, { jsonEscape: true }),
        s3deploy.Source.data(JWKS_PATH, options.jwks),
      ],
      prune: false,
      contentType: 'application/json',
      cacheControl: [s3deploy.CacheControl.setPublic(), s3deploy.CacheControl.maxAge(CACHE_MAX_AGE)],
      distribution,
      distributionPaths: [`/${OPENID_CONFIGURATION_PATH}`, `/${JWKS_PATH}`],
    });

    if (domainName !== undefined) {
      new CfnOutput(scope, 'DiscoveryDomainTarget', {
        description: `Point ${Token.isUnresolved(domainName) ? 'the discovery domain' : domainName} at this domain ` +
          '(Route 53 alias or CNAME) so that IAM can read the OIDC discovery documents',
        value: distribution.distributionDomainName,
      });
    }
    return { issuerUrl, jwksUri, openIdConfiguration, published: documents };
  }
}

function assertDomainAndCertificate(subject: Subject, domainName: string | undefined, certificate: acm.ICertificate | undefined): void {
  if (domainName !== undefined && certificate === undefined) {
    fail(subject, `domainName ${show(domainName)} is given without a certificate`,
      `both domainName and certificate (an ACM certificate for it in ${CERTIFICATE_REGION}), or neither`,
      'add certificate, or leave domainName out to use the distribution\'s own domain');
  }
  if (certificate !== undefined && domainName === undefined) {
    fail(subject, 'certificate is given without a domainName', 'both domainName and certificate, or neither',
      'add the domainName the certificate is for');
  }
  if (domainName === undefined || certificate === undefined) return;
  assertDomainName(subject, domainName);
  assertCertificateRegion(subject, certificate);
}

function assertDomainName(subject: Subject, domainName: unknown): void {
  if (typeof domainName !== 'string') fail(subject, `domainName is ${show(domainName)}`, DOMAIN_EXPECTED);
  if (Token.isUnresolved(domainName)) return;
  const bad = (why: string, fix?: string): never => fail(subject, `domainName ${show(domainName)} ${why}`, DOMAIN_EXPECTED, fix);
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(domainName);
  if (scheme) bad(`has a scheme (${show(scheme[0])})`, 'give the host name only: the issuer is https://<domainName>');
  if (domainName.includes('/')) bad('has a path', 'the CloudFront hosting serves the documents at the root of the domain');
  if (/:\d*$/.test(domainName)) bad('has a port', 'CloudFront serves HTTPS on port 443 only');
  if (domainName.startsWith('*')) bad('is a wildcard', 'the issuer is one host name');
  if (domainName.length > MAX_DNS_NAME) bad(`has ${domainName.length} characters`);
  if (domainName !== domainName.toLowerCase()) bad('has uppercase letters', `write it ${show(domainName.toLowerCase())}`);
  if (!DNS_NAME.test(domainName)) bad('is not a DNS name');
}

function assertCertificateRegion(subject: Subject, certificate: acm.ICertificate): void {
  const arn = certificate.certificateArn;
  const parts = parseArn(arn);
  // A certificate created by this app: its stack's region. An imported ARN known only at deploy time is not checked.
  const created = Token.isUnresolved(arn) && acm.CfnCertificate.isCfnCertificate(certificate.node.defaultChild);
  const region = parts ? parts.region : created ? Stack.of(certificate).region : undefined;
  if (region === undefined || Token.isUnresolved(region) || region === CERTIFICATE_REGION) return;
  fail(subject, parts ? `certificate ${show(arn)} is in region ${show(region)}` : `certificate ${certificate.node.path} is created in region ${show(region)}`,
    `an ACM certificate in ${CERTIFICATE_REGION}, the only region CloudFront takes certificates from`,
    `request the certificate in ${CERTIFICATE_REGION} (for example in a stack with env.region ${show(CERTIFICATE_REGION)} and crossRegionReferences)`);
}
