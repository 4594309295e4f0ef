import { createHash } from 'crypto';
import { Aws, type Stack, Token } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { fail, show, type Subject } from '../private/errors';

// S3 general purpose bucket names (Amazon S3 User Guide, "General purpose bucket naming rules"): 3 to 63 characters,
// lowercase letters, digits, '.' and '-', beginning and ending with a letter or digit; no 'xn--', 'sthree-' or
// 'amzn-s3-demo-' prefix; no '-s3alias', '--ol-s3', '.mrap', '--x-s3' or '--table-s3' suffix. A name with a '.' cannot
// be served over HTTPS in virtual-hosted style: the S3 certificate is for '*.s3.<region>.<domain>', one label deep.
const MAX_BUCKET_NAME = 63;
const NAME_PREFIX = 'oidc-';
const HASH_LENGTH = 12;
const VIRTUAL_HOSTED_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '--x-s3', '--table-s3'];

// Key prefixes. The S3 User Guide ("Naming Amazon S3 objects") calls 0-9 a-z A-Z ! - _ . * ' ( ) safe. Of those this
// library keeps the ones RFC 3986 calls unreserved (letters, digits, '-', '_', '.'): '*' is a wildcard in the
// Resource of an IAM policy (so 'a*b' would make the bucket policy public for other keys), and ! ' ( ) are
// sub-delimiters that some HTTP clients percent-encode, after which the issuer would no longer match a token's `iss`
// byte for byte. '.' and '..' alone are path segments every client removes (RFC 3986, 5.2.4).
const PREFIX_SEGMENT = /^[A-Za-z0-9._-]+$/;
const MAX_PREFIX = 200;
const PREFIX_EXPECTED = `a key prefix of 1 to ${MAX_PREFIX} characters: segments of letters, digits, '-', '_' and '.' ` +
  'separated by single \'/\', without a leading or trailing \'/\' and without \'.\' or \'..\' segments, like "clusters/demo"';

/**
 * The name of a new discovery bucket: `oidc-<cluster>-<hash>`, lowercase, at most 63 characters, a valid S3 name
 * without dots (so the issuer can be its virtual-hosted-style HTTPS URL). The hash (12 hex digits) covers the cluster
 * name, the account, the region and the construct path of the bucket, so the name changes only when one of those does,
 * and differs between accounts and regions (bucket names are global across all AWS accounts of a partition).
 * Undefined when the stack's account or region is known only at deploy time: CloudFormation then names the bucket.
 */
export function discoveryBucketName(stack: Stack, bucketPath: string, clusterName: string): string | undefined {
  if (Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region) || Token.isUnresolved(clusterName)) return undefined;
  const hash = createHash('sha256')
    .update(JSON.stringify([clusterName, stack.account, stack.region, bucketPath]))
    .digest('hex').slice(0, HASH_LENGTH);
  const room = MAX_BUCKET_NAME - NAME_PREFIX.length - HASH_LENGTH - 1;
  const cluster = clusterName.toLowerCase().replace(/[^a-z0-9-]+/g, '-').slice(0, room).replace(/^-+|-+$/g, '');
  // Starts with 'oidc-' (no reserved prefix) and ends with hex digits (no reserved suffix).
  return `${NAME_PREFIX}${cluster ? `${cluster}-` : ''}${hash}`;
}

/** Why a literal bucket name cannot serve the documents over HTTPS in virtual-hosted style, or undefined when it can. */
export function virtualHostedNameProblem(name: string): string | undefined {
  if (name.includes('.')) return 'has a \'.\', which the S3 HTTPS certificate (*.s3.<region>.<domain>) does not cover';
  if (name.length < 3 || name.length > MAX_BUCKET_NAME) return `has ${name.length} characters`;
  if (!VIRTUAL_HOSTED_NAME.test(name)) return 'is not a DNS-compatible S3 bucket name';
  const prefix = RESERVED_PREFIXES.find(p => name.startsWith(p));
  if (prefix) return `starts with the reserved prefix ${show(prefix)}`;
  const suffix = RESERVED_SUFFIXES.find(s => name.endsWith(s));
  if (suffix) return `ends with the reserved suffix ${show(suffix)}`;
  return undefined;
}

/**
 * The virtual-hosted-style S3 host of `bucketName` in `region`: `<bucket>.s3.<region>.<domain suffix>`, with the
 * region's domain suffix from aws-cdk-lib's region facts (`amazonaws.com`, `amazonaws.com.cn`, ...), or the stack's
 * `AWS::URLSuffix` when the region is a token or one aws-cdk-lib does not know. (Amazon S3 User Guide, "Virtual hosting
 * of general purpose buckets": `https://<bucket>.s3.<region>.amazonaws.com/<key>`.)
 */
export function s3VirtualHost(bucketName: string, region: string): string {
  const suffix = Token.isUnresolved(region) ? undefined : RegionInfo.get(region).domainSuffix;
  return `${bucketName}.s3.${region}.${suffix ?? Aws.URL_SUFFIX}`;
}

/** The ARN partition of a literal region, or undefined (token, unknown region). */
export function partitionOf(region: string): string | undefined {
  return Token.isUnresolved(region) ? undefined : RegionInfo.get(region).partition;
}

/** Throws unless `prefix` is a key prefix the documents can live under (see PREFIX_EXPECTED). */
export function assertKeyPrefix(subject: Subject, prefix: unknown): asserts prefix is string {
  if (typeof prefix !== 'string') fail(subject, `prefix is ${show(prefix)} (${prefix === null ? 'null' : typeof prefix})`, PREFIX_EXPECTED);
  if (Token.isUnresolved(prefix)) {
    fail(subject, `prefix ${show(prefix)} is known only at deploy time`, PREFIX_EXPECTED,
      'the prefix is part of the issuer and of the bucket policy: give it as a literal');
  }
  const bad = (why: string, fix?: string): never => fail(subject, `prefix ${show(prefix)} ${why}`, PREFIX_EXPECTED, fix);
  if (prefix === '') bad('is empty', 'leave prefix out to put the documents at the root of the bucket');
  if (prefix.length > MAX_PREFIX) bad(`has ${prefix.length} characters`);
  if (prefix.startsWith('/')) bad('starts with \'/\'', 'remove the leading \'/\'');
  if (prefix.endsWith('/')) bad('ends with \'/\'', 'remove the trailing \'/\'');
  const segments = prefix.split('/');
  if (segments.some(s => s === '')) bad('has an empty segment (\'//\')');
  const dots = segments.find(s => s === '.' || s === '..');
  if (dots) bad(`has a ${show(dots)} segment, which HTTP clients remove from URLs`);
  const other = [...prefix].find(c => c !== '/' && !PREFIX_SEGMENT.test(c));
  if (other !== undefined) {
    bad(`has the character ${show(other)}`, other === '*' ? '\'*\' is a wildcard in bucket policies: it would make other keys public' : undefined);
  }
}
