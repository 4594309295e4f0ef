import { Template } from 'aws-cdk-lib/assertions';
import { AddonIdentity, IdentityMechanism } from '../../src';
import { addonDecision, addonPolicyOf } from '../util/addon-sim';
import { expectError } from '../util/errors';
import { ACCOUNT, REGION, importCluster, newStack } from '../util/fixtures';
import { resolveIntrinsics } from '../util/intrinsics';

const TAG = 'elbv2.k8s.aws/cluster';
const elb = (resource: string, region = REGION) => `arn:aws:elasticloadbalancing:${region}:${ACCOUNT}:${resource}`;
const sg = (region = REGION) => `arn:aws:ec2:${region}:${ACCOUNT}:security-group/sg-0123456789abcdef0`;
const LB = elb('loadbalancer/app/k8s-shop-web/0123456789abcdef');
const TG = elb('targetgroup/k8s-shop-web/0123456789abcdef');
const LISTENER = elb('listener/app/k8s-shop-web/0123456789abcdef/0123456789abcdef');
const ours = (cluster = 'demo') => ({ [`aws:ResourceTag/${TAG}`]: cluster });
const tagging = (cluster = 'demo') => ({ [`aws:RequestTag/${TAG}`]: cluster });

function lbc(props: Partial<Parameters<typeof AddonIdentity.loadBalancerController>[2]> = {}) {
  const stack = newStack();
  const identity = AddonIdentity.loadBalancerController(stack, 'Lbc', { cluster: importCluster(stack), ...props });
  return { stack, identity, template: Template.fromStack(stack) };
}

// Upstream's actions (docs/install/iam_policy.json, controller v2.13), each with a request the controller makes.
const DESCRIBE = [
  'ec2:DescribeAccountAttributes', 'ec2:DescribeAddresses', 'ec2:DescribeAvailabilityZones', 'ec2:DescribeInternetGateways', 'ec2:DescribeVpcs',
  'ec2:DescribeVpcPeeringConnections', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups', 'ec2:DescribeInstances',
  'ec2:DescribeNetworkInterfaces', 'ec2:DescribeTags', 'ec2:GetCoipPoolUsage', 'ec2:DescribeCoipPools', 'ec2:GetSecurityGroupsForVpc',
  'ec2:DescribeIpamPools', 'ec2:DescribeRouteTables', 'elasticloadbalancing:DescribeLoadBalancers',
  'elasticloadbalancing:DescribeLoadBalancerAttributes', 'elasticloadbalancing:DescribeListeners',
  'elasticloadbalancing:DescribeListenerCertificates', 'elasticloadbalancing:DescribeSSLPolicies', 'elasticloadbalancing:DescribeRules',
  'elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeTargetGroupAttributes', 'elasticloadbalancing:DescribeTargetHealth',
  'elasticloadbalancing:DescribeTags', 'elasticloadbalancing:DescribeTrustStores', 'elasticloadbalancing:DescribeListenerAttributes',
  'elasticloadbalancing:DescribeCapacityReservation',
];
const CHANGE_OWN = [
  'elasticloadbalancing:ModifyLoadBalancerAttributes', 'elasticloadbalancing:SetIpAddressType', 'elasticloadbalancing:SetSecurityGroups',
  'elasticloadbalancing:SetSubnets', 'elasticloadbalancing:DeleteLoadBalancer', 'elasticloadbalancing:ModifyCapacityReservation',
  'elasticloadbalancing:ModifyIpPools',
];
const CHANGE_OWN_TARGET_GROUP = ['elasticloadbalancing:ModifyTargetGroup', 'elasticloadbalancing:ModifyTargetGroupAttributes', 'elasticloadbalancing:DeleteTargetGroup'];

describe('AddonIdentity.loadBalancerController', () => {
  test('kube-system/aws-load-balancer-controller, an association, the policy and its read-only half as two managed policies', () => {
    const { identity, template } = lbc();
    expect(identity.bindings.map(b => `${b.namespace}/${b.serviceAccount}`)).toEqual(['kube-system/aws-load-balancer-controller']);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 2);
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Namespace: 'kube-system', ServiceAccount: 'aws-load-balancer-controller' });
    const read = Object.entries(template.findResources('AWS::IAM::ManagedPolicy')).find(([id]) => id.startsWith('LbcReadPolicy'))![1] as any;
    expect(read.Properties.PolicyDocument.Statement.map((s: any) => s.Sid)).toEqual(['ReadOnlyCalls']);
    expect(read.Properties.PolicyDocument.Statement[0].Action).toEqual(DESCRIBE);
  });

  test('each policy is within 6,144 characters, even for a 100-character cluster name', () => {
    const { template } = lbc({ clusterName: 'c'.repeat(100) });
    const policies = Object.values(template.findResources('AWS::IAM::ManagedPolicy')) as any[];
    const sizes = policies.map(p => JSON.stringify(resolveIntrinsics(p.Properties.PolicyDocument, { account: ACCOUNT, region: REGION })).length);
    expect(sizes).toHaveLength(2);
    for (const size of sizes) expect(size).toBeLessThanOrEqual(6144);
    // Together they are over one managed policy's limit: the reason for two.
    expect(sizes[0] + sizes[1]).toBeGreaterThan(6144);
  });

  test('the statements, in upstream\'s order, with the cluster tag compared with the cluster\'s name', () => {
    const statements = addonPolicyOf(lbc().template).Statement;
    expect(statements.map(s => s.Sid)).toEqual([
      'ElbServiceLinkedRole', 'AnnotatedIntegrations', 'OpenSecurityGroups', 'CreateSecurityGroups', 'TagNewSecurityGroups',
      'RetagOwnSecurityGroups', 'ChangeOwnSecurityGroups', 'CreateTaggedLoadBalancers', 'RetagOwnLoadBalancers', 'TagListenersAndRules',
      'ChangeOwnLoadBalancers', 'TagNewLoadBalancers', 'RegisterTargets', 'ListenersAndRules', 'ReadOnlyCalls',
    ]);
    const bySid = Object.fromEntries(statements.map(s => [s.Sid, s]));
    expect(bySid.ElbServiceLinkedRole).toEqual({
      Sid: 'ElbServiceLinkedRole',
      Effect: 'Allow',
      Action: 'iam:CreateServiceLinkedRole',
      Resource: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing`,
      Condition: { StringEquals: { 'iam:AWSServiceName': 'elasticloadbalancing.amazonaws.com' } },
    });
    expect(bySid.ChangeOwnSecurityGroups.Condition).toEqual({ StringEquals: { [`aws:ResourceTag/${TAG}`]: 'demo' } });
    expect(bySid.RetagOwnLoadBalancers.Condition).toEqual({ Null: { [`aws:RequestTag/${TAG}`]: 'true' }, StringEquals: { [`aws:ResourceTag/${TAG}`]: 'demo' } });
    expect(bySid.TagNewLoadBalancers.Condition).toEqual({
      StringEquals: { 'elasticloadbalancing:CreateAction': ['CreateTargetGroup', 'CreateLoadBalancer'], [`aws:RequestTag/${TAG}`]: 'demo' },
    });
    expect(bySid.AnnotatedIntegrations.Resource).toBe('*');
    // Nothing but the read-only and the annotation-driven calls is on *.
    expect(statements.filter(s => s.Resource === '*').map(s => s.Sid)).toEqual(['AnnotatedIntegrations', 'ReadOnlyCalls']);
  });

  test('the simulator: every Describe and Get call is allowed', async () => {
    const policy = addonPolicyOf(lbc().template);
    // Two of them take a resource: the customer-owned IP pool, and the VPC.
    const resources: Record<string, string> = {
      'ec2:GetCoipPoolUsage': `arn:aws:ec2:${REGION}:${ACCOUNT}:coip-pool/ipv4pool-coip-0123456789abcdef0`,
      'ec2:GetSecurityGroupsForVpc': `arn:aws:ec2:${REGION}:${ACCOUNT}:vpc/vpc-0123456789abcdef0`,
    };
    for (const action of DESCRIBE) expect(await addonDecision(policy, { action, resource: resources[action] ?? '*' })).toBe('Allowed');
  });

  test('the simulator: its own load balancers and target groups change; another cluster\'s, untagged ones, or another region\'s do not', async () => {
    const policy = addonPolicyOf(lbc().template);
    for (const [actions, resource] of [[CHANGE_OWN, LB], [CHANGE_OWN_TARGET_GROUP, TG]] as const) {
      for (const action of actions) {
        expect(await addonDecision(policy, { action, resource, context: ours() })).toBe('Allowed');
        expect(await addonDecision(policy, { action, resource, context: ours('other') })).toBe('Denied');
        expect(await addonDecision(policy, { action, resource })).toBe('Denied');
        expect(await addonDecision(policy, { action, resource: resource.replace(REGION, 'us-east-1'), context: ours() })).toBe('Denied');
      }
    }
  });

  test('the simulator: it creates load balancers and target groups only tagged for its cluster, and tags them only on creation', async () => {
    const policy = addonPolicyOf(lbc().template);
    for (const [action, resource] of [['elasticloadbalancing:CreateLoadBalancer', LB], ['elasticloadbalancing:CreateTargetGroup', TG]]) {
      expect(await addonDecision(policy, { action, resource, context: tagging() })).toBe('Allowed');
      expect(await addonDecision(policy, { action, resource, context: tagging('other') })).toBe('Denied');
      expect(await addonDecision(policy, { action, resource })).toBe('Denied');
    }
    const onCreate = (createAction: string, cluster = 'demo') => ({ 'elasticloadbalancing:CreateAction': createAction, ...tagging(cluster) });
    expect(await addonDecision(policy, { action: 'elasticloadbalancing:AddTags', resource: LB, context: onCreate('CreateLoadBalancer') })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'elasticloadbalancing:AddTags', resource: LB, context: onCreate('CreateLoadBalancer', 'other') })).toBe('Denied');
    // Other tags on its own load balancers, but never the cluster tag itself, and nothing on another cluster's.
    expect(await addonDecision(policy, { action: 'elasticloadbalancing:RemoveTags', resource: LB, context: ours() })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'elasticloadbalancing:AddTags', resource: LB, context: { ...ours(), ...tagging('other') } })).toBe('Denied');
    expect(await addonDecision(policy, { action: 'elasticloadbalancing:RemoveTags', resource: LB, context: ours('other') })).toBe('Denied');
  });

  test('the simulator: security groups it creates and owns; it opens any group of the region to its load balancers', async () => {
    const policy = addonPolicyOf(lbc().template);
    const vpc = `arn:aws:ec2:${REGION}:${ACCOUNT}:vpc/vpc-0123456789abcdef0`;
    expect(await addonDecision(policy, { action: 'ec2:CreateSecurityGroup', resource: vpc })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'ec2:CreateTags', resource: sg(), context: { 'ec2:CreateAction': 'CreateSecurityGroup', ...tagging() } })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'ec2:CreateTags', resource: sg(), context: { 'ec2:CreateAction': 'CreateSecurityGroup', ...tagging('other') } })).toBe('Denied');
    expect(await addonDecision(policy, { action: 'ec2:DeleteSecurityGroup', resource: sg(), context: ours() })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'ec2:DeleteSecurityGroup', resource: sg(), context: ours('other') })).toBe('Denied');
    expect(await addonDecision(policy, { action: 'ec2:DeleteSecurityGroup', resource: sg() })).toBe('Denied');
    expect(await addonDecision(policy, { action: 'ec2:AuthorizeSecurityGroupIngress', resource: sg() })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'ec2:AuthorizeSecurityGroupIngress', resource: sg('us-east-1') })).toBe('Denied');
  });

  test('the simulator: listeners, rules and targets in the stack\'s region', async () => {
    const policy = addonPolicyOf(lbc().template);
    for (const action of ['elasticloadbalancing:CreateListener', 'elasticloadbalancing:ModifyListener', 'elasticloadbalancing:AddListenerCertificates']) {
      expect(await addonDecision(policy, { action, resource: action === 'elasticloadbalancing:CreateListener' ? LB : LISTENER })).toBe('Allowed');
    }
    expect(await addonDecision(policy, { action: 'elasticloadbalancing:RegisterTargets', resource: TG })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'elasticloadbalancing:RegisterTargets', resource: TG.replace(REGION, 'us-east-1') })).toBe('Denied');
    const webAcl = `arn:aws:wafv2:${REGION}:${ACCOUNT}:regional/webacl/shop/0b6c7c3e-1b7e-4a53-9c6d-8f0e1d2c3b4a`;
    expect(await addonDecision(policy, { action: 'wafv2:AssociateWebACL', resource: webAcl })).toBe('Allowed');
  });

  test('clusterName overrides the tag value; IRSA works the same way', () => {
    const stack = newStack();
    const cluster = importCluster(stack, 'demo', { oidcIssuerUrl: 'https://oidc.eks.eu-west-1.amazonaws.com/id/ABC' });
    AddonIdentity.loadBalancerController(stack, 'Lbc', { cluster, clusterName: 'shop', mechanism: IdentityMechanism.IRSA });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 0);
    const change = addonPolicyOf(template).Statement.find(s => s.Sid === 'ChangeOwnLoadBalancers');
    expect(change.Condition).toEqual({ StringEquals: { [`aws:ResourceTag/${TAG}`]: 'shop' } });
  });

  test('a clusterName that is not one is an error', () => {
    expectError(() => lbc({ clusterName: 'my cluster' }),
      'AddonIdentity.loadBalancerController Test/Lbc: clusterName is "my cluster", expected an EKS cluster name (letters, digits, - and _, at most ' +
      '100 characters): the controller\'s --cluster-name');
  });
});
