import { Stack, aws_iam as iam } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AddonIdentityOptions } from './addon-identity-options';
import type { AddonPolicy } from './addon-policy';
import type { Subject } from '../private/errors';

/**
 * Properties of `AddonIdentity.fsxOpenZfsCsiDriver()`: the Amazon FSx for OpenZFS CSI driver's controller, which
 * creates, resizes and deletes file systems, volumes and snapshots. Conventional service account:
 * `kube-system/fsx-openzfs-csi-controller-sa` (the aws-fsx-openzfs-csi-driver Helm chart, installed in `kube-system`
 * as its docs/install.md does).
 */
export interface FsxOpenZfsCsiDriverIdentityProps extends AddonIdentityOptions {}

/**
 * The FSx for OpenZFS CSI driver's policy, from terraform-aws-iam v6.5.0 modules/iam-role-for-service-accounts
 * policies.tf `fsx_openzfs_csi` (after kubernetes-sigs/aws-fsx-openzfs-csi-driver docs/install.md; the pod identity
 * module has no OpenZFS policy), narrowed to the account:
 *
 * - FSx's service-linked role (create, attach, put policy) in the role's account (upstream: any account), and its
 *   creation only for FSx (`iam:AWSServiceName`);
 * - the file system, volume, snapshot and tag actions on the FSx resources of the stack's account and region
 *   (upstream: `*`: the driver creates them, their ids are known only then);
 * - the Describe calls on `*`.
 */
export function fsxOpenZfsCsiDriverPolicy(_subject: Subject, scope: Construct, _props: FsxOpenZfsCsiDriverIdentityProps): AddonPolicy {
  const stack = Stack.of(scope);
  const fsxRole = `arn:${stack.partition}:iam::${stack.account}:role/aws-service-role/fsx.amazonaws.com/*`;
  return {
    addon: 'aws-fsx-openzfs-csi-driver',
    namespace: 'kube-system',
    serviceAccount: 'fsx-openzfs-csi-controller-sa',
    splitHint: 'statements',
    source: 'kubernetes-sigs/aws-fsx-openzfs-csi-driver docs/install.md; terraform-aws-iam policies.tf (fsx_openzfs_csi)',
    statements: [
      new iam.PolicyStatement({
        sid: 'TheFsxServiceLinkedRole',
        actions: ['iam:CreateServiceLinkedRole', 'iam:AttachRolePolicy', 'iam:PutRolePolicy'],
        resources: [fsxRole],
      }),
      new iam.PolicyStatement({
        sid: 'CreateServiceLinkedRolesForFsxOnly',
        actions: ['iam:CreateServiceLinkedRole'],
        resources: [fsxRole],
        conditions: { StringLike: { 'iam:AWSServiceName': `fsx.${stack.urlSuffix}` } },
      }),
      new iam.PolicyStatement({
        sid: 'ManageFileSystemsVolumesAndSnapshots',
        actions: ['fsx:CreateFileSystem', 'fsx:UpdateFileSystem', 'fsx:DeleteFileSystem', 'fsx:CreateVolume', 'fsx:DeleteVolume',
          'fsx:CreateSnapshot', 'fsx:DeleteSnapshot', 'fsx:TagResource', 'fsx:ListTagsForResource'],
        resources: [`arn:${stack.partition}:fsx:${stack.region}:${stack.account}:*`],
      }),
      new iam.PolicyStatement({
        sid: 'DescribeOnAnyResource',
        actions: ['fsx:DescribeFileSystems', 'fsx:DescribeVolumes', 'fsx:DescribeSnapshots'],
        resources: ['*'],
      }),
    ],
  };
}
