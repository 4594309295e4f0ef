import { clusterAddonsExample } from '../../examples/cluster-addons/app';
import { addonDecision } from '../util/addon-sim';
import { onlyTemplate, resourceTypes, synthesizeExample } from '../util/examples';
import { ACCOUNT, logicalIdsOf, podIdentityTags } from '../util/fixtures';
import { resolveIntrinsics } from '../util/intrinsics';
import { assertNoUnresolvedTokens, parseYamlDocuments, validateKubernetesObjects } from '../util/kubernetes';
import { assertNagClean, suppress } from '../util/nag';
import { podIdentityDecision } from '../util/pod-identity-sim';

// The example's account and region (examples/cluster-addons/app.ts).
const REGION = 'eu-west-1';
const ZONE = 'arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ';
const OTHER_ZONE = 'arn:aws:route53:::hostedzone/Z9999999999ZZZZZZZZZZ';
const KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/0b6c7c3e-1b7e-4a53-9c6d-8f0e1d2c3b4a`;
const OTHER_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/99999999-1b7e-4a53-9c6d-8f0e1d2c3b4a`;
const secret = (name: string) => `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-AbCdEf`;
const clusterArn = (name: string) => `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/${name}`;
const tags = (namespace: string, serviceAccount: string, cluster = 'platform') => podIdentityTags(namespace, serviceAccount, cluster, clusterArn(cluster));

const output = synthesizeExample(clusterAddonsExample);
const { template, json } = onlyTemplate(output);
const yaml = output.yaml['edge-pod-identity-agent.yaml'];
const [keyId] = logicalIdsOf(template, 'AWS::KMS::Key');
const env = { account: ACCOUNT, region: REGION, getAtts: { [`${keyId}.Arn`]: KEY } };

const roleOf = (identity: string) => logicalIdsOf(template, 'AWS::IAM::Role').find(id => id.startsWith(`${identity}Role`))!;
const policyOf = (identity: string) => {
  const id = logicalIdsOf(template, 'AWS::IAM::ManagedPolicy').find(p => p.startsWith(`${identity}Policy`));
  if (!id) throw new Error(`no managed policy for ${identity}`);
  return resolveIntrinsics(json.Resources[id].Properties.PolicyDocument, env) as object;
};

// Each add-on identity: its construct id, cluster, and conventional namespace/service account.
const IDENTITIES: Array<[string, string, string, string]> = [
  ['LoadBalancerController', 'platform', 'kube-system', 'aws-load-balancer-controller'],
  ['EbsCsiDriver', 'platform', 'kube-system', 'ebs-csi-controller-sa'],
  ['ExternalDns', 'platform', 'external-dns', 'external-dns'],
  ['CertManager', 'platform', 'cert-manager', 'cert-manager'],
  ['ExternalSecrets', 'platform', 'external-secrets', 'external-secrets'],
  ['ClusterAutoscaler', 'platform', 'kube-system', 'cluster-autoscaler'],
  ['EdgeExternalSecrets', 'edge', 'external-secrets', 'external-secrets'],
];

describe('examples/cluster-addons: CloudFormation', () => {
  test('per add-on: a role and its managed policy (two for the load balancer controller); an association each, except the EBS CSI ' +
    'driver, which its EKS add-on names', () => {
    expect(resourceTypes(json)).toEqual([
      'AWS::EKS::Addon', 'AWS::EKS::Addon',
      ...Array(6).fill('AWS::EKS::PodIdentityAssociation'),
      ...Array(8).fill('AWS::IAM::ManagedPolicy'),
      ...Array(7).fill('AWS::IAM::Role'),
      'AWS::KMS::Key',
    ]);
    const addons = Object.values(template.findResources('AWS::EKS::Addon')) as any[];
    expect(addons.map(a => `${a.Properties.ClusterName}/${a.Properties.AddonName}`).sort())
      .toEqual(['platform/aws-ebs-csi-driver', 'platform/eks-pod-identity-agent']);
  });

  test('the EBS CSI driver\'s add-on names its role for its controller\'s service account, after the agent', () => {
    const [ebsAddonId] = logicalIdsOf(template, 'AWS::EKS::Addon').filter(id => json.Resources[id].Properties.AddonName === 'aws-ebs-csi-driver');
    const [agentId] = logicalIdsOf(template, 'AWS::EKS::Addon').filter(id => json.Resources[id].Properties.AddonName === 'eks-pod-identity-agent');
    expect(json.Resources[ebsAddonId].Properties.PodIdentityAssociations).toEqual([
      { ServiceAccount: 'ebs-csi-controller-sa', RoleArn: { 'Fn::GetAtt': [roleOf('EbsCsiDriver'), 'Arn'] } },
    ]);
    expect(json.Resources[ebsAddonId].DependsOn).toContain(agentId);
  });

  test('the associations name each add-on\'s conventional service account on its cluster, and its own role', () => {
    for (const [identity, cluster, namespace, serviceAccount] of IDENTITIES.filter(([id]) => id !== 'EbsCsiDriver')) {
      template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
        ClusterName: cluster, Namespace: namespace, ServiceAccount: serviceAccount, RoleArn: { 'Fn::GetAtt': [roleOf(identity), 'Arn'] },
      });
    }
  });

  test.each(IDENTITIES)('%s\'s role admits only its service account on its cluster', async (identity, cluster, namespace, serviceAccount) => {
    const role = roleOf(identity);
    const otherCluster = cluster === 'platform' ? 'edge' : 'platform';
    expect(await podIdentityDecision(template, role, { tags: tags(namespace, serviceAccount, cluster) })).toBe('Allowed');
    expect(await podIdentityDecision(template, role, { tags: tags(namespace, serviceAccount, otherCluster) })).toBe('Denied');
    expect(await podIdentityDecision(template, role, { tags: tags(namespace, 'default', cluster) })).toBe('Denied');
    expect(await podIdentityDecision(template, role, { tags: tags('default', serviceAccount, cluster) })).toBe('Denied');
  });

  test('external-dns and cert-manager change records in the one hosted zone, and in no other', async () => {
    for (const identity of ['ExternalDns', 'CertManager']) {
      const policy = policyOf(identity);
      expect(await addonDecision(policy, { action: 'route53:ChangeResourceRecordSets', resource: ZONE })).toBe('Allowed');
      expect(await addonDecision(policy, { action: 'route53:ChangeResourceRecordSets', resource: OTHER_ZONE })).toBe('Denied');
    }
  });

  test('the EBS CSI driver uses the volume key, and no other key', async () => {
    const policy = policyOf('EbsCsiDriver');
    for (const action of ['kms:Decrypt', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey']) {
      expect(await addonDecision(policy, { action, resource: KEY })).toBe('Allowed');
      expect(await addonDecision(policy, { action, resource: OTHER_KEY })).toBe('Denied');
    }
    const grant = { 'kms:GrantIsForAWSResource': 'true' };
    expect(await addonDecision(policy, { action: 'kms:CreateGrant', resource: KEY, context: grant })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'kms:CreateGrant', resource: KEY, context: { 'kms:GrantIsForAWSResource': 'false' } })).toBe('Denied');
    expect(await addonDecision(policy, { action: 'kms:CreateGrant', resource: OTHER_KEY, context: grant })).toBe('Denied');
  });

  test('each External Secrets reads its own cluster\'s secret prefix, not the other\'s', async () => {
    const platform = policyOf('ExternalSecrets');
    const edge = policyOf('EdgeExternalSecrets');
    expect(await addonDecision(platform, { action: 'secretsmanager:GetSecretValue', resource: secret('platform/db') })).toBe('Allowed');
    expect(await addonDecision(platform, { action: 'secretsmanager:GetSecretValue', resource: secret('edge/db') })).toBe('Denied');
    expect(await addonDecision(edge, { action: 'secretsmanager:GetSecretValue', resource: secret('edge/db') })).toBe('Allowed');
    expect(await addonDecision(edge, { action: 'secretsmanager:GetSecretValue', resource: secret('platform/db') })).toBe('Denied');
  });

  test('the Cluster Autoscaler resizes only the platform cluster\'s Auto Scaling groups', async () => {
    const policy = policyOf('ClusterAutoscaler');
    const group = `arn:aws:autoscaling:${REGION}:${ACCOUNT}:autoScalingGroup:0b6c7c3e-1b7e-4a53-9c6d-8f0e1d2c3b4a:autoScalingGroupName/nodes`;
    const owned = (cluster: string) => ({ [`autoscaling:ResourceTag/kubernetes.io/cluster/${cluster}`]: 'owned' });
    for (const action of ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup']) {
      expect(await addonDecision(policy, { action, resource: group, context: owned('platform') })).toBe('Allowed');
      expect(await addonDecision(policy, { action, resource: group, context: owned('edge') })).toBe('Denied');
      expect(await addonDecision(policy, { action, resource: group })).toBe('Denied');
    }
  });

  test('the load balancer controller creates load balancers only tagged for the cluster, and changes only those', async () => {
    const policy = policyOf('LoadBalancerController');
    const lb = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/app/k8s-web/0123456789abcdef`;
    expect(await addonDecision(policy, { action: 'elasticloadbalancing:DeleteLoadBalancer', resource: lb, context: { 'aws:ResourceTag/elbv2.k8s.aws/cluster': 'platform' } })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'elasticloadbalancing:DeleteLoadBalancer', resource: lb })).toBe('Denied');
  });

  test('cdk-nag AwsSolutions reports no errors; every wildcard is suppressed with the reason it is needed', () => {
    const fresh = clusterAddonsExample();
    suppressAddonWildcards(fresh.identities);
    expect(() => assertNagClean(fresh.app)).not.toThrow();
  });

  test('snapshot of the template', () => {
    expect(json).toMatchSnapshot();
  });
});

describe('examples/cluster-addons: the edge cluster\'s agent as YAML', () => {
  const objects = parseYamlDocuments(yaml);

  test('no EKS add-on for the edge cluster: its agent comes from the manifests', () => {
    const addons = Object.values(template.findResources('AWS::EKS::Addon')) as any[];
    expect(addons.filter(a => a.Properties.ClusterName === 'edge')).toEqual([]);
  });

  test('one hybrid DaemonSet, for the edge cluster in its region, serving only the IPv4 address; schema-valid, no token', () => {
    expect(() => validateKubernetesObjects(objects)).not.toThrow();
    expect(() => assertNoUnresolvedTokens(yaml, 'edge-pod-identity-agent.yaml')).not.toThrow();
    expect(objects.map(o => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['DaemonSet/kube-system/eks-pod-identity-agent-hybrid']);
    const [agent] = objects[0].spec.template.spec.containers;
    expect(agent.args).toEqual(expect.arrayContaining(['--cluster-name', 'edge', '-b', '169.254.170.23', '--rotate-credentials']));
    expect(agent.env).toEqual(expect.arrayContaining([{ name: 'AWS_REGION', value: REGION }]));
    const terms = objects[0].spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    expect(terms[0].matchExpressions).toContainEqual({ key: 'eks.amazonaws.com/compute-type', operator: 'In', values: ['hybrid'] });
  });

  test('snapshot of the YAML file', () => {
    expect(yaml).toMatchSnapshot();
  });
});

// The wildcards each add-on's policy keeps, and why: cdk-nag's AwsSolutions-IAM5 reports each one; each is suppressed
// on its own (appliesTo), so a new wildcard in a policy is an error here.
const TAKES_NO_RESOURCE = 'Resource::*';
const EBS_EC2 = 'Resource::arn:<AWS::Partition>:ec2:*:111122223333';
const LBC_ELB = 'Resource::arn:<AWS::Partition>:elasticloadbalancing:eu-west-1:111122223333';
const WILDCARDS: Record<string, Array<[string[], string]>> = {
  LoadBalancerController: [
    [[TAKES_NO_RESOURCE], 'The controller attaches certificates (ACM, IAM), Cognito clients, WAF and WAF v2 web ACLs and Shield ' +
      'protection named in Ingress annotations at run time, as its upstream policy does; nothing else of its policy is on *'],
    [['Resource::arn:<AWS::Partition>:ec2:eu-west-1:111122223333:security-group/*', 'Resource::arn:<AWS::Partition>:ec2:eu-west-1:111122223333:vpc/*'],
      'Security groups in the stack\'s region: the controller creates its own (tagged elbv2.k8s.aws/cluster = platform, the only ones it ' +
      'may delete) and opens the nodes\' groups to its load balancers, whose ids it learns at run time'],
    [[`${LBC_ELB}:*`, `${LBC_ELB}:targetgroup/*/*`, `${LBC_ELB}:loadbalancer/net/*/*`, `${LBC_ELB}:loadbalancer/app/*/*`,
      `${LBC_ELB}:listener/net/*/*/*`, `${LBC_ELB}:listener/app/*/*/*`, `${LBC_ELB}:listener-rule/net/*/*/*`, `${LBC_ELB}:listener-rule/app/*/*/*`],
    'Load balancers, target groups, listeners and rules the controller creates (names and ids generated by ELB) in the stack\'s region; ' +
      'changing and deleting them needs the tag elbv2.k8s.aws/cluster = platform'],
  ],
  LoadBalancerControllerRead: [[[TAKES_NO_RESOURCE], 'The Describe and Get calls of the controller\'s read-only policy take no resource ' +
    '(GetCoipPoolUsage and GetSecurityGroupsForVpc read pools and VPCs the controller discovers at run time)']],
  EbsCsiDriver: [
    [[TAKES_NO_RESOURCE], 'The driver\'s Describe calls (volumes, snapshots, instances, availability zones) take no resource'],
    [[`${EBS_EC2}:volume/*`, `${EBS_EC2}:volume/vol-*`, `${EBS_EC2}:instance/*`, 'Resource::arn:<AWS::Partition>:ec2:*:*:snapshot/*'],
      'Volumes and snapshots the driver creates for PersistentVolumes (ids generated by EC2), attached to whichever node runs the pod; ' +
      'deletion needs the driver\'s tags, as the driver\'s example policy writes it; snapshots of any account, to restore shared ones'],
    [['Action::kms:ReEncrypt*', 'Action::kms:GenerateDataKey*'], 'EBS re-encrypts and generates data keys with the given volume key ' +
      'only (ReEncryptFrom/To, GenerateDataKeyWithoutPlaintext): the actions of the driver\'s KMS policy, on that one key'],
  ],
  ExternalDns: [[[TAKES_NO_RESOURCE], 'route53:ListHostedZones takes no resource: external-dns lists the zones (and their records) ' +
    'to find those it manages; record changes are limited to the given zone']],
  CertManager: [
    [[TAKES_NO_RESOURCE], 'route53:ListHostedZonesByName takes no resource: cert-manager finds the zone of a DNS-01 challenge by name; ' +
      'record changes are limited to the given zone'],
    [['Resource::arn:<AWS::Partition>:route53:::change/*'], 'route53:GetChange on the changes cert-manager submits: change ids are ' +
      'generated by Route 53 at request time, so no narrower ARN exists'],
  ],
  ExternalSecrets: [
    [[TAKES_NO_RESOURCE], 'secretsmanager:ListSecrets and BatchGetSecretValue take no resource (BatchGetSecretValue then needs ' +
      'GetSecretValue on each secret, which is limited to the prefix)'],
    [['Resource::arn:<AWS::Partition>:secretsmanager:eu-west-1:111122223333:secret:platform/*'], 'The given secret prefix is the scope ' +
      'External Secrets reads (a secret ARN ends in a random suffix, so a prefix is a wildcard by construction)'],
  ],
  EdgeExternalSecrets: [
    [[TAKES_NO_RESOURCE], 'secretsmanager:ListSecrets and BatchGetSecretValue take no resource (BatchGetSecretValue then needs ' +
      'GetSecretValue on each secret, which is limited to the prefix)'],
    [['Resource::arn:<AWS::Partition>:secretsmanager:eu-west-1:111122223333:secret:edge/*'], 'The given secret prefix is the scope ' +
      'External Secrets reads (a secret ARN ends in a random suffix, so a prefix is a wildcard by construction)'],
  ],
  ClusterAutoscaler: [
    [[TAKES_NO_RESOURCE], 'The Describe calls take no resource; SetDesiredCapacity and TerminateInstanceInAutoScalingGroup are on * ' +
      'but limited by the condition autoscaling:ResourceTag/kubernetes.io/cluster/platform = owned (EKS generates the groups\' names)'],
    [['Resource::arn:<AWS::Partition>:eks:eu-west-1:111122223333:nodegroup/platform/*'], 'eks:DescribeNodegroup on the node groups of ' +
      'the platform cluster only; a node group ARN ends in an id EKS generates'],
  ],
};

/** Suppresses each add-on policy's wildcards, each with the reason the add-on needs it. */
function suppressAddonWildcards(identities: Record<string, { node: { findChild(id: string): any } }>): void {
  for (const [key, wildcards] of Object.entries(WILDCARDS)) {
    const [identity, policy] = key.endsWith('Read') ? [key.slice(0, -'Read'.length), 'ReadPolicy'] : [key, 'Policy'];
    for (const [appliesTo, reason] of wildcards) suppress(identities[identity].node.findChild(policy), 'AwsSolutions-IAM5', reason, appliesTo);
  }
}
