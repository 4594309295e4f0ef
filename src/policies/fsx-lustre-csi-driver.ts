import { Stack, Token, aws_iam as iam } from 'aws-cdk-lib';
import type { aws_s3 as s3 } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AddonIdentityOptions, ManagedAddonInstallOptions } from './addon-identity-options';
import type { AddonPolicy } from './addon-policy';
import { fail, show, type Subject } from '../private/errors';

/**
 * Properties of `AddonIdentity.fsxLustreCsiDriver()`: the Amazon FSx for Lustre CSI driver's controller, which creates
 * and deletes file systems for PersistentVolumeClaims. Conventional service account: `kube-system/fsx-csi-controller-sa`
 * (the aws-fsx-csi-driver Helm chart and the EKS add-on `aws-fsx-csi-driver`).
 */
export interface FsxLustreCsiDriverIdentityProps extends AddonIdentityOptions {
  /**
   * Install the add-on as the EKS managed add-on `aws-fsx-csi-driver`, which then names the role itself (no separate association).
   *
   * @default - not installed here: the add-on is installed by other means, and gets a separate association
   */
  readonly installAddon?: ManagedAddonInstallOptions;

  /**
   * S3 buckets that StorageClasses link as data repositories (`s3ImportPath`, `s3ExportPath`): the driver lists them
   * and lets FSx create its S3 data repository service-linked role.
   *
   * @default - none: no data repository permission
   */
  readonly dataRepositoryBuckets?: s3.IBucket[];

  /**
   * ARNs of the S3 buckets StorageClasses link as data repositories (`arn:<partition>:s3:::<bucket>`).
   *
   * @default - none: no data repository permission
   */
  readonly dataRepositoryBucketArns?: string[];
}

const BUCKET_ARN = /^arn:aws[a-z0-9-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * The FSx for Lustre CSI driver's policy, from terraform-aws-eks-pod-identity v2.8.1 aws_fsx_lustre_csi.tf (after
 * kubernetes-sigs/aws-fsx-csi-driver docs/README.md), narrowed to the account:
 *
 * - `iam:CreateServiceLinkedRole` for FSx only (condition `iam:AWSServiceName`), on FSx's service-linked role in the
 *   account (upstream: `*`);
 * - with data repository buckets: `CreateServiceLinkedRole`, `AttachRolePolicy` and `PutRolePolicy` on the S3 data
 *   source service-linked role of the account (upstream's default, for any account), and `s3:ListBucket` on the given
 *   buckets (upstream: `*`);
 * - `fsx:CreateFileSystem`, `UpdateFileSystem` (resizing; terraform-aws-iam v6.5.0 policies.tf `fsx_lustre_csi` has it),
 *   `DeleteFileSystem` and `TagResource` on the file systems of the stack's account and region
 *   (upstream: `*`: the driver creates them, their ids are known only then); `DescribeFileSystems` on `*`.
 */
export function fsxLustreCsiDriverPolicy(subject: Subject, scope: Construct, props: FsxLustreCsiDriverIdentityProps): AddonPolicy {
  for (const [name, list] of [['dataRepositoryBuckets', props.dataRepositoryBuckets], ['dataRepositoryBucketArns', props.dataRepositoryBucketArns]] as const) {
    if (list !== undefined && !Array.isArray(list)) fail(subject, `${name} is ${show(list)}`, 'a list');
  }
  for (const arn of props.dataRepositoryBucketArns ?? []) {
    if (typeof arn !== 'string' || (!Token.isUnresolved(arn) && !BUCKET_ARN.test(arn))) {
      fail(subject, `dataRepositoryBucketArns has ${show(arn)}`, 'arn:<partition>:s3:::<bucket name>');
    }
  }
  const buckets = [...new Set([...(props.dataRepositoryBuckets ?? []).map(b => b.bucketArn), ...(props.dataRepositoryBucketArns ?? [])])];
  const stack = Stack.of(scope);
  const serviceRole = (service: string) => `arn:${stack.partition}:iam::${stack.account}:role/aws-service-role/${service}/*`;
  const statements = [
    new iam.PolicyStatement({
      sid: 'CreateTheFsxServiceLinkedRole',
      actions: ['iam:CreateServiceLinkedRole'],
      resources: [serviceRole('fsx.amazonaws.com')],
      conditions: { StringLike: { 'iam:AWSServiceName': `fsx.${stack.urlSuffix}` } },
    }),
    ...(buckets.length > 0 ? [
      new iam.PolicyStatement({
        sid: 'CreateTheS3DataSourceServiceLinkedRole',
        actions: ['iam:CreateServiceLinkedRole', 'iam:AttachRolePolicy', 'iam:PutRolePolicy'],
        resources: [serviceRole('s3.data-source.lustre.fsx.amazonaws.com')],
      }),
      new iam.PolicyStatement({ sid: 'ListTheDataRepositoryBuckets', actions: ['s3:ListBucket'], resources: buckets }),
    ] : []),
    new iam.PolicyStatement({
      sid: 'ManageFileSystems',
      actions: ['fsx:CreateFileSystem', 'fsx:UpdateFileSystem', 'fsx:DeleteFileSystem', 'fsx:TagResource'],
      resources: [`arn:${stack.partition}:fsx:${stack.region}:${stack.account}:file-system/*`],
    }),
    new iam.PolicyStatement({ sid: 'DescribeFileSystemsOnAnyResource', actions: ['fsx:DescribeFileSystems'], resources: ['*'] }),
  ];
  return {
    addon: 'aws-fsx-csi-driver',
    namespace: 'kube-system',
    serviceAccount: 'fsx-csi-controller-sa',
    eksAddonName: 'aws-fsx-csi-driver',
    splitHint: 'data repository buckets',
    source: 'kubernetes-sigs/aws-fsx-csi-driver docs/README.md; terraform-aws-eks-pod-identity aws_fsx_lustre_csi.tf',
    statements,
  };
}
