import { Template } from 'aws-cdk-lib/assertions';
import { AddonIdentity } from '../../src';
import { addonDecision, addonPolicyOf } from '../util/addon-sim';
import { ACCOUNT, REGION, importCluster, newStack } from '../util/fixtures';

const fsx = (resource: string, region = REGION) => `arn:aws:fsx:${region}:${ACCOUNT}:${resource}`;

function openZfs() {
  const stack = newStack();
  const identity = AddonIdentity.fsxOpenZfsCsiDriver(stack, 'Zfs', { cluster: importCluster(stack) });
  return { identity, template: Template.fromStack(stack) };
}

describe('AddonIdentity.fsxOpenZfsCsiDriver', () => {
  test('kube-system/fsx-openzfs-csi-controller-sa; the statements', () => {
    const { identity, template } = openZfs();
    expect(identity.bindings.map(b => `${b.namespace}/${b.serviceAccount}`)).toEqual(['kube-system/fsx-openzfs-csi-controller-sa']);
    const statements = addonPolicyOf(template).Statement;
    expect(statements.map(s => s.Sid)).toEqual(['TheFsxServiceLinkedRole', 'CreateServiceLinkedRolesForFsxOnly', 'ManageFileSystemsVolumesAndSnapshots',
      'DescribeOnAnyResource']);
    expect(statements[2].Resource).toBe(fsx('*'));
    expect(statements[3]).toEqual({ Sid: 'DescribeOnAnyResource', Effect: 'Allow', Action: ['fsx:DescribeFileSystems', 'fsx:DescribeVolumes', 'fsx:DescribeSnapshots'], Resource: '*' });
  });

  test('the simulator: FSx resources of the stack\'s region, not another\'s; only FSx\'s service-linked role', async () => {
    const policy = addonPolicyOf(openZfs().template);
    for (const [action, resource] of [['fsx:CreateFileSystem', fsx('file-system/fs-0123456789abcdef0')],
      ['fsx:CreateVolume', fsx('volume/fs-0123456789abcdef0/fsvol-0123456789abcdef0')], ['fsx:DeleteSnapshot', fsx('snapshot/fsvol-0123456789abcdef0/fsvolsnap-0123456789abcdef0')]]) {
      expect(await addonDecision(policy, { action, resource })).toBe('Allowed');
      expect(await addonDecision(policy, { action, resource: resource.replace(REGION, 'us-east-1') })).toBe('Denied');
    }
    const role = `arn:aws:iam::${ACCOUNT}:role/aws-service-role/fsx.amazonaws.com/AWSServiceRoleForAmazonFSx`;
    expect(await addonDecision(policy, { action: 'iam:AttachRolePolicy', resource: role })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'iam:AttachRolePolicy', resource: `arn:aws:iam::${ACCOUNT}:role/admin` })).toBe('Denied');
    expect(await addonDecision(policy, { action: 'fsx:DescribeVolumes', resource: '*' })).toBe('Allowed');
  });
});
