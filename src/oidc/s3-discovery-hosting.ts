import {
  Annotations, CfnOutput, Duration, Stack, Token,
  aws_iam as iam,
  aws_s3 as s3,
  aws_s3_deployment as s3deploy,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { assertKeyPrefix, discoveryBucketName, partitionOf, s3VirtualHost, virtualHostedNameProblem } from './discovery-bucket-name';
import { JWKS_PATH, OPENID_CONFIGURATION_PATH, openIdConfigurationDocument } from './discovery-documents';
import type { DiscoveryHostingBindOptions, DiscoveryHostingConfig, IDiscoveryHosting, S3DiscoveryHostingOptions } from './discovery-hosting';
import { fail, show, type Subject } from '../private/errors';

const KIND = 'DiscoveryHosting.s3Bucket';
// AWS::IAM::OIDCProvider Url: at most 255 characters (IAM API reference, CreateOpenIDConnectProvider).
const MAX_ISSUER = 255;
// IAM caches the keys it fetched; a short max-age keeps other relying parties close behind a key rotation.
const CACHE_MAX_AGE = Duration.minutes(5);

/** The id of the statement (new bucket) or of the warning and output (existing bucket) that make the documents public. */
export const DISCOVERY_POLICY_SID = 'PublicReadOfOidcDiscoveryDocuments';
/** The id of the warning that carries the statement to add to an existing bucket's policy. */
export const DISCOVERY_POLICY_WARNING = 'cdk-workload-identity:discoveryBucketPolicy';

/**
 * The documents in a public-read S3 bucket: see `DiscoveryHosting.s3Bucket()`.
 *
 * What the upstream self-hosted recipe (amazon-eks-pod-identity-webhook SELF_HOSTED_SETUP.md) does, made safe: ACLs
 * are off (`BUCKET_OWNER_ENFORCED`), the bucket policy is the only thing that is public and names exactly the two
 * documents (`<prefix>/.well-known/openid-configuration` and `<prefix>/openid/v1/jwks`, the paths kube-apiserver serves
 * them at, so the issuer is a real OIDC issuer), HTTPS is enforced and objects are encrypted.
 *
 * The issuer is the bucket's virtual-hosted-style URL, `https://<bucket>.s3.<region>.<domain suffix>[/<prefix>]`. A new
 * bucket gets a name derived from the cluster name, account, region and construct path, so the issuer is a literal
 * and trust policies need no custom resource.
 *
 * Children of the bind scope:
 * - `DiscoveryBucket` (new bucket only): the `AWS::S3::Bucket` and its `AWS::S3::BucketPolicy`. Kept when the stack is
 *   deleted (the default removal policy, retain): its name is public in the issuer, and a deleted bucket's name can be
 *   taken by anyone, who could then publish their own keys under an issuer an IAM OIDC provider may still trust.
 * - `DiscoveryDocuments`: an `aws-s3-deployment` `BucketDeployment` that writes the two documents. CloudFormation has
 *   no resource for an S3 object, so this is the one custom resource (a Lambda function, shared by every deployment of
 *   the stack) of a self-managed cluster. It never deletes other objects (`prune: false`), and a new JWKS (a key
 *   rotation) changes its source, so the documents are rewritten in the same deployment.
 * - `DiscoveryBucketPolicyStatement` (existing bucket only): a stack output with the statement to add to its policy.
 */
export class S3DiscoveryHosting implements IDiscoveryHosting {
  /** @param options what `DiscoveryHosting.s3Bucket()` was given; checked in `bind()`, where the error can name the cluster */
  constructor(private readonly options: S3DiscoveryHostingOptions) {}

  /** Checks the options, then creates the children listed in the class documentation under `scope` and publishes the documents. */
  public bind(scope: Construct, options: DiscoveryHostingBindOptions): DiscoveryHostingConfig {
    const subject: Subject = { kind: KIND, path: scope.node.path };
    const { bucket: existing, prefix } = this.options ?? {};
    if (prefix !== undefined) assertKeyPrefix(subject, prefix);
    const stack = Stack.of(scope);
    if (existing !== undefined) assertExistingBucket(subject, existing);
    const region = existing ? existing.env.region : stack.region;

    // Name first (it is known before the bucket exists), so that every check runs before anything is created.
    const bucketName = existing ? literalBucketName(existing) : discoveryBucketName(stack, `${scope.node.path}/DiscoveryBucket`, options.clusterName);
    const keyPrefix = prefix ? `${prefix}/` : '';
    const issuerUrl = bucketName === undefined ? undefined : issuerOf(bucketName, region, prefix);
    if (issuerUrl !== undefined && !Token.isUnresolved(issuerUrl) && issuerUrl.length > MAX_ISSUER) {
      fail(subject, `the issuer ${show(issuerUrl)} has ${issuerUrl.length} characters`,
        `at most ${MAX_ISSUER} (the limit of an IAM OIDC provider URL)`, 'shorten prefix');
    }

    const bucket = existing ?? newDiscoveryBucket(scope, bucketName);
    // A new bucket without a literal name (account or region known only at deploy time) is named by CloudFormation.
    const name = bucketName ?? bucket.bucketName;
    const issuer = issuerUrl ?? issuerOf(name, region, prefix);
    const jwksUri = `${issuer}/${JWKS_PATH}`;
    const openIdConfiguration = openIdConfigurationDocument(issuer, jwksUri, options.signingAlgorithms);
    const keys = [`${keyPrefix}${OPENID_CONFIGURATION_PATH}`, `${keyPrefix}${JWKS_PATH}`];

    const partition = partitionOf(region) ?? stack.partition;
    const objectArns = keys.map(key => `arn:${partition}:s3:::${name}/${key}`);
    const statement = new iam.PolicyStatement({
      sid: DISCOVERY_POLICY_SID,
      effect: iam.Effect.ALLOW,
      principals: [new iam.StarPrincipal()],
      actions: ['s3:GetObject'],
      resources: objectArns,
    });
    if (existing) {
      reportStatement(scope, subject, name, statement, partitionOf(region), keys);
    } else {
      bucket.addToResourcePolicy(statement);
    }

    const documents = new s3deploy.BucketDeployment(scope, 'DiscoveryDocuments', {
      destinationBucket: bucket,
      sources: [
        s3deploy.Source.data(keys[0], openIdConfiguration, { jsonEscape: true }),
        s3deploy.Source.data(keys[1], options.jwks),
      ],
      prune: false,
      contentType: 'application/json',
      cacheControl: [s3deploy.CacheControl.setPublic(), s3deploy.CacheControl.maxAge(CACHE_MAX_AGE)],
    });

    return { issuerUrl: issuer, jwksUri, openIdConfiguration, published: documents };
  }
}

function issuerOf(bucketName: string, region: string, prefix: string | undefined): string {
  return `https://${s3VirtualHost(bucketName, region)}${prefix ? `/${prefix}` : ''}`;
}

/**
 * The name of an existing bucket: the literal, or the `BucketName` of a bucket of this app that was given one (its
 * `bucketName` attribute is a reference); else the token.
 */
function literalBucketName(bucket: s3.IBucket): string {
  const name = bucket.bucketName;
  if (!Token.isUnresolved(name)) return name;
  const cfn = bucket.node.defaultChild;
  const physical = s3.CfnBucket.isCfnBucket(cfn) ? cfn.bucketName : undefined;
  return typeof physical === 'string' && !Token.isUnresolved(physical) ? physical : name;
}

function assertExistingBucket(subject: Subject, bucket: s3.IBucket): void {
  if (typeof bucket !== 'object' || bucket === null || typeof bucket.bucketName !== 'string') {
    fail(subject, `bucket is ${show(bucket)}`, 'an s3.IBucket (s3.Bucket.fromBucketName(...))');
  }
  const name = literalBucketName(bucket);
  if (Token.isUnresolved(name)) return;
  const problem = virtualHostedNameProblem(name);
  if (problem) {
    fail(subject, `bucket name ${show(name)} ${problem}`,
      'a bucket whose name works in a virtual-hosted-style HTTPS URL: 3 to 63 lowercase letters, digits and \'-\'',
      'leave bucket out to get a new bucket, or use DiscoveryHosting.cloudFront()');
  }
}

/** A new bucket that may be made public by its policy only. */
function newDiscoveryBucket(scope: Construct, bucketName: string | undefined): s3.Bucket {
  const bucket = new s3.Bucket(scope, 'DiscoveryBucket', {
    bucketName,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    // ACLs can never make anything public; the bucket policy may (it names exactly the two documents).
    blockPublicAccess: new s3.BlockPublicAccess({
      blockPublicAcls: true,
      ignorePublicAcls: true,
      blockPublicPolicy: false,
      restrictPublicBuckets: false,
    }),
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
  });
  Annotations.of(bucket).addInfo('The OIDC discovery documents are public through this bucket\'s policy. If S3 Block ' +
    'Public Access is on for the account (BlockPublicPolicy or RestrictPublicBuckets), S3 refuses that policy at deploy ' +
    'time or ignores it: use DiscoveryHosting.cloudFront(), which keeps the bucket private.');
  return bucket;
}

/** An existing bucket's policy is never changed: the statement to add goes into a warning and a stack output. */
function reportStatement(scope: Construct, subject: Subject, name: string, statement: iam.PolicyStatement,
  partition: string | undefined, keys: string[]): void {
  const literal = {
    Sid: DISCOVERY_POLICY_SID,
    Effect: 'Allow',
    Principal: '*',
    Action: 's3:GetObject',
    Resource: keys.map(key => `arn:${partition ?? '<partition>'}:s3:::${Token.isUnresolved(name) ? '<bucket name>' : name}/${key}`),
  };
  const output = new CfnOutput(scope, 'DiscoveryBucketPolicyStatement', {
    description: 'The statement to add to the policy of the bucket that holds the OIDC discovery documents',
    value: Stack.of(scope).toJsonString(statement.toStatementJson()),
  });
  Annotations.of(scope).addWarningV2(DISCOVERY_POLICY_WARNING,
    `${subject.kind} ${subject.path}: the policy of the existing bucket ${Token.isUnresolved(name) ? '(named at deploy time)' : show(name)} ` +
    `is not changed; add this statement to it, or IAM cannot read the discovery documents: ${JSON.stringify(literal)}` +
    ` (also in the stack output ${Stack.of(scope).resolve(output.logicalId)}). The bucket's Block Public Access settings ` +
    'BlockPublicPolicy and RestrictPublicBuckets, and the account\'s, must be off for it to take effect.');
}
