import { aws_efs as efs } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AddonIdentity, IdentityMechanism } from '../../src';
import { addonDecision, addonPolicyOf } from '../util/addon-sim';
import { expectError } from '../util/errors';
import { ACCOUNT, REGION, importCluster, newStack } from '../util/fixtures';

const fsArn = (id: string) => `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:file-system/${id}`;
const FS = fsArn('fs-0123456789abcdef0');
const OTHER_FS = fsArn('fs-99999999999999999');
const S3FS = `arn:aws:s3files:${REGION}:${ACCOUNT}:file-system/fs-0123456789abcdef0`;
const ACCESS_POINT = `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:access-point/fsap-0123456789abcdef0`;
const OTHER_ACCOUNT_ACCESS_POINT = `arn:aws:elasticfilesystem:${REGION}:444455556666:access-point/fsap-0123456789abcdef0`;
const TAGGED = { 'aws:RequestTag/efs.csi.aws.com/cluster': 'true' };
const OWNED = { 'aws:ResourceTag/efs.csi.aws.com/cluster': 'true' };

function efsDriver(props: Partial<Parameters<typeof AddonIdentity.efsCsiDriver>[2]> = { fileSystemArns: [FS] }) {
  const stack = newStack();
  const identity = AddonIdentity.efsCsiDriver(stack, 'Efs', { cluster: importCluster(stack), ...props });
  return { stack, identity, template: Template.fromStack(stack) };
}

describe('AddonIdentity.efsCsiDriver', () => {
  test('kube-system/efs-csi-controller-sa and its association', () => {
    const { identity, template } = efsDriver();
    expect(identity.bindings.map(b => `${b.namespace}/${b.serviceAccount}`)).toEqual(['kube-system/efs-csi-controller-sa']);
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Namespace: 'kube-system', ServiceAccount: 'efs-csi-controller-sa' });
  });

  test('the policy, exactly: access points on the given file system, tagged for the driver; describe calls on *', () => {
    const accessPoints = `arn:aws:elasticfilesystem:*:${ACCOUNT}:access-point/*`;
    expect(addonPolicyOf(efsDriver().template).Statement).toEqual([
      {
        Sid: 'CreateAccessPointsOnTheGivenFileSystems',
        Effect: 'Allow',
        Action: 'elasticfilesystem:CreateAccessPoint',
        Resource: FS,
        Condition: { StringLike: TAGGED },
      },
      { Sid: 'TagAccessPointsOfTheDriver', Effect: 'Allow', Action: 'elasticfilesystem:TagResource', Resource: accessPoints, Condition: { StringLike: OWNED } },
      { Sid: 'DeleteAccessPointsOfTheDriver', Effect: 'Allow', Action: 'elasticfilesystem:DeleteAccessPoint', Resource: accessPoints, Condition: { StringEquals: OWNED } },
      {
        Sid: 'DescribeAndListCallsOnAnyResource',
        Effect: 'Allow',
        Resource: '*',
        Action: ['elasticfilesystem:DescribeAccessPoints', 'elasticfilesystem:DescribeFileSystems', 'elasticfilesystem:DescribeMountTargets',
          'ec2:DescribeAvailabilityZones'],
      },
    ]);
  });

  test('the simulator: access points on the given file system only, tagged for the driver; deletes only its own', async () => {
    const policy = addonPolicyOf(efsDriver().template);
    expect(await addonDecision(policy, { action: 'elasticfilesystem:CreateAccessPoint', resource: FS, context: TAGGED })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'elasticfilesystem:CreateAccessPoint', resource: OTHER_FS, context: TAGGED })).toBe('Denied');
    expect(await addonDecision(policy, { action: 'elasticfilesystem:CreateAccessPoint', resource: FS })).toBe('Denied');
    expect(await addonDecision(policy, { action: 'elasticfilesystem:DeleteAccessPoint', resource: ACCESS_POINT, context: OWNED })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'elasticfilesystem:DeleteAccessPoint', resource: ACCESS_POINT })).toBe('Denied');
    expect(await addonDecision(policy, { action: 'elasticfilesystem:DeleteAccessPoint', resource: OTHER_ACCOUNT_ACCESS_POINT, context: OWNED })).toBe('Denied');
    expect(await addonDecision(policy, { action: 'elasticfilesystem:TagResource', resource: ACCESS_POINT, context: OWNED })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'elasticfilesystem:DeleteFileSystem', resource: FS })).toBe('Denied');
    // The driver describes access points and mount targets by ids it learns at run time, on any file system.
    expect(await addonDecision(policy, { action: 'elasticfilesystem:DescribeAccessPoints', resource: ACCESS_POINT })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'elasticfilesystem:DescribeMountTargets', resource: OTHER_FS })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'ec2:DescribeAvailabilityZones', resource: '*' })).toBe('Allowed');
  });

  test('S3 Files file systems add their own statements, on those file systems', () => {
    const statements = addonPolicyOf(efsDriver({ s3FilesFileSystemArns: [S3FS] }).template).Statement;
    expect(statements.map(s => s.Sid)).toEqual(['CreateAccessPointsOnTheGivenS3FileSystems', 'TagS3AccessPointsOfTheDriver',
      'DeleteS3AccessPointsOfTheDriver', 'MountTheGivenS3FileSystems', 'DescribeAndListCallsOnAnyResource']);
    expect(statements[2].Resource).toBe(`${S3FS}/access-point/*`);
    expect(statements[3]).toEqual({
      Sid: 'MountTheGivenS3FileSystems', Effect: 'Allow', Action: ['s3files:ClientMount', 's3files:ClientWrite', 's3files:ClientRootAccess'], Resource: S3FS,
    });
  });

  test('a typed file system gives the same statements as its ARN', () => {
    const stack = newStack();
    const fileSystem = efs.FileSystem.fromFileSystemAttributes(stack, 'Fs', {
      fileSystemId: 'fs-0123456789abcdef0', securityGroup: { securityGroupId: 'sg-0123456789abcdef0' } as any,
    });
    AddonIdentity.efsCsiDriver(stack, 'Efs', { cluster: importCluster(stack), fileSystems: [fileSystem] });
    expect(addonPolicyOf(Template.fromStack(stack))).toEqual(addonPolicyOf(efsDriver().template));
  });

  test('no file system is an error; a malformed ARN is an error', () => {
    expectError(() => efsDriver({}),
      'AddonIdentity.efsCsiDriver Test/Efs: no file systems are given, expected at least one of fileSystems, fileSystemArns, s3FilesFileSystemArns: ' +
      'the file systems the driver may create access points on; a policy on every file system of the account is what this library does not write');
    expectError(() => efsDriver({ fileSystemArns: [`arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:file-system/*`] }),
      `AddonIdentity.efsCsiDriver Test/Efs: fileSystemArns has "arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:file-system/*", expected ` +
      'arn:<partition>:elasticfilesystem:<region>:<account>:file-system/<file system id>');
  });

  test('thirty file systems fit in one managed policy', () => {
    const arns = Array.from({ length: 30 }, (_, i) => fsArn(`fs-0123456789abcde${String(i).padStart(2, '0')}`));
    expect(JSON.stringify(addonPolicyOf(efsDriver({ fileSystemArns: arns }).template)).length).toBeLessThanOrEqual(6144);
  });

  test('installAddon: the EKS add-on names the role; IRSA: its ServiceAccountRoleArn', () => {
    const { template } = efsDriver({ fileSystemArns: [FS], installAddon: {} });
    template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 0);
    template.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'aws-efs-csi-driver', PodIdentityAssociations: [{ ServiceAccount: 'efs-csi-controller-sa' }] });
    const stack = newStack();
    const cluster = importCluster(stack, 'demo', { oidcIssuerUrl: 'https://oidc.eks.eu-west-1.amazonaws.com/id/ABC' });
    AddonIdentity.efsCsiDriver(stack, 'Efs', { cluster, fileSystemArns: [FS], mechanism: IdentityMechanism.IRSA, installAddon: {} });
    const [roleId] = Object.keys(Template.fromStack(stack).findResources('AWS::IAM::Role'));
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::Addon', { AddonName: 'aws-efs-csi-driver', ServiceAccountRoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] } });
  });
});
