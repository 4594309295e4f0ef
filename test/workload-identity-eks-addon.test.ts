import { Template } from 'aws-cdk-lib/assertions';
import { AddonConflictResolution, IdentityMechanism, PodIdentityAgent, PodIdentityAssociation, WorkloadIdentity, type WorkloadIdentityProps } from '../src';
import { expectError } from './util/errors';
import { importCluster, logicalIdsOf, newStack, podIdentityTags } from './util/fixtures';
import { podIdentityDecision } from './util/pod-identity-sim';

const ISSUER = 'https://oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789';

function ebsCsi(props: Partial<WorkloadIdentityProps> = {}, clusterAttrs = {}) {
  const stack = newStack();
  const cluster = importCluster(stack, 'demo', { oidcIssuerUrl: ISSUER, ...clusterAttrs });
  const identity = new WorkloadIdentity(stack, 'Ebs', {
    cluster, namespace: 'kube-system', serviceAccount: 'ebs-csi-controller-sa', eksAddon: { addonName: 'aws-ebs-csi-driver' }, ...props,
  });
  return { stack, cluster, identity, template: Template.fromStack(stack) };
}

describe('WorkloadIdentity with eksAddon: the EKS add-on names the role itself', () => {
  test('Pod Identity: the add-on carries the association, no separate association; the agent add-on comes first', async () => {
    const { template, identity } = ebsCsi({ eksAddon: { addonName: 'aws-ebs-csi-driver', addonVersion: 'v1.41.0-eksbuild.1', resolveConflicts: AddonConflictResolution.OVERWRITE } });
    template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 0);
    const [roleId] = logicalIdsOf(template, 'AWS::IAM::Role');
    const addons = template.findResources('AWS::EKS::Addon', { Properties: { AddonName: 'aws-ebs-csi-driver' } });
    expect(Object.values(addons)).toEqual([{
      Type: 'AWS::EKS::Addon',
      DependsOn: [logicalIdsOf(template, 'AWS::EKS::Addon').find(id => id.startsWith('ClusterdemoPodIdentityAgent'))],
      Properties: {
        AddonName: 'aws-ebs-csi-driver',
        AddonVersion: 'v1.41.0-eksbuild.1',
        ClusterName: 'demo',
        ResolveConflicts: 'OVERWRITE',
        PodIdentityAssociations: [{ ServiceAccount: 'ebs-csi-controller-sa', RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] } }],
      },
    }]);
    expect(identity.eksAddon!.node.path).toBe('Test/Ebs/Addon');
    expect(identity.associations).toEqual([]);
    expect(await podIdentityDecision(template, roleId, { tags: podIdentityTags('kube-system', 'ebs-csi-controller-sa') })).toBe('Allowed');
    expect(await podIdentityDecision(template, roleId, { tags: podIdentityTags('kube-system', 'other') })).toBe('Denied');
  });

  test('IRSA: the add-on carries the role as ServiceAccountRoleArn', () => {
    const { template } = ebsCsi({ mechanism: IdentityMechanism.IRSA });
    const [roleId] = logicalIdsOf(template, 'AWS::IAM::Role');
    template.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'aws-ebs-csi-driver', ServiceAccountRoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] } });
    template.resourceCountIs('AWS::EKS::Addon', 1); // no agent add-on for IRSA
  });

  test('a preinstalled agent: no agent add-on, no dependency', () => {
    const { template } = ebsCsi({}, { podIdentityAgent: PodIdentityAgent.preinstalled() });
    template.resourceCountIs('AWS::EKS::Addon', 1);
  });

  test('the service account counts as associated: a separate association for it is an error', () => {
    const { stack, cluster } = ebsCsi();
    expectError(() => new PodIdentityAssociation(stack, 'Again', { cluster, namespace: 'kube-system', serviceAccount: 'ebs-csi-controller-sa' }),
      'PodIdentityAssociation Test/Again: service account kube-system/ebs-csi-controller-sa@demo already has a Pod Identity association ' +
      'at Test/Ebs, expected one association per cluster, namespace and service account (an EKS rule); share that association\'s role instead');
  });

  test('one add-on of a name per cluster', () => {
    const { stack, cluster } = ebsCsi();
    expectError(() => new WorkloadIdentity(stack, 'Again', { cluster, namespace: 'kube-system', serviceAccount: 'other', eksAddon: { addonName: 'aws-ebs-csi-driver' } }),
      'WorkloadIdentity Test/Again: cluster "demo" already has the EKS add-on "aws-ebs-csi-driver" at Test/Ebs, expected each EKS add-on ' +
      'once per cluster; give the add-on its identity once');
  });

  test.each([
    [{ eksAddon: { addonName: 'AWS_EBS' } }, 'eksAddon.addonName is "AWS_EBS", expected an EKS add-on name such as aws-ebs-csi-driver'],
    [{ eksAddon: { addonName: 'eks-pod-identity-agent' } }, 'eksAddon.addonName is "eks-pod-identity-agent", expected an add-on that runs a workload; the agent add-on comes from the cluster\'s podIdentityAgent (PodIdentityAgent.addon())'],
    [{ eksAddon: { addonName: 'vpc-cni', addonVersion: '1.19' } }, 'eksAddon.addonVersion is "1.19", expected an EKS add-on version like "v1.41.0-eksbuild.1"'],
    [{ eksAddon: { addonName: 'vpc-cni', resolveConflicts: 'overwrite' as AddonConflictResolution } }, 'eksAddon.resolveConflicts is "overwrite", expected one of AddonConflictResolution.NONE, AddonConflictResolution.OVERWRITE, AddonConflictResolution.PRESERVE'],
    [{ mechanism: IdentityMechanism.BOTH }, 'eksAddon is set with mechanism BOTH, expected POD_IDENTITY or IRSA: an add-on names its role one way; move the add-on from IRSA to Pod Identity in one deployment; it restarts its pods itself'],
    [{ disableSessionTags: true, allowUnscopedPodIdentityTrust: true }, 'disableSessionTags is set together with eksAddon, expected them only with a separate association: an EKS add-on\'s PodIdentityAssociations take a service account and a role only'],
  ])('%p is an error', (props, message) => {
    expectError(() => ebsCsi(props as Partial<WorkloadIdentityProps>), `WorkloadIdentity Test/Ebs: ${message}`);
  });

  test('with serviceAccounts it is an error', () => {
    const stack = newStack();
    const cluster = importCluster(stack);
    expectError(() => new WorkloadIdentity(stack, 'Ebs', {
      serviceAccounts: [{ cluster, namespace: 'kube-system', serviceAccount: 'a' }], eksAddon: { addonName: 'vpc-cni' },
    }), 'WorkloadIdentity Test/Ebs: eksAddon is set together with serviceAccounts, expected eksAddon with one service account (the add-on\'s own)');
  });
});
