import { Template } from 'aws-cdk-lib/assertions';
import { AddonIdentity, IdentityMechanism } from '../../src';
import { addonDecision, addonPolicyOf } from '../util/addon-sim';
import { expectError } from '../util/errors';
import { ACCOUNT, REGION, importCluster, newStack } from '../util/fixtures';

const ec2 = (resource: string, region = REGION) => `arn:aws:ec2:${region}:${ACCOUNT}:${resource}`;
const ENI = ec2('network-interface/eni-0123456789abcdef0');
const IPV4 = ['ec2:AssignPrivateIpAddresses', 'ec2:AttachNetworkInterface', 'ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface',
  'ec2:DetachNetworkInterface', 'ec2:ModifyNetworkInterfaceAttribute', 'ec2:UnassignPrivateIpAddresses'];
const DESCRIBE = ['ec2:DescribeInstances', 'ec2:DescribeTags', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeInstanceTypes',
  'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets'];

function cni(props: Partial<Parameters<typeof AddonIdentity.vpcCni>[2]> = {}) {
  const stack = newStack();
  const identity = AddonIdentity.vpcCni(stack, 'Cni', { cluster: importCluster(stack), ...props });
  return { identity, template: Template.fromStack(stack) };
}

describe('AddonIdentity.vpcCni', () => {
  test('kube-system/aws-node; the IPv4 policy, exactly', () => {
    const { identity, template } = cni();
    expect(identity.bindings.map(b => `${b.namespace}/${b.serviceAccount}`)).toEqual(['kube-system/aws-node']);
    expect(addonPolicyOf(template).Statement).toEqual([
      { Sid: 'TagNetworkInterfaces', Effect: 'Allow', Action: 'ec2:CreateTags', Resource: ec2('network-interface/*') },
      {
        Sid: 'ManageNetworkInterfacesAndIpv4Addresses',
        Effect: 'Allow',
        Action: IPV4,
        Resource: [ec2('network-interface/*'), ec2('instance/*'), ec2('subnet/*'), ec2('security-group/*')],
      },
      { Sid: 'DescribeCallsTakeNoResource', Effect: 'Allow', Action: DESCRIBE, Resource: '*' },
    ]);
  });

  test('IPv6 and the network policy agent\'s logs', () => {
    const sids = addonPolicyOf(cni({ ipv4: false, ipv6: true, cloudWatchLogs: true }).template).Statement.map(s => s.Sid);
    expect(sids).toEqual(['TagNetworkInterfaces', 'AssignIpv6Addresses', 'DescribeCallsTakeNoResource', 'NetworkPolicyAgentLogs']);
  });

  test('the simulator: network interfaces of the stack\'s region, not another\'s; IPv6 only when asked', async () => {
    const policy = addonPolicyOf(cni().template);
    for (const action of IPV4) {
      expect(await addonDecision(policy, { action, resource: ENI })).toBe('Allowed');
      expect(await addonDecision(policy, { action, resource: ENI.replace(REGION, 'us-east-1') })).toBe('Denied');
    }
    for (const action of DESCRIBE) expect(await addonDecision(policy, { action, resource: '*' })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'ec2:AssignIpv6Addresses', resource: ENI })).toBe('Denied');
    expect(await addonDecision(policy, { action: 'ec2:TerminateInstances', resource: ec2('instance/i-0123456789abcdef0') })).toBe('Denied');
    const v6 = addonPolicyOf(cni({ ipv6: true }).template);
    expect(await addonDecision(v6, { action: 'ec2:AssignIpv6Addresses', resource: ENI })).toBe('Allowed');
  });

  test('installAddon: the vpc-cni add-on names the role; IRSA: its ServiceAccountRoleArn', () => {
    const { template } = cni({ installAddon: {} });
    template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 0);
    template.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'vpc-cni', PodIdentityAssociations: [{ ServiceAccount: 'aws-node' }] });
    const stack = newStack();
    const cluster = importCluster(stack, 'demo', { oidcIssuerUrl: 'https://oidc.eks.eu-west-1.amazonaws.com/id/ABC' });
    AddonIdentity.vpcCni(stack, 'Cni', { cluster, mechanism: IdentityMechanism.IRSA, installAddon: {} });
    const [roleId] = Object.keys(Template.fromStack(stack).findResources('AWS::IAM::Role'));
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::Addon', { AddonName: 'vpc-cni', ServiceAccountRoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] } });
  });

  test('flags must be booleans', () => {
    expectError(() => cni({ ipv6: 'true' as any }), 'AddonIdentity.vpcCni Test/Cni: ipv6 is "true" (string), expected true or false');
  });
});
