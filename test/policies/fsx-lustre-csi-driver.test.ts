import { aws_s3 as s3 } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AddonIdentity, IdentityMechanism } from '../../src';
import { addonDecision, addonPolicyOf } from '../util/addon-sim';
import { expectError } from '../util/errors';
import { ACCOUNT, REGION, importCluster, newStack } from '../util/fixtures';

const BUCKET = 'arn:aws:s3:::datasets-111122223333';
const FS = `arn:aws:fsx:${REGION}:${ACCOUNT}:file-system/fs-0123456789abcdef0`;
const FSX_ROLE = `arn:aws:iam::${ACCOUNT}:role/aws-service-role/fsx.amazonaws.com/AWSServiceRoleForAmazonFSx`;
const S3_ROLE = `arn:aws:iam::${ACCOUNT}:role/aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/AWSServiceRoleForFSxS3Access_fs-0123`;

function fsx(props: Partial<Parameters<typeof AddonIdentity.fsxLustreCsiDriver>[2]> = {}) {
  const stack = newStack();
  const identity = AddonIdentity.fsxLustreCsiDriver(stack, 'Fsx', { cluster: importCluster(stack), ...props });
  return { identity, template: Template.fromStack(stack) };
}

describe('AddonIdentity.fsxLustreCsiDriver', () => {
  test('kube-system/fsx-csi-controller-sa; the policy with a data repository, exactly', () => {
    const { identity, template } = fsx({ dataRepositoryBucketArns: [BUCKET] });
    expect(identity.bindings.map(b => `${b.namespace}/${b.serviceAccount}`)).toEqual(['kube-system/fsx-csi-controller-sa']);
    expect(addonPolicyOf(template).Statement).toEqual([
      {
        Sid: 'CreateTheFsxServiceLinkedRole',
        Effect: 'Allow',
        Action: 'iam:CreateServiceLinkedRole',
        Resource: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/fsx.amazonaws.com/*`,
        Condition: { StringLike: { 'iam:AWSServiceName': 'fsx.amazonaws.com' } },
      },
      {
        Sid: 'CreateTheS3DataSourceServiceLinkedRole',
        Effect: 'Allow',
        Action: ['iam:CreateServiceLinkedRole', 'iam:AttachRolePolicy', 'iam:PutRolePolicy'],
        Resource: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/*`,
      },
      { Sid: 'ListTheDataRepositoryBuckets', Effect: 'Allow', Action: 's3:ListBucket', Resource: BUCKET },
      {
        Sid: 'ManageFileSystems',
        Effect: 'Allow',
        Action: ['fsx:CreateFileSystem', 'fsx:UpdateFileSystem', 'fsx:DeleteFileSystem', 'fsx:TagResource'],
        Resource: `arn:aws:fsx:${REGION}:${ACCOUNT}:file-system/*`,
      },
      { Sid: 'DescribeFileSystemsOnAnyResource', Effect: 'Allow', Action: 'fsx:DescribeFileSystems', Resource: '*' },
    ]);
    expect(addonPolicyOf(fsx().template).Statement.map(s => s.Sid)).toEqual(['CreateTheFsxServiceLinkedRole', 'ManageFileSystems', 'DescribeFileSystemsOnAnyResource']);
  });

  test('the simulator', async () => {
    const policy = addonPolicyOf(fsx({ dataRepositoryBucketArns: [BUCKET] }).template);
    for (const action of ['fsx:CreateFileSystem', 'fsx:UpdateFileSystem', 'fsx:DeleteFileSystem', 'fsx:TagResource']) {
      expect(await addonDecision(policy, { action, resource: FS })).toBe('Allowed');
      expect(await addonDecision(policy, { action, resource: FS.replace(REGION, 'us-east-1') })).toBe('Denied');
    }
    const slr = (name: string) => ({ 'iam:AWSServiceName': name });
    expect(await addonDecision(policy, { action: 'iam:CreateServiceLinkedRole', resource: FSX_ROLE, context: slr('fsx.amazonaws.com') })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'iam:CreateServiceLinkedRole', resource: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/ecs.amazonaws.com/x`, context: slr('ecs.amazonaws.com') })).toBe('Denied');
    expect(await addonDecision(policy, { action: 'iam:AttachRolePolicy', resource: S3_ROLE })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'iam:AttachRolePolicy', resource: `arn:aws:iam::${ACCOUNT}:role/admin` })).toBe('Denied');
    expect(await addonDecision(policy, { action: 's3:ListBucket', resource: BUCKET })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 's3:ListBucket', resource: 'arn:aws:s3:::other-111122223333' })).toBe('Denied');
  });

  test('a typed bucket gives the same statements as its ARN', () => {
    const stack = newStack();
    AddonIdentity.fsxLustreCsiDriver(stack, 'Fsx', { cluster: importCluster(stack), dataRepositoryBuckets: [s3.Bucket.fromBucketArn(stack, 'B', BUCKET)] });
    expect(addonPolicyOf(Template.fromStack(stack))).toEqual(addonPolicyOf(fsx({ dataRepositoryBucketArns: [BUCKET] }).template));
  });

  test('a bucket ARN that is not one is an error', () => {
    expectError(() => fsx({ dataRepositoryBucketArns: [`${BUCKET}/*`] }),
      `AddonIdentity.fsxLustreCsiDriver Test/Fsx: dataRepositoryBucketArns has "${BUCKET}/*", expected arn:<partition>:s3:::<bucket name>`);
  });

  test('installAddon: the aws-fsx-csi-driver add-on names the role; IRSA: its ServiceAccountRoleArn', () => {
    const { template } = fsx({ installAddon: {} });
    template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 0);
    template.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'aws-fsx-csi-driver', PodIdentityAssociations: [{ ServiceAccount: 'fsx-csi-controller-sa' }] });
    const stack = newStack();
    const cluster = importCluster(stack, 'demo', { oidcIssuerUrl: 'https://oidc.eks.eu-west-1.amazonaws.com/id/ABC' });
    AddonIdentity.fsxLustreCsiDriver(stack, 'Fsx', { cluster, mechanism: IdentityMechanism.IRSA, installAddon: {} });
    const [roleId] = Object.keys(Template.fromStack(stack).findResources('AWS::IAM::Role'));
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::Addon', { ServiceAccountRoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] } });
  });
});
