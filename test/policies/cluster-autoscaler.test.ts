import { Fn } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AddonIdentity, EksCluster, IdentityMechanism } from '../../src';
import { addonDecision, addonPolicyOf } from '../util/addon-sim';
import { expectError, synthErrors } from '../util/errors';
import { ACCOUNT, REGION, importCluster, logicalIdsOf, newStack, podIdentityTags } from '../util/fixtures';
import { eksIssuer, irsaDecision } from '../util/irsa-sim';
import { podIdentityDecision } from '../util/pod-identity-sim';

const asgArn = (name: string) =>
  `arn:aws:autoscaling:${REGION}:${ACCOUNT}:autoScalingGroup:6d1d3a1e-5d4b-4c3e-9d9e-0a1b2c3d4e5f:autoScalingGroupName/${name}`;
const GROUP = asgArn('eks-workers-20c9a5a6-1f2b-4c6d-8e9f-0a1b2c3d4e5f');
const owned = (cluster: string) => ({ [`autoscaling:ResourceTag/kubernetes.io/cluster/${cluster}`]: 'owned' });
const WRITES = ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'];
// The autoscaler's AWS README, "Full Cluster Autoscaler Features Policy": the calls that read what it discovers (and
// eks:DescribeNodegroup, which takes a node group and is scoped to the clusters').
const DESCRIBES = [
  'autoscaling:DescribeAutoScalingGroups',
  'autoscaling:DescribeAutoScalingInstances',
  'autoscaling:DescribeLaunchConfigurations',
  'autoscaling:DescribeScalingActivities',
  'ec2:DescribeImages',
  'ec2:DescribeInstanceTypes',
  'ec2:DescribeLaunchTemplateVersions',
  'ec2:GetInstanceTypesFromInstanceRequirements',
];
const nodegroups = (...clusters: string[]) => ({
  Sid: 'DescribeTheClustersNodeGroups',
  Effect: 'Allow',
  Action: 'eks:DescribeNodegroup',
  Resource: clusters.length === 1 ? nodegroupArn(clusters[0], '*') : clusters.map(c => nodegroupArn(c, '*')),
});
const nodegroupArn = (cluster: string, rest: string) => `arn:aws:eks:${REGION}:${ACCOUNT}:nodegroup/${cluster}/${rest}`;
const scale = (sid: string, cluster: string) => ({
  Sid: sid,
  Effect: 'Allow',
  Action: WRITES,
  Resource: '*',
  Condition: { StringEquals: { [`autoscaling:ResourceTag/kubernetes.io/cluster/${cluster}`]: 'owned' } },
});
const describeCalls = { Sid: 'DescribeCallsTakeNoResource', Effect: 'Allow', Action: DESCRIBES, Resource: '*' };

function autoscaler(props: Partial<Parameters<typeof AddonIdentity.clusterAutoscaler>[2]> = {}) {
  const stack = newStack();
  const cluster = importCluster(stack);
  const identity = AddonIdentity.clusterAutoscaler(stack, 'Autoscaler', { cluster, ...props });
  return { stack, identity, template: Template.fromStack(stack) };
}

describe('AddonIdentity.clusterAutoscaler', () => {
  test('the conventional service account (kube-system/cluster-autoscaler), a role trusting it, an association', async () => {
    const { identity, template } = autoscaler();
    expect(identity.bindings.map(b => `${b.namespace}/${b.serviceAccount}`)).toEqual(['kube-system/cluster-autoscaler']);
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Namespace: 'kube-system', ServiceAccount: 'cluster-autoscaler' });
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    const [roleId] = logicalIdsOf(template, 'AWS::IAM::Role');
    expect(await podIdentityDecision(template, roleId, { tags: podIdentityTags('kube-system', 'cluster-autoscaler') })).toBe('Allowed');
    expect(await podIdentityDecision(template, roleId, { tags: podIdentityTags('kube-system', 'aws-node') })).toBe('Denied');
  });

  test('with IRSA: the role trusts the service account through the cluster\'s OIDC provider; no association', async () => {
    const stack = newStack();
    const issuer = eksIssuer('F00D42');
    AddonIdentity.clusterAutoscaler(stack, 'Autoscaler', { cluster: importCluster(stack, 'demo', { oidcIssuerUrl: issuer }), mechanism: IdentityMechanism.IRSA });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 0);
    const [roleId] = logicalIdsOf(template, 'AWS::IAM::Role');
    expect(await irsaDecision(template, roleId, { issuer, namespace: 'kube-system', serviceAccount: 'cluster-autoscaler' })).toBe('Allowed');
    expect(await irsaDecision(template, roleId, { issuer, namespace: 'default', serviceAccount: 'cluster-autoscaler' })).toBe('Denied');
  });

  test('the policy, exactly: writes on the groups the cluster owns (by default the identity\'s cluster), describe calls on *', () => {
    // terraform-aws-eks-pod-identity cluster_autoscaler.tf, one write statement per cluster name; the describe calls of the
    // autoscaler's README (without autoscaling:DescribeTags, which the README dropped).
    expect(addonPolicyOf(autoscaler().template).Statement).toEqual([scale('ScaleGroupsOwnedByCluster1', 'demo'), nodegroups('demo'), describeCalls]);
  });

  test('several clusters: one write statement each, in the order given, without repeats', () => {
    const { template } = autoscaler({ clusterNames: ['blue', 'green.k8s.example.com', 'blue'] });
    expect(addonPolicyOf(template).Statement).toEqual([
      scale('ScaleGroupsOwnedByCluster1', 'blue'),
      scale('ScaleGroupsOwnedByCluster2', 'green.k8s.example.com'),
      nodegroups('blue', 'green.k8s.example.com'),
      describeCalls,
    ]);
  });

  test('the simulator: writes on a group tagged for the cluster; not on groups of another cluster, shared, or untagged', async () => {
    const policy = addonPolicyOf(autoscaler({ clusterNames: ['demo', 'blue'] }).template);
    for (const action of WRITES) {
      expect(await addonDecision(policy, { action, resource: GROUP, context: owned('demo') })).toBe('Allowed');
      expect(await addonDecision(policy, { action, resource: GROUP, context: owned('blue') })).toBe('Allowed');
      expect(await addonDecision(policy, { action, resource: GROUP, context: owned('other') })).toBe('Denied');
      expect(await addonDecision(policy, {
        action, resource: GROUP, context: { 'autoscaling:ResourceTag/kubernetes.io/cluster/demo': 'shared' },
      })).toBe('Denied');
      expect(await addonDecision(policy, { action, resource: GROUP })).toBe('Denied');
    }
    for (const action of DESCRIBES) {
      expect(await addonDecision(policy, { action, resource: '*' })).toBe('Allowed');
    }
    const nodegroup = 'workers/4ec6c1e4-7c9e-4f6f-9a3e-2b1d0c9e8f7a';
    expect(await addonDecision(policy, { action: 'eks:DescribeNodegroup', resource: nodegroupArn('demo', nodegroup) })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'eks:DescribeNodegroup', resource: nodegroupArn('blue', nodegroup) })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'eks:DescribeNodegroup', resource: nodegroupArn('other', nodegroup) })).toBe('Denied');
    expect(await addonDecision(policy, { action: 'autoscaling:UpdateAutoScalingGroup', resource: GROUP, context: owned('demo') })).toBe('Denied');
    expect(await addonDecision(policy, { action: 'autoscaling:DeleteAutoScalingGroup', resource: GROUP, context: owned('demo') })).toBe('Denied');
    expect(await addonDecision(policy, { action: 'ec2:TerminateInstances', resource: `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/i-0123456789abcdef0` })).toBe('Denied');
  });

  test('a cluster whose name is a token needs clusterNames', () => {
    const stack = newStack();
    const cluster = EksCluster.fromClusterAttributes(stack, 'Cluster', { clusterName: Fn.importValue('demo-cluster-name') });
    expectError(() => AddonIdentity.clusterAutoscaler(stack, 'Autoscaler', { cluster }),
      'AddonIdentity.clusterAutoscaler Test/Autoscaler: clusterNames is not given and the cluster\'s name is a token, expected literal cluster ' +
      'names; give clusterNames: each name becomes part of the condition key kubernetes.io/cluster/<name>, which cannot hold a token');
    AddonIdentity.clusterAutoscaler(stack, 'Named', { cluster, clusterNames: ['demo'] });
    expect(addonPolicyOf(Template.fromStack(stack)).Statement[0]).toEqual(scale('ScaleGroupsOwnedByCluster1', 'demo'));
  });

  test('bad cluster names are errors', () => {
    expectError(() => autoscaler({ clusterNames: [] }),
      'AddonIdentity.clusterAutoscaler Test/Autoscaler: clusterNames is [], expected at least one cluster name; without one the autoscaler ' +
      'could not scale any group; leave clusterNames out to use the cluster\'s name');
    expectError(() => autoscaler({ clusterNames: [Fn.importValue('blue-cluster-name')] }),
      'AddonIdentity.clusterAutoscaler Test/Autoscaler: clusterNames has a token, expected literal cluster names; each name becomes part of the ' +
      'condition key kubernetes.io/cluster/<name>, which cannot hold a token');
    for (const bad of ['', '*', 'demo/*', '-demo', 'a'.repeat(107)]) {
      expectError(() => autoscaler({ clusterNames: [bad] }),
        `AddonIdentity.clusterAutoscaler Test/Autoscaler: clusterNames has ${JSON.stringify(bad)}, expected a cluster name of 1 to 106 letters, ` +
        'digits, \'-\', \'_\' and \'.\', starting with a letter or digit');
    }
    autoscaler({ clusterNames: ['a'.repeat(106)] });
  });

  test('size: one cluster is small; 10 clusters fit IAM\'s 6,144 characters; 30 fail at synthesis naming what to split', () => {
    const names = (n: number) => Array.from({ length: n }, (_, i) => `cluster-${String(i).padStart(3, '0')}`);
    const size = (n: number) => JSON.stringify(addonPolicyOf(autoscaler({ clusterNames: names(n) }).template)).length;
    expect(size(1)).toBeLessThan(1000);
    expect(size(10)).toBeLessThanOrEqual(6144);
    const stack = newStack();
    AddonIdentity.clusterAutoscaler(stack, 'Autoscaler', { cluster: importCluster(stack), clusterNames: names(30) });
    expect(synthErrors(stack)).toEqual([expect.stringMatching(new RegExp('^\\[Test/Autoscaler\\] AddonIdentity.clusterAutoscaler Test/Autoscaler: ' +
      'the policy of cluster-autoscaler is \\d+ characters \\(whitespace removed\\), expected at most 6144 \\(IAM\'s limit for a managed policy\\); ' +
      'give one identity fewer cluster names, and the others to a second identity with its own service account$'))]);
  });

  test('installAddon is an error', () => {
    expectError(() => autoscaler({ installAddon: {} } as any),
      'AddonIdentity.clusterAutoscaler Test/Autoscaler: installAddon is set, expected an add-on EKS manages; cluster-autoscaler is not one; ' +
      'install it with its own chart or manifests');
  });
});
