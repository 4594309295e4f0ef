import { aws_kms as kms } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AddonIdentity, IdentityMechanism } from '../../src';
import { addonDecision, addonPolicyOf } from '../util/addon-sim';
import { expectError } from '../util/errors';
import { ACCOUNT, REGION, importCluster, newStack } from '../util/fixtures';

const keyArn = (id: string) => `arn:aws:kms:${REGION}:${ACCOUNT}:key/${id}`;
const KEY = keyArn('0b6c7c3e-1b7e-4a53-9c6d-8f0e1d2c3b4a');
const OTHER_KEY = keyArn('99999999-1b7e-4a53-9c6d-8f0e1d2c3b4a');
const VOLUME = `arn:aws:ec2:${REGION}:${ACCOUNT}:volume/vol-0123456789abcdef0`;
const OTHER_ACCOUNT_VOLUME = `arn:aws:ec2:${REGION}:444455556666:volume/vol-0123456789abcdef0`;
const SNAPSHOT = `arn:aws:ec2:${REGION}::snapshot/snap-0123456789abcdef0`;
const INSTANCE = `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/i-0123456789abcdef0`;

function ebs(props: Partial<Parameters<typeof AddonIdentity.ebsCsiDriver>[2]> = {}) {
  const stack = newStack();
  const identity = AddonIdentity.ebsCsiDriver(stack, 'Ebs', { cluster: importCluster(stack), ...props });
  return { stack, identity, template: Template.fromStack(stack) };
}

// The driver's example-iam-policy.json: its writes, each with the tag condition the driver meets.
const DRIVER_TAG = { 'aws:RequestTag/ebs.csi.aws.com/cluster': 'true' };
const OWNED = { 'ec2:ResourceTag/ebs.csi.aws.com/cluster': 'true' };
const DESCRIBE = ['ec2:DescribeAvailabilityZones', 'ec2:DescribeInstances', 'ec2:DescribeInstanceTypes', 'ec2:DescribeSnapshots', 'ec2:DescribeTags',
  'ec2:DescribeVolumes', 'ec2:DescribeVolumesModifications', 'ec2:DescribeVolumeStatus'];

describe('AddonIdentity.ebsCsiDriver', () => {
  test('kube-system/ebs-csi-controller-sa and its association; no input is required', () => {
    const { identity, template } = ebs();
    expect(identity.bindings.map(b => `${b.namespace}/${b.serviceAccount}`)).toEqual(['kube-system/ebs-csi-controller-sa']);
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Namespace: 'kube-system', ServiceAccount: 'ebs-csi-controller-sa' });
    template.resourceCountIs('AWS::EKS::Addon', 1); // the agent
  });

  test('the statements of the driver\'s example policy, in its order; the KMS statements only with keys', () => {
    const sids = (props = {}) => addonPolicyOf(ebs(props).template).Statement.map(s => s.Sid);
    const example = ['SnapshotAndResizeVolumes', 'CopyVolumes', 'AttachAndDetachVolumes', 'CreateVolumesFromSnapshots', 'TagOnCreation', 'DeleteTags',
      'CreateVolumesTaggedForTheDriver', 'CreateVolumesTaggedWithAVolumeName', 'DeleteVolumesTaggedForTheDriver', 'DeleteVolumesTaggedWithAVolumeName',
      'DeleteVolumesCreatedForAPvc', 'CreateSnapshotsTaggedWithASnapshotName', 'CreateSnapshotsTaggedForTheDriver',
      'DeleteAndLockSnapshotsTaggedWithASnapshotName', 'DeleteAndLockSnapshotsTaggedForTheDriver'];
    expect(sids()).toEqual([...example, 'DescribeCallsTakeNoResource']);
    expect(sids({ kmsKeyArns: [KEY] })).toEqual([...example, 'GrantTheGivenKeysToEbs', 'UseTheGivenKeys', 'DescribeCallsTakeNoResource']);
  });

  test('the KMS statements, exactly: grants for EBS only, and use, on the given key', () => {
    const statements = addonPolicyOf(ebs({ kmsKeyArns: [KEY] }).template).Statement;
    expect(statements.filter(s => s.Sid.includes('Keys'))).toEqual([
      {
        Sid: 'GrantTheGivenKeysToEbs',
        Effect: 'Allow',
        Action: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
        Resource: KEY,
        Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      },
      { Sid: 'UseTheGivenKeys', Effect: 'Allow', Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'], Resource: KEY },
    ]);
    expect(statements.find(s => s.Sid === 'DescribeCallsTakeNoResource')).toEqual({ Sid: 'DescribeCallsTakeNoResource', Effect: 'Allow', Action: DESCRIBE, Resource: '*' });
  });

  test('the simulator: volumes it tags are created and deleted; untagged ones and other accounts\' are not', async () => {
    const policy = addonPolicyOf(ebs().template);
    expect(await addonDecision(policy, { action: 'ec2:CreateVolume', resource: VOLUME, context: DRIVER_TAG })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'ec2:CreateVolume', resource: VOLUME })).toBe('Denied');
    expect(await addonDecision(policy, { action: 'ec2:DeleteVolume', resource: VOLUME, context: OWNED })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'ec2:DeleteVolume', resource: VOLUME, context: { 'ec2:ResourceTag/CSIVolumeName': 'pvc-1' } })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'ec2:DeleteVolume', resource: VOLUME })).toBe('Denied');
    expect(await addonDecision(policy, { action: 'ec2:DeleteVolume', resource: OTHER_ACCOUNT_VOLUME, context: OWNED })).toBe('Denied');
    for (const action of ['ec2:AttachVolume', 'ec2:DetachVolume']) {
      expect(await addonDecision(policy, { action, resource: VOLUME })).toBe('Allowed');
      expect(await addonDecision(policy, { action, resource: INSTANCE })).toBe('Allowed');
      expect(await addonDecision(policy, { action, resource: OTHER_ACCOUNT_VOLUME })).toBe('Denied');
    }
    expect(await addonDecision(policy, { action: 'ec2:CreateSnapshot', resource: SNAPSHOT, context: { 'aws:RequestTag/CSIVolumeSnapshotName': 's-1' } })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'ec2:CreateSnapshot', resource: SNAPSHOT })).toBe('Denied');
    expect(await addonDecision(policy, { action: 'ec2:DeleteSnapshot', resource: SNAPSHOT, context: OWNED })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'ec2:DeleteSnapshot', resource: SNAPSHOT })).toBe('Denied');
    expect(await addonDecision(policy, { action: 'ec2:CreateTags', resource: VOLUME, context: { 'ec2:CreateAction': 'CreateVolume' } })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'ec2:CreateTags', resource: VOLUME, context: { 'ec2:CreateAction': 'RunInstances' } })).toBe('Denied');
    for (const action of DESCRIBE) expect(await addonDecision(policy, { action, resource: '*' })).toBe('Allowed');
  });

  test('the simulator: requireDriverTags limits attach, resize and delete to the driver\'s volumes', async () => {
    const policy = addonPolicyOf(ebs({ requireDriverTags: true }).template);
    for (const action of ['ec2:ModifyVolume', 'ec2:AttachVolume', 'ec2:DeleteVolume']) {
      expect(await addonDecision(policy, { action, resource: VOLUME, context: OWNED })).toBe('Allowed');
      expect(await addonDecision(policy, { action, resource: VOLUME })).toBe('Denied');
    }
    expect(await addonDecision(policy, { action: 'ec2:CreateVolume', resource: VOLUME, context: DRIVER_TAG })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'ec2:CreateVolume', resource: VOLUME, context: { 'aws:RequestTag/CSIVolumeName': 'pvc-1' } })).toBe('Denied');
  });

  test('the simulator: the given key is used and granted to EBS; another key is not', async () => {
    const policy = addonPolicyOf(ebs({ kmsKeyArns: [KEY] }).template);
    for (const action of ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey']) {
      expect(await addonDecision(policy, { action, resource: KEY })).toBe('Allowed');
      expect(await addonDecision(policy, { action, resource: OTHER_KEY })).toBe('Denied');
    }
    expect(await addonDecision(policy, { action: 'kms:CreateGrant', resource: KEY, context: { 'kms:GrantIsForAWSResource': 'true' } })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'kms:CreateGrant', resource: KEY, context: { 'kms:GrantIsForAWSResource': 'false' } })).toBe('Denied');
    const withoutKeys = addonPolicyOf(ebs().template);
    expect(await addonDecision(withoutKeys, { action: 'kms:Decrypt', resource: KEY })).toBe('Denied');
  });

  test('a typed key gives the same statements as its ARN', () => {
    const stack = newStack();
    const key = kms.Key.fromKeyArn(stack, 'Key', KEY);
    AddonIdentity.ebsCsiDriver(stack, 'Ebs', { cluster: importCluster(stack), kmsKeys: [key] });
    expect(addonPolicyOf(Template.fromStack(stack))).toEqual(addonPolicyOf(ebs({ kmsKeyArns: [KEY] }).template));
  });

  test('five keys fit in one managed policy', () => {
    const keys = Array.from({ length: 5 }, (_, i) => keyArn(`0b6c7c3e-1b7e-4a53-9c6d-8f0e1d2c3b4${i}`));
    expect(JSON.stringify(addonPolicyOf(ebs({ kmsKeyArns: keys }).template)).length).toBeLessThanOrEqual(6144);
  });

  test('an alias is an error: IAM matches KMS permissions against keys', () => {
    expectError(() => ebs({ kmsKeyArns: [`arn:aws:kms:${REGION}:${ACCOUNT}:alias/ebs`] }),
      'AddonIdentity.ebsCsiDriver Test/Ebs: kmsKeyArns has "arn:aws:kms:eu-west-1:111122223333:alias/ebs", expected ' +
      'arn:<partition>:kms:<region>:<account>:key/<key id>; IAM matches KMS permissions against keys, not aliases: give the key\'s ARN');
  });

  test('installAddon: the EKS add-on names the role (Pod Identity), with no separate association', () => {
    const { template } = ebs({ installAddon: { addonVersion: 'v1.41.0-eksbuild.1' } });
    template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 0);
    const [roleId] = Object.keys(template.findResources('AWS::IAM::Role'));
    template.hasResourceProperties('AWS::EKS::Addon', {
      AddonName: 'aws-ebs-csi-driver',
      AddonVersion: 'v1.41.0-eksbuild.1',
      ClusterName: 'demo',
      PodIdentityAssociations: [{ ServiceAccount: 'ebs-csi-controller-sa', RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] } }],
    });
  });

  test('installAddon with IRSA: the EKS add-on\'s ServiceAccountRoleArn', () => {
    const stack = newStack();
    const cluster = importCluster(stack, 'demo', { oidcIssuerUrl: 'https://oidc.eks.eu-west-1.amazonaws.com/id/ABC' });
    AddonIdentity.ebsCsiDriver(stack, 'Ebs', { cluster, mechanism: IdentityMechanism.IRSA, installAddon: {} });
    const template = Template.fromStack(stack);
    const [roleId] = Object.keys(template.findResources('AWS::IAM::Role'));
    template.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'aws-ebs-csi-driver', ServiceAccountRoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] } });
    template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 0);
  });

  test('requireDriverTags must be a boolean', () => {
    expectError(() => ebs({ requireDriverTags: 'yes' as any }), 'AddonIdentity.ebsCsiDriver Test/Ebs: requireDriverTags is "yes" (string), expected true or false');
  });
});
