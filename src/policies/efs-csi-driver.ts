import { Stack, Token, aws_iam as iam } from 'aws-cdk-lib';
import type { aws_efs as efs } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AddonIdentityOptions, ManagedAddonInstallOptions } from './addon-identity-options';
import type { AddonPolicy } from './addon-policy';
import { fail, show, type Subject } from '../private/errors';

/**
 * Properties of `AddonIdentity.efsCsiDriver()`: the Amazon EFS CSI driver's controller, which creates and deletes an
 * access point per dynamically provisioned PersistentVolume. Conventional service account:
 * `kube-system/efs-csi-controller-sa` (the aws-efs-csi-driver Helm chart's `controller.serviceAccount.name`, installed
 * in `kube-system` as the driver's install guide does; the EKS add-on `aws-efs-csi-driver` uses the same).
 *
 * Give the file systems its StorageClasses name (`fileSystemId`): EFS file systems in `fileSystems` or
 * `fileSystemArns`, Amazon S3 Files file systems in `s3FilesFileSystemArns`; at least one. The policy requires the
 * access points to carry the tag `efs.csi.aws.com/cluster` = `true`, which the driver sets unless a StorageClass turns
 * `enableTagging` off (as upstream's policy does).
 */
export interface EfsCsiDriverIdentityProps extends AddonIdentityOptions {
  /**
   * Install the add-on as the EKS managed add-on `aws-efs-csi-driver`, which then names the role itself (no separate association).
   *
   * @default - not installed here: the add-on is installed by other means, and gets a separate association
   */
  readonly installAddon?: ManagedAddonInstallOptions;

  /**
   * EFS file systems the driver may create access points on.
   *
   * @default - none
   */
  readonly fileSystems?: efs.IFileSystem[];

  /**
   * ARNs of EFS file systems the driver may create access points on
   * (`arn:<partition>:elasticfilesystem:<region>:<account>:file-system/<file system id>`).
   *
   * @default - none
   */
  readonly fileSystemArns?: string[];

  /**
   * ARNs of Amazon S3 Files file systems the driver may create access points on and mount
   * (`arn:<partition>:s3files:<region>:<account>:file-system/<file system id>`; PersistentVolumes name them
   * `s3files:<file system id>`). ARNs only: aws-cdk-lib has no stable interface for S3 Files file systems yet.
   *
   * @default - none: no S3 Files permission
   */
  readonly s3FilesFileSystemArns?: string[];
}

// ARN formats (Service Authorization Reference: Amazon Elastic File System `file-system`, Amazon S3 Files
// `file-system`); file system ids are `fs-` and 8 or 17 hex digits (EFS), or more (S3 Files).
const EFS_ARN = /^arn:aws[a-z0-9-]*:elasticfilesystem:[a-z0-9-]+:\d{12}:file-system\/fs-[0-9a-f]{8,40}$/;
const S3FILES_ARN = /^arn:aws[a-z0-9-]*:s3files:[a-z0-9-]+:\d{12}:file-system\/fs-[0-9a-f]{8,40}$/;

// The tag the driver puts on the access points it creates, and its only value (aws-efs-csi-driver
// docs/iam-policy-example.json; pkg/driver/controller.go).
const CLUSTER_TAG = 'efs.csi.aws.com/cluster';

/**
 * The Amazon EFS CSI driver's policy.
 *
 * Actions and conditions from the driver's own documentation, kubernetes-sigs/aws-efs-csi-driver at commit
 * a4fc67600be60d0f8350dc9459e55ff04e9aa944 (after v3.4.1): docs/iam-policy-example.json (last changed in 92c77936,
 * "Add support for S3 Files") and docs/iam-policy-create.md; terraform-aws-eks-pod-identity v2.8.1 aws_efs_csi.tf
 * (commit 2cbd87e243fcbf74385331dcf983e273eeb7aa36) has the same EFS statements, all on `*`, and predates S3 Files.
 *
 * - `CreateAccessPoint` (whose resource is the file system) only on the given file systems, with upstream's condition
 *   that the request tags the access point `efs.csi.aws.com/cluster` = `true`.
 * - `TagResource` and `DeleteAccessPoint` only on access points tagged `efs.csi.aws.com/cluster` = `true`, as upstream,
 *   and only in the role's own account. An EFS access point's ARN does not name its file system, so these cannot be
 *   narrowed to the given file systems; an S3 Files access point's does, and they are.
 * - With S3 Files file systems, the driver's `s3files:` statements (added in 92c77936), and `s3files:ClientMount`,
 *   `ClientWrite` and `ClientRootAccess` on them: docs/iam-policy-create.md gives the controller
 *   `AmazonS3FilesClientFullAccess`, which grants these three. Without S3 Files file systems none of them.
 * - The describe and list calls on `*`: the driver describes access points by their id, unknown in advance.
 */
export function efsCsiDriverPolicy(subject: Subject, scope: Construct, props: EfsCsiDriverIdentityProps): AddonPolicy {
  const fileSystems = fileSystemArnsOf(subject, props);
  const s3Files = arnsOf(subject, 's3FilesFileSystemArns', props.s3FilesFileSystemArns, S3FILES_ARN,
    'arn:<partition>:s3files:<region>:<account>:file-system/<file system id>');
  if (fileSystems.length === 0 && s3Files.length === 0) {
    fail(subject, 'no file systems are given', 'at least one of fileSystems, fileSystemArns, s3FilesFileSystemArns: the file systems ' +
      'the driver may create access points on', 'a policy on every file system of the account is what this library does not write');
  }
  const stack = Stack.of(scope);
  const taggedForTheDriver = (test: 'StringLike' | 'StringEquals', on: 'aws:RequestTag' | 'aws:ResourceTag') =>
    ({ [test]: { [`${on}/${CLUSTER_TAG}`]: 'true' } });

  const statements: iam.PolicyStatement[] = [];
  if (fileSystems.length > 0) {
    const accessPoints = `arn:${stack.partition}:elasticfilesystem:*:${stack.account}:access-point/*`;
    statements.push(
      new iam.PolicyStatement({
        sid: 'CreateAccessPointsOnTheGivenFileSystems',
        actions: ['elasticfilesystem:CreateAccessPoint'],
        resources: fileSystems,
        conditions: taggedForTheDriver('StringLike', 'aws:RequestTag'),
      }),
      new iam.PolicyStatement({
        sid: 'TagAccessPointsOfTheDriver',
        actions: ['elasticfilesystem:TagResource'],
        resources: [accessPoints],
        conditions: taggedForTheDriver('StringLike', 'aws:ResourceTag'),
      }),
      new iam.PolicyStatement({
        sid: 'DeleteAccessPointsOfTheDriver',
        actions: ['elasticfilesystem:DeleteAccessPoint'],
        resources: [accessPoints],
        conditions: taggedForTheDriver('StringEquals', 'aws:ResourceTag'),
      }),
    );
  }
  if (s3Files.length > 0) {
    const accessPoints = s3Files.map(fs => `${fs}/access-point/*`);
    statements.push(
      new iam.PolicyStatement({
        sid: 'CreateAccessPointsOnTheGivenS3FileSystems',
        actions: ['s3files:CreateAccessPoint'],
        resources: s3Files,
        conditions: taggedForTheDriver('StringLike', 'aws:RequestTag'),
      }),
      new iam.PolicyStatement({
        sid: 'TagS3AccessPointsOfTheDriver',
        actions: ['s3files:TagResource'],
        resources: accessPoints,
        conditions: taggedForTheDriver('StringLike', 'aws:ResourceTag'),
      }),
      new iam.PolicyStatement({
        sid: 'DeleteS3AccessPointsOfTheDriver',
        actions: ['s3files:DeleteAccessPoint'],
        resources: accessPoints,
        conditions: taggedForTheDriver('StringEquals', 'aws:ResourceTag'),
      }),
      new iam.PolicyStatement({
        sid: 'MountTheGivenS3FileSystems',
        actions: ['s3files:ClientMount', 's3files:ClientWrite', 's3files:ClientRootAccess'],
        resources: s3Files,
      }),
    );
  }
  statements.push(new iam.PolicyStatement({
    sid: 'DescribeAndListCallsOnAnyResource',
    actions: [
      ...(fileSystems.length > 0
        ? ['elasticfilesystem:DescribeAccessPoints', 'elasticfilesystem:DescribeFileSystems', 'elasticfilesystem:DescribeMountTargets']
        : []),
      ...(s3Files.length > 0 ? ['s3files:ListAccessPoints', 's3files:ListFileSystems'] : []),
      'ec2:DescribeAvailabilityZones',
    ],
    resources: ['*'],
  }));

  return {
    addon: 'aws-efs-csi-driver',
    namespace: 'kube-system',
    serviceAccount: 'efs-csi-controller-sa',
    eksAddonName: 'aws-efs-csi-driver',
    splitHint: 'file systems',
    source: 'kubernetes-sigs/aws-efs-csi-driver docs/iam-policy-example.json, docs/iam-policy-create.md; terraform-aws-eks-pod-identity aws_efs_csi.tf',
    statements,
  };
}

function fileSystemArnsOf(subject: Subject, props: EfsCsiDriverIdentityProps): string[] {
  if (props.fileSystems !== undefined && !Array.isArray(props.fileSystems)) fail(subject, `fileSystems is ${show(props.fileSystems)}`, 'a list');
  const arns = arnsOf(subject, 'fileSystemArns', props.fileSystemArns, EFS_ARN,
    'arn:<partition>:elasticfilesystem:<region>:<account>:file-system/<file system id>');
  return [...new Set([...(props.fileSystems ?? []).map(fs => fs.fileSystemArn), ...arns])];
}

/** `arns` without repeats, each a token or matching `format`. */
function arnsOf(subject: Subject, what: string, arns: readonly string[] | undefined, format: RegExp, expected: string): string[] {
  if (arns !== undefined && !Array.isArray(arns)) fail(subject, `${what} is ${show(arns)}`, 'a list');
  for (const arn of arns ?? []) {
    if (typeof arn !== 'string' || (!Token.isUnresolved(arn) && !format.test(arn))) fail(subject, `${what} has ${show(arn)}`, expected);
  }
  return [...new Set(arns ?? [])];
}
