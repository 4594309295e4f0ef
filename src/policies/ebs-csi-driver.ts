import { Stack, aws_iam as iam } from 'aws-cdk-lib';
import type { aws_kms as kms } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AddonIdentityOptions, ManagedAddonInstallOptions } from './addon-identity-options';
import type { AddonPolicy } from './addon-policy';
import { kmsKeyArnsOf } from './external-secrets';
import { fail, show, type Subject } from '../private/errors';
import { assertOptionalBoolean } from '../private/names';

/**
 * Properties of `AddonIdentity.ebsCsiDriver()`: the Amazon EBS CSI driver's controller, which creates, attaches,
 * resizes, snapshots and deletes EBS volumes for PersistentVolumeClaims. Conventional service account:
 * `kube-system/ebs-csi-controller-sa` (the aws-ebs-csi-driver Helm chart's `controller.serviceAccount.name`, installed
 * in `kube-system` as the driver's install guide does; the EKS add-on `aws-ebs-csi-driver` uses the same).
 *
 * Nothing is required: the driver creates the volumes it manages, so its policy is scoped by the tags it puts on them,
 * as upstream's is. Give the KMS keys of encrypted StorageClasses (`kmsKeyId`) in `kmsKeys` or `kmsKeyArns`.
 */
export interface EbsCsiDriverIdentityProps extends AddonIdentityOptions {
  /**
   * Install the add-on as the EKS managed add-on `aws-ebs-csi-driver`, which then names the role itself (no separate association).
   *
   * @default - not installed here: the add-on is installed by other means, and gets a separate association
   */
  readonly installAddon?: ManagedAddonInstallOptions;

  /**
   * Customer managed KMS keys the driver may encrypt volumes with (StorageClass parameter `kmsKeyId`): it creates
   * grants on them for EBS, and uses them. Not needed for the AWS managed key `aws/ebs`.
   *
   * @default - no KMS permission: only unencrypted volumes, or volumes encrypted with `aws/ebs`
   */
  readonly kmsKeys?: kms.IKey[];

  /**
   * ARNs of customer managed KMS keys the driver may encrypt volumes with
   * (`arn:<partition>:kms:<region>:<account>:key/<key id>`; not aliases, which IAM does not match keys by).
   *
   * @default - no KMS permission: only unencrypted volumes, or volumes encrypted with `aws/ebs`
   */
  readonly kmsKeyArns?: string[];

  /**
   * Let the driver act only on volumes and snapshots tagged `ebs.csi.aws.com/cluster` = `true` (the tag it puts on
   * those it creates), and on volumes migrated from the in-tree plugin (tagged `kubernetes.io/created-for/pvc/name`):
   * the statements of the driver's `AmazonEBSCSIDriverPolicyV2`, which its install guide now recommends. Volumes and
   * snapshots created outside the driver (static provisioning) must then carry the tag
   * (kubernetes-sigs/aws-ebs-csi-driver issue 2918).
   *
   * @default false - the statements of the driver's example-iam-policy.json (`AmazonEBSCSIDriverPolicy`): writes
   * conditioned on the tags `ebs.csi.aws.com/cluster`, `CSIVolumeName`, `kubernetes.io/created-for/pvc/name` and
   * `CSIVolumeSnapshotName`; attach, detach, resize and snapshot of any volume of the account
   */
  readonly requireDriverTags?: boolean;
}

// The tags the driver puts on the volumes and snapshots it creates (aws-ebs-csi-driver docs/tagging.md), and the one the
// in-tree plugin put on the volumes it created.
const CLUSTER_TAG = 'ebs.csi.aws.com/cluster';
const VOLUME_NAME_TAG = 'CSIVolumeName';
const SNAPSHOT_NAME_TAG = 'CSIVolumeSnapshotName';
const PVC_NAME_TAG = 'kubernetes.io/created-for/pvc/name';

// In the order of the driver's policies; DescribeTags is in the example policy only, not in AmazonEBSCSIDriverPolicyV2.
const describeActions = (withTags: boolean) => [
  'ec2:DescribeAvailabilityZones',
  'ec2:DescribeInstances',
  'ec2:DescribeInstanceTypes',
  'ec2:DescribeSnapshots',
  ...(withTags ? ['ec2:DescribeTags'] : []),
  'ec2:DescribeVolumes',
  'ec2:DescribeVolumesModifications',
  'ec2:DescribeVolumeStatus',
];

/**
 * The Amazon EBS CSI driver's policy.
 *
 * Actions, resources and conditions from the driver's own documentation, kubernetes-sigs/aws-ebs-csi-driver at commit
 * 429e202e589798e55c0f8ddcc81b2850b7f000d0 (after v1.64.0): docs/example-iam-policy.json (last changed in dd53bedf,
 * 2026-04-20) and, with `requireDriverTags`, docs/AmazonEBSCSIDriverPolicyV2.json; the KMS statements from
 * terraform-aws-eks-pod-identity v2.8.1 aws_ebs_csi.tf (commit 2cbd87e243fcbf74385331dcf983e273eeb7aa36), as
 * terraform-aws-iam v6.5.0 (981121bcd17618b8ed032223c0d9e647b9277ef9) modules/iam-role-for-service-accounts/policies.tf
 * `ebs_csi` writes them.
 *
 * Where terraform-aws-eks-pod-identity v2.8.1 differs from the driver's example policy, this follows the driver's,
 * which it cites as its source and which is the narrower: the module leaves `CreateSnapshot`, `ModifyVolume`,
 * `AttachVolume`, `DetachVolume` and `EnableFastSnapshotRestores` on `*` and lets `CreateVolume` from any snapshot;
 * the driver puts them on volumes, instances and snapshots, and `CreateSnapshot` under the snapshot tag conditions.
 *
 * Beyond both: volume and instance ARNs name the role's own account instead of `*` (the driver manages its own
 * account's volumes). Region stays `*` (the role does not know the cluster's region), and snapshot ARNs have no
 * account (`arn:<partition>:ec2:<region>::snapshot/<id>`). Volume and snapshot ids are not known in advance: the tag
 * conditions are what scopes the writes, as upstream.
 */
export function ebsCsiDriverPolicy(subject: Subject, scope: Construct, props: EbsCsiDriverIdentityProps): AddonPolicy {
  assertOptionalBoolean(subject, 'requireDriverTags', props.requireDriverTags);
  if (props.kmsKeys !== undefined && !Array.isArray(props.kmsKeys)) fail(subject, `kmsKeys is ${show(props.kmsKeys)}`, 'a list');
  const keys = kmsKeyArnsOf(subject, props.kmsKeys, props.kmsKeyArns);
  const stack = Stack.of(scope);
  const ec2 = (resource: string, account = stack.account) => `arn:${stack.partition}:ec2:*:${account}:${resource}`;
  const arns = { volume: ec2('volume/*'), volumeId: ec2('volume/vol-*'), instance: ec2('instance/*'), snapshot: ec2('snapshot/*', '*') };

  const statements = props.requireDriverTags === true ? driverTaggedStatements(arns) : examplePolicyStatements(arns);
  if (keys.length > 0) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'GrantTheGivenKeysToEbs',
        actions: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
        resources: keys,
        conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      }),
      new iam.PolicyStatement({
        sid: 'UseTheGivenKeys',
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
        resources: keys,
      }),
    );
  }
  statements.push(new iam.PolicyStatement({
    sid: 'DescribeCallsTakeNoResource',
    actions: describeActions(props.requireDriverTags !== true),
    resources: ['*'],
  }));

  return {
    addon: 'aws-ebs-csi-driver',
    namespace: 'kube-system',
    serviceAccount: 'ebs-csi-controller-sa',
    eksAddonName: 'aws-ebs-csi-driver',
    splitHint: 'KMS keys',
    source: props.requireDriverTags === true
      ? 'kubernetes-sigs/aws-ebs-csi-driver docs/AmazonEBSCSIDriverPolicyV2.json; terraform-aws-eks-pod-identity aws_ebs_csi.tf'
      : 'kubernetes-sigs/aws-ebs-csi-driver docs/example-iam-policy.json; terraform-aws-eks-pod-identity aws_ebs_csi.tf',
    statements,
  };
}

interface Ec2Arns {
  readonly volume: string;
  readonly volumeId: string;
  readonly instance: string;
  readonly snapshot: string;
}

const like = (key: string, value: string) => ({ StringLike: { [key]: value } });
const equals = (key: string, value: string) => ({ StringEquals: { [key]: value } });

/** docs/example-iam-policy.json, statement by statement, in its order. */
function examplePolicyStatements(arn: Ec2Arns): iam.PolicyStatement[] {
  const statement = (sid: string, actions: string[], resources: string[], conditions?: Record<string, unknown>) =>
    new iam.PolicyStatement({ sid, actions, resources, conditions });
  return [
    statement('SnapshotAndResizeVolumes', ['ec2:CreateSnapshot', 'ec2:ModifyVolume'], [arn.volume]),
    statement('CopyVolumes', ['ec2:CopyVolumes'], [arn.volumeId]),
    statement('AttachAndDetachVolumes', ['ec2:AttachVolume', 'ec2:DetachVolume'], [arn.volume, arn.instance]),
    statement('CreateVolumesFromSnapshots', ['ec2:CreateVolume', 'ec2:EnableFastSnapshotRestores'], [arn.snapshot]),
    statement('TagOnCreation', ['ec2:CreateTags'], [arn.volume, arn.snapshot],
      { StringEquals: { 'ec2:CreateAction': ['CreateVolume', 'CreateSnapshot', 'CopyVolumes'] } }),
    statement('DeleteTags', ['ec2:DeleteTags'], [arn.volume, arn.snapshot]),
    statement('CreateVolumesTaggedForTheDriver', ['ec2:CreateVolume', 'ec2:CopyVolumes'], [arn.volume], like(`aws:RequestTag/${CLUSTER_TAG}`, 'true')),
    statement('CreateVolumesTaggedWithAVolumeName', ['ec2:CreateVolume', 'ec2:CopyVolumes'], [arn.volume], like(`aws:RequestTag/${VOLUME_NAME_TAG}`, '*')),
    statement('DeleteVolumesTaggedForTheDriver', ['ec2:DeleteVolume'], [arn.volume], like(`ec2:ResourceTag/${CLUSTER_TAG}`, 'true')),
    statement('DeleteVolumesTaggedWithAVolumeName', ['ec2:DeleteVolume'], [arn.volume], like(`ec2:ResourceTag/${VOLUME_NAME_TAG}`, '*')),
    statement('DeleteVolumesCreatedForAPvc', ['ec2:DeleteVolume'], [arn.volume], like(`ec2:ResourceTag/${PVC_NAME_TAG}`, '*')),
    statement('CreateSnapshotsTaggedWithASnapshotName', ['ec2:CreateSnapshot'], [arn.snapshot], like(`aws:RequestTag/${SNAPSHOT_NAME_TAG}`, '*')),
    statement('CreateSnapshotsTaggedForTheDriver', ['ec2:CreateSnapshot'], [arn.snapshot], like(`aws:RequestTag/${CLUSTER_TAG}`, 'true')),
    statement('DeleteAndLockSnapshotsTaggedWithASnapshotName', ['ec2:DeleteSnapshot', 'ec2:LockSnapshot'], [arn.snapshot],
      like(`ec2:ResourceTag/${SNAPSHOT_NAME_TAG}`, '*')),
    statement('DeleteAndLockSnapshotsTaggedForTheDriver', ['ec2:DeleteSnapshot', 'ec2:LockSnapshot'], [arn.snapshot],
      like(`ec2:ResourceTag/${CLUSTER_TAG}`, 'true')),
  ];
}

/** docs/AmazonEBSCSIDriverPolicyV2.json, statement by statement, in its order. */
function driverTaggedStatements(arn: Ec2Arns): iam.PolicyStatement[] {
  const statement = (sid: string, actions: string[], resources: string[], conditions?: Record<string, unknown>) =>
    new iam.PolicyStatement({ sid, actions, resources, conditions });
  const manage = ['ec2:ModifyVolume', 'ec2:AttachVolume', 'ec2:DetachVolume', 'ec2:DeleteVolume'];
  return [
    statement('CreateAndCopyVolumesTaggedForTheDriver', ['ec2:CreateVolume', 'ec2:CopyVolumes'], [arn.volume], equals(`aws:RequestTag/${CLUSTER_TAG}`, 'true')),
    statement('CopyVolumesTaggedForTheDriver', ['ec2:CopyVolumes'], [arn.volumeId], equals(`ec2:ResourceTag/${CLUSTER_TAG}`, 'true')),
    statement('CopyMigratedVolumes', ['ec2:CopyVolumes'], [arn.volumeId], like(`ec2:ResourceTag/${PVC_NAME_TAG}`, '*')),
    statement('CreateSnapshotsTaggedForTheDriver', ['ec2:CreateSnapshot'], [arn.snapshot], equals(`aws:RequestTag/${CLUSTER_TAG}`, 'true')),
    statement('SnapshotVolumesTaggedForTheDriver', ['ec2:CreateSnapshot'], [arn.volume], equals(`ec2:ResourceTag/${CLUSTER_TAG}`, 'true')),
    statement('ManageVolumesTaggedForTheDriver', manage, [arn.volume], equals(`ec2:ResourceTag/${CLUSTER_TAG}`, 'true')),
    statement('ManageMigratedVolumes', manage, [arn.volume], like(`ec2:ResourceTag/${PVC_NAME_TAG}`, '*')),
    statement('CreateVolumesFromSnapshotsTaggedForTheDriver', ['ec2:CreateVolume', 'ec2:EnableFastSnapshotRestores'], [arn.snapshot],
      equals(`ec2:ResourceTag/${CLUSTER_TAG}`, 'true')),
    statement('AttachAndDetachOnAnyInstance', ['ec2:AttachVolume', 'ec2:DetachVolume'], [arn.instance]),
    statement('DeleteAndLockSnapshotsTaggedForTheDriver', ['ec2:DeleteSnapshot', 'ec2:LockSnapshot'], [arn.snapshot],
      equals(`ec2:ResourceTag/${CLUSTER_TAG}`, 'true')),
    statement('TagOnCreation', ['ec2:CreateTags'], [arn.volume, arn.snapshot],
      { StringEquals: { 'ec2:CreateAction': ['CreateVolume', 'CreateSnapshot', 'CopyVolumes'] } }),
    statement('ChangeOtherTagsOfVolumesTaggedForTheDriver', ['ec2:CreateTags', 'ec2:DeleteTags'], [arn.volume], {
      'StringEquals': { [`ec2:ResourceTag/${CLUSTER_TAG}`]: 'true' },
      'Null': { 'aws:TagKeys': 'false' },
      'ForAllValues:StringNotEquals': { 'aws:TagKeys': [CLUSTER_TAG, 'ebs.csi.aws.com/cluster-name', PVC_NAME_TAG] },
    }),
  ];
}
