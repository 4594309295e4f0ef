import { Stack, aws_iam as iam } from 'aws-cdk-lib';
import type { aws_kms as kms } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AddonIdentityOptions } from './addon-identity-options';
import type { AddonPolicy } from './addon-policy';
import { kmsKeyArnsOf } from './external-secrets';
import { bucketPathsOf, listBucketStatements, type S3BucketPath } from './mountpoint-s3-csi-driver';
import { fail, show, type Subject } from '../private/errors';
import { assertOptionalBoolean } from '../private/names';

/**
 * Properties of `AddonIdentity.velero()`: Velero with its AWS plugin, backing up to S3 and snapshotting EBS volumes.
 * Conventional service account: `velero/velero-server` (the vmware-tanzu Helm chart `velero`, release `velero` in
 * namespace `velero`: its server service account is `<release>-server`).
 */
export interface VeleroIdentityProps extends AddonIdentityOptions {
  /**
   * The backup storage locations: buckets, or key prefixes in them (a location's `prefix`). Give these or
   * `bucketPathArns` (or both).
   *
   * @default - none
   */
  readonly bucketPaths?: S3BucketPath[];

  /**
   * The backup storage locations as ARNs of the objects below them: `arn:<partition>:s3:::<bucket>/*` or
   * `arn:<partition>:s3:::<bucket>/<prefix>/*`.
   *
   * @default - none
   */
  readonly bucketPathArns?: string[];

  /**
   * Customer managed KMS keys of the buckets (SSE-KMS) and of the EBS volumes Velero snapshots and restores.
   *
   * @default - no KMS permission
   */
  readonly kmsKeys?: kms.IKey[];

  /**
   * ARNs of customer managed KMS keys of the buckets and volumes (`arn:<partition>:kms:<region>:<account>:key/<key id>`).
   *
   * @default - no KMS permission
   */
  readonly kmsKeyArns?: string[];

  /**
   * EBS snapshots of PersistentVolumes (the plugin's VolumeSnapshotLocation). Without them, only the Kubernetes objects
   * and file-system backups (the node agent) go to S3, and the role gets no EC2 permission.
   *
   * @default true
   */
  readonly volumeSnapshots?: boolean;
}

// The tag Velero's AWS plugin puts on every snapshot it creates (velero-plugin-for-aws volume_snapshotter.go, with
// velero.io/pv), and the only snapshots it deletes are its own.
const BACKUP_TAG = 'velero.io/backup';

/**
 * Velero's policy, from terraform-aws-eks-pod-identity v2.8.1 velero.tf (after vmware-tanzu/velero-plugin-for-aws's
 * README, "Set permissions for Velero"):
 *
 * - the S3 object actions on the given locations only; `s3:ListBucket` on their buckets (with the `s3:prefix`
 *   condition for a location given by prefix). The module defaults ListBucket to every bucket (`s3:::*`).
 * - With `volumeSnapshots`: `DescribeVolumes` and `DescribeSnapshots` on `*` (they take no resource);
 *   `CreateSnapshot` and `CreateVolume` in the stack's account and region (upstream: `*`); `CreateTags` only as part
 *   of those calls (`ec2:CreateAction`: the plugin tags snapshots and restored volumes when it creates them), and
 *   `DeleteSnapshot` only on snapshots tagged `velero.io/backup`, which the plugin puts on each snapshot it takes
 *   (upstream: both unconditioned, on `*`).
 * - With keys: the module's ten KMS actions, on the given keys only.
 */
export function veleroPolicy(subject: Subject, scope: Construct, props: VeleroIdentityProps): AddonPolicy {
  assertOptionalBoolean(subject, 'volumeSnapshots', props.volumeSnapshots);
  const paths = bucketPathsOf(subject, props.bucketPaths, props.bucketPathArns, 'the buckets (and prefixes) of Velero\'s backup storage locations');
  if (props.kmsKeys !== undefined && !Array.isArray(props.kmsKeys)) fail(subject, `kmsKeys is ${show(props.kmsKeys)}`, 'a list');
  const keys = kmsKeyArnsOf(subject, props.kmsKeys, props.kmsKeyArns);
  const stack = Stack.of(scope);
  const ec2 = (resource: string, account: string = stack.account) => `arn:${stack.partition}:ec2:${stack.region}:${account}:${resource}`;
  // Snapshot ARNs have no account (arn:<partition>:ec2:<region>::snapshot/<id>).
  const snapshots = ec2('snapshot/*', '');
  const volumes = ec2('volume/*');
  const statements: iam.PolicyStatement[] = [
    new iam.PolicyStatement({
      sid: 'ReadAndWriteTheBackupLocations',
      actions: ['s3:GetObject', 's3:DeleteObject', 's3:PutObject', 's3:PutObjectTagging', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      resources: paths.map(p => p.objectsArn),
    }),
    ...listBucketStatements(paths),
  ];
  if (props.volumeSnapshots !== false) {
    statements.push(
      new iam.PolicyStatement({ sid: 'SnapshotVolumesAndRestoreThem', actions: ['ec2:CreateSnapshot', 'ec2:CreateVolume'], resources: [volumes, snapshots] }),
      new iam.PolicyStatement({
        sid: 'TagSnapshotsAndVolumesOnCreation',
        actions: ['ec2:CreateTags'],
        resources: [volumes, snapshots],
        conditions: { StringEquals: { 'ec2:CreateAction': ['CreateSnapshot', 'CreateVolume'] } },
      }),
      new iam.PolicyStatement({
        sid: 'DeleteItsOwnSnapshots',
        actions: ['ec2:DeleteSnapshot'],
        resources: [snapshots],
        conditions: { Null: { [`ec2:ResourceTag/${BACKUP_TAG}`]: 'false' } },
      }),
      new iam.PolicyStatement({ sid: 'DescribeCallsTakeNoResource', actions: ['ec2:DescribeVolumes', 'ec2:DescribeSnapshots'], resources: ['*'] }),
    );
  }
  if (keys.length > 0) {
    statements.push(new iam.PolicyStatement({
      sid: 'UseTheGivenKeys',
      actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey', 'kms:CreateGrant', 'kms:ListGrants',
        'kms:RevokeGrant', 'kms:RetireGrant', 'kms:ListRetirableGrants'],
      resources: keys,
    }));
  }
  return {
    addon: 'velero',
    namespace: 'velero',
    serviceAccount: 'velero-server',
    splitHint: 'backup locations or keys',
    source: 'vmware-tanzu/velero-plugin-for-aws README; terraform-aws-eks-pod-identity velero.tf',
    statements,
  };
}
