import { aws_s3 as s3 } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AddonIdentity } from '../../src';
import { addonDecision, addonPolicyOf } from '../util/addon-sim';
import { expectError } from '../util/errors';
import { ACCOUNT, REGION, importCluster, newStack } from '../util/fixtures';

const BUCKET = 'arn:aws:s3:::backups-111122223333';
const KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/0b6c7c3e-1b7e-4a53-9c6d-8f0e1d2c3b4a`;
const VOLUME = `arn:aws:ec2:${REGION}:${ACCOUNT}:volume/vol-0123456789abcdef0`;
const SNAPSHOT = `arn:aws:ec2:${REGION}::snapshot/snap-0123456789abcdef0`;
const OBJECT_ACTIONS = ['s3:GetObject', 's3:DeleteObject', 's3:PutObject', 's3:PutObjectTagging', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'];

function velero(props: Partial<Parameters<typeof AddonIdentity.velero>[2]> = { bucketPathArns: [`${BUCKET}/cluster-a/*`] }) {
  const stack = newStack();
  const identity = AddonIdentity.velero(stack, 'Velero', { cluster: importCluster(stack), ...props });
  return { identity, template: Template.fromStack(stack) };
}

describe('AddonIdentity.velero', () => {
  test('velero/velero-server; the policy, exactly', () => {
    const { identity, template } = velero({ bucketPathArns: [`${BUCKET}/cluster-a/*`], kmsKeyArns: [KEY] });
    expect(identity.bindings.map(b => `${b.namespace}/${b.serviceAccount}`)).toEqual(['velero/velero-server']);
    const volumes = `arn:aws:ec2:${REGION}:${ACCOUNT}:volume/*`;
    const snapshots = `arn:aws:ec2:${REGION}::snapshot/*`;
    expect(addonPolicyOf(template).Statement).toEqual([
      { Sid: 'ReadAndWriteTheBackupLocations', Effect: 'Allow', Action: OBJECT_ACTIONS, Resource: `${BUCKET}/cluster-a/*` },
      { Sid: 'ListTheGivenPrefixesOfBucket1', Effect: 'Allow', Action: 's3:ListBucket', Resource: BUCKET, Condition: { StringLike: { 's3:prefix': 'cluster-a/*' } } },
      { Sid: 'SnapshotVolumesAndRestoreThem', Effect: 'Allow', Action: ['ec2:CreateSnapshot', 'ec2:CreateVolume'], Resource: [volumes, snapshots] },
      {
        Sid: 'TagSnapshotsAndVolumesOnCreation',
        Effect: 'Allow',
        Action: 'ec2:CreateTags',
        Resource: [volumes, snapshots],
        Condition: { StringEquals: { 'ec2:CreateAction': ['CreateSnapshot', 'CreateVolume'] } },
      },
      { Sid: 'DeleteItsOwnSnapshots', Effect: 'Allow', Action: 'ec2:DeleteSnapshot', Resource: snapshots, Condition: { Null: { 'ec2:ResourceTag/velero.io/backup': 'false' } } },
      { Sid: 'DescribeCallsTakeNoResource', Effect: 'Allow', Action: ['ec2:DescribeVolumes', 'ec2:DescribeSnapshots'], Resource: '*' },
      {
        Sid: 'UseTheGivenKeys',
        Effect: 'Allow',
        Resource: KEY,
        Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey', 'kms:CreateGrant', 'kms:ListGrants',
          'kms:RevokeGrant', 'kms:RetireGrant', 'kms:ListRetirableGrants'],
      },
    ]);
  });

  test('the simulator: the backup location, not beside it; its own snapshots; snapshots and volumes in the stack\'s region', async () => {
    const policy = addonPolicyOf(velero().template);
    for (const action of OBJECT_ACTIONS) {
      expect(await addonDecision(policy, { action, resource: `${BUCKET}/cluster-a/backups/b1.tar.gz` })).toBe('Allowed');
      expect(await addonDecision(policy, { action, resource: `${BUCKET}/cluster-b/backups/b1.tar.gz` })).toBe('Denied');
    }
    expect(await addonDecision(policy, { action: 's3:ListBucket', resource: BUCKET, context: { 's3:prefix': 'cluster-a/backups/' } })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 's3:ListBucket', resource: BUCKET, context: { 's3:prefix': 'cluster-b/' } })).toBe('Denied');
    expect(await addonDecision(policy, { action: 'ec2:CreateSnapshot', resource: VOLUME })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'ec2:CreateSnapshot', resource: VOLUME.replace(REGION, 'us-east-1') })).toBe('Denied');
    expect(await addonDecision(policy, { action: 'ec2:CreateVolume', resource: SNAPSHOT })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'ec2:DeleteSnapshot', resource: SNAPSHOT, context: { 'ec2:ResourceTag/velero.io/backup': 'nightly' } })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'ec2:DeleteSnapshot', resource: SNAPSHOT })).toBe('Denied');
    expect(await addonDecision(policy, { action: 'ec2:CreateTags', resource: SNAPSHOT, context: { 'ec2:CreateAction': 'CreateSnapshot' } })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'ec2:CreateTags', resource: VOLUME })).toBe('Denied');
    expect(await addonDecision(policy, { action: 'ec2:DeleteVolume', resource: VOLUME })).toBe('Denied');
    expect(await addonDecision(policy, { action: 'ec2:DescribeSnapshots', resource: '*' })).toBe('Allowed');
  });

  test('volumeSnapshots: false leaves out every EC2 permission', () => {
    expect(addonPolicyOf(velero({ bucketPathArns: [`${BUCKET}/*`], volumeSnapshots: false }).template).Statement.map(s => s.Sid))
      .toEqual(['ReadAndWriteTheBackupLocations', 'ListTheGivenBuckets']);
  });

  test('a typed bucket with a prefix gives the same statements as its path ARN', () => {
    const stack = newStack();
    const bucket = s3.Bucket.fromBucketArn(stack, 'Bucket', BUCKET);
    AddonIdentity.velero(stack, 'Velero', { cluster: importCluster(stack), bucketPaths: [{ bucket, prefix: 'cluster-a/' }] });
    expect(addonPolicyOf(Template.fromStack(stack))).toEqual(addonPolicyOf(velero().template));
  });

  test('bad inputs', () => {
    expectError(() => velero({}), 'AddonIdentity.velero Test/Velero: neither bucketPaths nor bucketPathArns is given, expected the buckets (and ' +
      'prefixes) of Velero\'s backup storage locations; a policy on every bucket of the account (arn:<partition>:s3:::*) is what this library does not write');
    expectError(() => velero({ bucketPathArns: [`${BUCKET}/*`], volumeSnapshots: 'yes' as any }),
      'AddonIdentity.velero Test/Velero: volumeSnapshots is "yes" (string), expected true or false');
  });
});
