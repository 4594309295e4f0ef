import { Token, aws_iam as iam } from 'aws-cdk-lib';
import type { aws_kms as kms, aws_s3 as s3 } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AddonIdentityOptions, ManagedAddonInstallOptions } from './addon-identity-options';
import type { AddonPolicy } from './addon-policy';
import { kmsKeyArnsOf } from './external-secrets';
import { fail, show, type Subject } from '../private/errors';
import { assertOptionalBoolean } from '../private/names';

/**
 * A bucket, or the objects below a key prefix in it, that an add-on reads and writes.
 */
export interface S3BucketPath {
  /**
   * The bucket.
   */
  readonly bucket: s3.IBucket;

  /**
   * The key prefix of the objects (`backups/`, `data/team-a/`): a literal string without the IAM wildcards `*` and `?`.
   * A final '/' is added when it is missing (Mountpoint and Velero both treat a prefix as a directory).
   *
   * @default - the whole bucket
   */
  readonly prefix?: string;
}

/** A bucket path resolved to the ARNs a policy names. */
export interface ResolvedBucketPath {
  /** The bucket's ARN (`arn:<partition>:s3:::<bucket>`), for `s3:ListBucket`. */
  readonly bucketArn: string;
  /** The key prefix, ending in '/', or '' for the whole bucket. */
  readonly prefix: string;
  /** The ARN of the objects below the prefix (`arn:<partition>:s3:::<bucket>/<prefix>*`). */
  readonly objectsArn: string;
}

// S3 general purpose bucket names (Amazon S3 User Guide, "General purpose bucket naming rules"): 3 to 63 lowercase
// letters, digits, '.' and '-', starting and ending with a letter or digit. A path ARN names the objects below a key
// prefix and ends in '*' (terraform-aws-eks-pod-identity's `*_bucket_path_arns`, `arn:aws:s3:::my-bucket/backups/*`).
const BUCKET_PATH_ARN = /^(arn:aws[a-z0-9-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/([^*?]*)\*$/;

/**
 * The bucket paths of `paths` (typed) and `arns` (path ARNs), at least one, without repeats; shared by the add-ons that
 * read and write S3 objects (Mountpoint, Velero). `what` says what the add-on does with them, for the error message.
 */
export function bucketPathsOf(subject: Subject, paths: readonly S3BucketPath[] | undefined, arns: readonly string[] | undefined,
  what: string): ResolvedBucketPath[] {
  for (const [name, list] of [['bucketPaths', paths], ['bucketPathArns', arns]] as const) {
    if (list !== undefined && !Array.isArray(list)) fail(subject, `${name} is ${show(list)}`, 'a list');
  }
  if ((paths ?? []).length === 0 && (arns ?? []).length === 0) {
    fail(subject, 'neither bucketPaths nor bucketPathArns is given', what,
      'a policy on every bucket of the account (arn:<partition>:s3:::*) is what this library does not write');
  }
  const resolved: ResolvedBucketPath[] = [];
  (paths ?? []).forEach((path, i) => {
    if (path === null || typeof path !== 'object') fail(subject, `bucketPaths[${i}] is ${show(path)}`, '{ bucket: s3.IBucket, prefix?: string }');
    if (path.bucket === null || typeof path.bucket !== 'object' || typeof path.bucket.bucketArn !== 'string') {
      fail(subject, `bucketPaths[${i}].bucket is ${typeof path.bucket === 'object' && path.bucket !== null ? 'an object that is not a bucket' : show(path.bucket)}`,
        'an s3.IBucket');
    }
    const prefix = path.prefix ?? '';
    if (typeof prefix === 'string' && Token.isUnresolved(prefix)) {
      fail(subject, `bucketPaths[${i}].prefix is a token`, 'a literal key prefix', 'the prefix becomes part of the policy\'s ARNs and conditions');
    }
    if (typeof prefix !== 'string' || /[*?]/.test(prefix)) {
      fail(subject, `bucketPaths[${i}].prefix is ${show(prefix)}`, 'a key prefix such as backups/, without the IAM wildcards * and ?');
    }
    const directory = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
    resolved.push({ bucketArn: path.bucket.bucketArn, prefix: directory, objectsArn: path.bucket.arnForObjects(`${directory}*`) });
  });
  for (const arn of arns ?? []) {
    if (typeof arn === 'string' && Token.isUnresolved(arn)) {
      fail(subject, 'bucketPathArns has a token', 'literal ARNs, whose bucket and prefix are known at synthesis',
        'give bucketPaths for buckets known only at deployment');
    }
    const match = typeof arn === 'string' ? BUCKET_PATH_ARN.exec(arn) : null;
    if (!match) {
      fail(subject, `bucketPathArns has ${show(arn)}`, 'arn:<partition>:s3:::<bucket>/<key prefix>*, such as arn:aws:s3:::my-bucket/* or ' +
        'arn:aws:s3:::my-bucket/backups/*', 'a bucket\'s own ARN names no objects');
    }
    resolved.push({ bucketArn: match[1], prefix: match[2], objectsArn: arn });
  }
  const seen = new Set<string>();
  return resolved.filter(p => !seen.has(p.objectsArn) && !!seen.add(p.objectsArn));
}

/**
 * `s3:ListBucket` statements for `paths`, as Mountpoint's documentation scopes them: on the buckets given whole
 * without a condition; on a bucket given only by key prefixes with the condition `s3:prefix` like `<prefix>*` (the
 * Resource element cannot scope ListBucket below the bucket), one statement per bucket so that no prefix applies to
 * another bucket.
 */
export function listBucketStatements(paths: readonly ResolvedBucketPath[]): iam.PolicyStatement[] {
  const whole = unique(paths.filter(p => p.prefix === '').map(p => p.bucketArn));
  const prefixed = new Map<string, string[]>();
  for (const p of paths) {
    if (p.prefix === '' || whole.includes(p.bucketArn)) continue;
    prefixed.set(p.bucketArn, unique([...(prefixed.get(p.bucketArn) ?? []), `${p.prefix}*`]));
  }
  return [
    ...(whole.length > 0 ? [new iam.PolicyStatement({ sid: 'ListTheGivenBuckets', actions: ['s3:ListBucket'], resources: whole })] : []),
    ...[...prefixed].map(([bucketArn, prefixes], i) => new iam.PolicyStatement({
      sid: `ListTheGivenPrefixesOfBucket${i + 1}`,
      actions: ['s3:ListBucket'],
      resources: [bucketArn],
      conditions: { StringLike: { 's3:prefix': prefixes.length === 1 ? prefixes[0] : prefixes } },
    })),
  ];
}

/**
 * Properties of `AddonIdentity.mountpointS3CsiDriver()`: the Mountpoint for Amazon S3 CSI driver, with driver-level
 * credentials. Conventional service account: `kube-system/s3-csi-driver-sa` (the EKS add-on
 * `aws-mountpoint-s3-csi-driver`, and the project's Helm chart, `node.serviceAccount.name`, installed in kube-system as
 * its docs/INSTALL.md does; docs/CONFIGURATION.md names this service account for driver-level Pod Identity and IRSA).
 *
 * Give the buckets and key prefixes the driver mounts (`bucketPaths`, `bucketPathArns`, or both); for volumes with
 * `authenticationSource: pod`, Mountpoint uses the application pod's own identity instead.
 */
export interface MountpointS3CsiDriverIdentityProps extends AddonIdentityOptions {
  /**
   * Install the add-on as the EKS managed add-on `aws-mountpoint-s3-csi-driver`, which then names the role itself (no separate association).
   *
   * @default - not installed here: the add-on is installed by other means, and gets a separate association
   */
  readonly installAddon?: ManagedAddonInstallOptions;

  /**
   * The buckets, or key prefixes in them, that volumes mount (a volume's `bucketName`, and its `--prefix` mount option).
   * Give these or `bucketPathArns` (or both).
   *
   * @default - none
   */
  readonly bucketPaths?: S3BucketPath[];

  /**
   * ARNs of the objects that volumes mount, whole buckets or below a key prefix: `arn:<partition>:s3:::<bucket>/*`
   * or `arn:<partition>:s3:::<bucket>/<prefix>*` (literal ARNs; the bucket's ARN and the `s3:prefix` condition of
   * `s3:ListBucket` are derived from them).
   *
   * @default - none
   */
  readonly bucketPathArns?: string[];

  /**
   * Customer managed KMS keys the buckets' objects are encrypted with (SSE-KMS). Not needed for SSE-S3 or the AWS
   * managed key `aws/s3`.
   *
   * @default - no KMS permission
   */
  readonly kmsKeys?: kms.IKey[];

  /**
   * ARNs of customer managed KMS keys the buckets' objects are encrypted with
   * (`arn:<partition>:kms:<region>:<account>:key/<key id>`).
   *
   * @default - no KMS permission
   */
  readonly kmsKeyArns?: string[];

  /**
   * Read only: the volumes are mounted with `--read-only`, so the driver may read objects but not write or delete
   * them (and decrypts with the keys, without generating data keys).
   *
   * @default false
   */
  readonly readOnly?: boolean;
}

/**
 * The Mountpoint for Amazon S3 CSI driver's policy. Actions from Mountpoint's documentation, "IAM permissions"
 * (awslabs/mountpoint-s3 doc/CONFIGURATION.md, at 58817cab2fc3020a422d8aa14049a86b296f4498; the prefix-scoped form as
 * its test `mount_scoped_credentials` in mountpoint-s3/tests/fork_test.rs writes it), terraform-aws-eks-pod-identity
 * v2.8.1 mountpoint_s3_csi.tf (commit 2cbd87e243fcbf74385331dcf983e273eeb7aa36) and terraform-aws-iam v6.5.0
 * modules/iam-role-for-service-accounts/policies.tf (commit 981121bcd17618b8ed032223c0d9e647b9277ef9), which adds the KMS
 * statement:
 *
 * - `s3:ListBucket` on the given buckets; for a bucket given only by key prefixes, with the condition `s3:prefix`, as
 *   Mountpoint's documentation says to scope it. The Terraform modules default to every bucket (`s3:::*`) when no
 *   bucket ARNs are given: here the buckets come from the paths, which are required.
 * - `s3:GetObject`, `PutObject`, `AbortMultipartUpload`, `DeleteObject` on the given objects (`GetObject` only with
 *   `readOnly`).
 * - With keys: `kms:Decrypt` and `kms:GenerateDataKey` on them (`kms:Decrypt` only with `readOnly`), as
 *   terraform-aws-iam and Mountpoint's documentation (SSE-KMS) give them.
 *
 * Nothing is on `*`. Directory buckets (S3 Express One Zone, `s3express:CreateSession`) are not covered.
 */
export function mountpointS3CsiDriverPolicy(subject: Subject, _scope: Construct, props: MountpointS3CsiDriverIdentityProps): AddonPolicy {
  assertOptionalBoolean(subject, 'readOnly', props.readOnly);
  const paths = bucketPathsOf(subject, props.bucketPaths, props.bucketPathArns, 'the buckets and key prefixes the driver mounts');
  if (props.kmsKeys !== undefined && !Array.isArray(props.kmsKeys)) fail(subject, `kmsKeys is ${show(props.kmsKeys)}`, 'a list');
  const keys = kmsKeyArnsOf(subject, props.kmsKeys, props.kmsKeyArns);
  const readOnly = props.readOnly === true;
  return {
    addon: 'aws-mountpoint-s3-csi-driver',
    namespace: 'kube-system',
    serviceAccount: 's3-csi-driver-sa',
    eksAddonName: 'aws-mountpoint-s3-csi-driver',
    splitHint: 'buckets, prefixes or keys',
    source: 'awslabs/mountpoint-s3 doc/CONFIGURATION.md; terraform-aws-eks-pod-identity mountpoint_s3_csi.tf; terraform-aws-iam policies.tf',
    statements: [
      ...listBucketStatements(paths),
      new iam.PolicyStatement({
        sid: readOnly ? 'ReadTheGivenObjects' : 'ReadAndWriteTheGivenObjects',
        actions: readOnly ? ['s3:GetObject'] : ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:PutObject'],
        resources: paths.map(p => p.objectsArn),
      }),
      ...(keys.length > 0 ? [new iam.PolicyStatement({
        sid: 'UseTheGivenKeysForObjects',
        actions: readOnly ? ['kms:Decrypt'] : ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: keys,
      })] : []),
    ],
  };
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}
