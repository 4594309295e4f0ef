import { Stack, Token, aws_iam as iam } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AddonIdentityOptions } from './addon-identity-options';
import type { AddonPolicy } from './addon-policy';
import { fail, show, type Subject } from '../private/errors';

/**
 * Properties of `AddonIdentity.loadBalancerController()`: the AWS Load Balancer Controller.
 * Conventional service account: `kube-system/aws-load-balancer-controller` (the controller's Helm chart, release
 * `aws-load-balancer-controller` in `kube-system`, as its installation guide installs it).
 */
export interface LoadBalancerControllerIdentityProps extends AddonIdentityOptions {
  /**
   * The value the controller writes in its `elbv2.k8s.aws/cluster` tag: its `--cluster-name` (the chart's
   * `clusterName`). The controller may change and delete only the load balancers, target groups and security groups
   * that carry this tag with this value, and create only resources it tags so.
   *
   * @default - the name of `cluster`
   */
  readonly clusterName?: string;
}

// The tag the controller puts on every resource it creates, with its --cluster-name as the value.
const CLUSTER_TAG = 'elbv2.k8s.aws/cluster';
// EKS cluster names (and the controller's --cluster-name): letters, digits, '-' and '_', at most 100.
const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/;

/**
 * The AWS Load Balancer Controller's policy: the actions of its docs/install/iam_policy.json as
 * terraform-aws-eks-pod-identity aws_lb_controller.tf transcribes it (commit c924c62154d0bc603d5196cb1dceae491eefec6e,
 * controller v2.13: with `DescribeCapacityReservation`, `ModifyCapacityReservation`, `ModifyIpPools`,
 * `DescribeIpamPools`, `SetRulePriorities`), statement for statement, with three narrowings:
 *
 * - The tag conditions compare the `elbv2.k8s.aws/cluster` tag with this cluster's name (`StringEquals`) where upstream
 *   only asks that the tag exist (`Null`): one cluster's controller cannot delete or rewire another cluster's load
 *   balancers, target groups or security groups in the same account.
 * - Resources that upstream writes for any region and account (`arn:aws:ec2:*:*:security-group/*`,
 *   `arn:aws:elasticloadbalancing:*:*:...`) and the untagged listener and rule calls upstream grants on `*` are limited
 *   to the stack's region and account; the service-linked role to ELB's own.
 * - What stays on `*`: the Describe and Get calls, most of which take no resource (in the second managed policy `ReadPolicy`:
 *   the whole policy is over the 6,144 characters of one), and the integrations the controller attaches
 *   by ARN from annotations (ACM and IAM server certificates, Cognito, WAF Classic, WAF v2, Shield), as upstream: the
 *   controller reads those ARNs from Ingress annotations at run time.
 */
export function loadBalancerControllerPolicy(subject: Subject, scope: Construct, props: LoadBalancerControllerIdentityProps): AddonPolicy {
  const clusterName = props.clusterName ?? props.cluster.clusterName;
  if (typeof clusterName !== 'string' || (!Token.isUnresolved(clusterName) && !CLUSTER_NAME.test(clusterName))) {
    fail(subject, `clusterName is ${show(clusterName)}`, 'an EKS cluster name (letters, digits, - and _, at most 100 characters): the controller\'s --cluster-name');
  }
  const stack = Stack.of(scope);
  const arn = (service: string, resource: string) => `arn:${stack.partition}:${service}:${stack.region}:${stack.account}:${resource}`;
  const elb = (resource: string) => arn('elasticloadbalancing', resource);
  const securityGroups = arn('ec2', 'security-group/*');
  const loadBalancersAndTargetGroups = [elb('targetgroup/*/*'), elb('loadbalancer/net/*/*'), elb('loadbalancer/app/*/*')];
  const ours = { StringEquals: { [`aws:ResourceTag/${CLUSTER_TAG}`]: clusterName } };
  const taggedOnCreate = { StringEquals: { [`aws:RequestTag/${CLUSTER_TAG}`]: clusterName } };
  const statement = (sid: string, actions: string[], resources: string[], conditions?: Record<string, unknown>) =>
    new iam.PolicyStatement({ sid, actions, resources, conditions });
  return {
    addon: 'aws-load-balancer-controller',
    namespace: 'kube-system',
    serviceAccount: 'aws-load-balancer-controller',
    splitHint: 'statements (the policy has no resource inputs: add your own statements to a second policy)',
    source: 'kubernetes-sigs/aws-load-balancer-controller docs/install/iam_policy.json; terraform-aws-eks-pod-identity aws_lb_controller.tf',
    readStatements: [
      statement('ReadOnlyCalls', [
        'ec2:DescribeAccountAttributes', 'ec2:DescribeAddresses', 'ec2:DescribeAvailabilityZones', 'ec2:DescribeInternetGateways',
        'ec2:DescribeVpcs', 'ec2:DescribeVpcPeeringConnections', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups',
        'ec2:DescribeInstances', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeTags', 'ec2:GetCoipPoolUsage', 'ec2:DescribeCoipPools',
        'ec2:GetSecurityGroupsForVpc', 'ec2:DescribeIpamPools', 'ec2:DescribeRouteTables',
        'elasticloadbalancing:DescribeLoadBalancers', 'elasticloadbalancing:DescribeLoadBalancerAttributes',
        'elasticloadbalancing:DescribeListeners', 'elasticloadbalancing:DescribeListenerCertificates',
        'elasticloadbalancing:DescribeSSLPolicies', 'elasticloadbalancing:DescribeRules', 'elasticloadbalancing:DescribeTargetGroups',
        'elasticloadbalancing:DescribeTargetGroupAttributes', 'elasticloadbalancing:DescribeTargetHealth', 'elasticloadbalancing:DescribeTags',
        'elasticloadbalancing:DescribeTrustStores', 'elasticloadbalancing:DescribeListenerAttributes',
        'elasticloadbalancing:DescribeCapacityReservation',
      ], ['*']),
    ],
    statements: [
      statement('ElbServiceLinkedRole', ['iam:CreateServiceLinkedRole'],
        [`arn:${stack.partition}:iam::${stack.account}:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing`],
        { StringEquals: { 'iam:AWSServiceName': 'elasticloadbalancing.amazonaws.com' } }),
      statement('AnnotatedIntegrations', [
        'cognito-idp:DescribeUserPoolClient', 'acm:ListCertificates', 'acm:DescribeCertificate', 'iam:ListServerCertificates',
        'iam:GetServerCertificate', 'waf-regional:GetWebACL', 'waf-regional:GetWebACLForResource', 'waf-regional:AssociateWebACL',
        'waf-regional:DisassociateWebACL', 'wafv2:GetWebACL', 'wafv2:GetWebACLForResource', 'wafv2:AssociateWebACL',
        'wafv2:DisassociateWebACL', 'shield:GetSubscriptionState', 'shield:DescribeProtection', 'shield:CreateProtection',
        'shield:DeleteProtection',
      ], ['*']),
      // Node and pod security groups are not the controller's: it opens them to its load balancers' traffic.
      statement('OpenSecurityGroups', ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress'], [securityGroups]),
      statement('CreateSecurityGroups', ['ec2:CreateSecurityGroup'], [securityGroups, arn('ec2', 'vpc/*')]),
      statement('TagNewSecurityGroups', ['ec2:CreateTags'], [securityGroups],
        { StringEquals: { 'ec2:CreateAction': 'CreateSecurityGroup', [`aws:RequestTag/${CLUSTER_TAG}`]: clusterName } }),
      statement('RetagOwnSecurityGroups', ['ec2:CreateTags', 'ec2:DeleteTags'], [securityGroups],
        { Null: { [`aws:RequestTag/${CLUSTER_TAG}`]: 'true' }, ...ours }),
      statement('ChangeOwnSecurityGroups', ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress', 'ec2:DeleteSecurityGroup'],
        [securityGroups], ours),
      statement('CreateTaggedLoadBalancers',
        ['elasticloadbalancing:CreateLoadBalancer', 'elasticloadbalancing:CreateTargetGroup'], [elb('*')], taggedOnCreate),
      statement('RetagOwnLoadBalancers', ['elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'],
        loadBalancersAndTargetGroups, { Null: { [`aws:RequestTag/${CLUSTER_TAG}`]: 'true' }, ...ours }),
      statement('TagListenersAndRules', ['elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'],
        [elb('listener/net/*/*/*'), elb('listener/app/*/*/*'), elb('listener-rule/net/*/*/*'), elb('listener-rule/app/*/*/*')]),
      statement('ChangeOwnLoadBalancers', [
        'elasticloadbalancing:ModifyLoadBalancerAttributes', 'elasticloadbalancing:SetIpAddressType', 'elasticloadbalancing:SetSecurityGroups',
        'elasticloadbalancing:SetSubnets', 'elasticloadbalancing:DeleteLoadBalancer', 'elasticloadbalancing:ModifyTargetGroup',
        'elasticloadbalancing:ModifyTargetGroupAttributes', 'elasticloadbalancing:DeleteTargetGroup',
        'elasticloadbalancing:ModifyListenerAttributes', 'elasticloadbalancing:ModifyCapacityReservation', 'elasticloadbalancing:ModifyIpPools',
      ], [elb('*')], ours),
      statement('TagNewLoadBalancers', ['elasticloadbalancing:AddTags'], loadBalancersAndTargetGroups, {
        StringEquals: { 'elasticloadbalancing:CreateAction': ['CreateTargetGroup', 'CreateLoadBalancer'], [`aws:RequestTag/${CLUSTER_TAG}`]: clusterName },
      }),
      // TargetGroupBindings may name target groups the controller did not create: registration is not tag-scoped upstream.
      statement('RegisterTargets', ['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'], [elb('targetgroup/*/*')]),
      // Listeners and rules carry no cluster tag upstream: they are limited to the stack's region and account.
      statement('ListenersAndRules', ['elasticloadbalancing:CreateListener', 'elasticloadbalancing:DeleteListener',
        'elasticloadbalancing:CreateRule', 'elasticloadbalancing:DeleteRule', 'elasticloadbalancing:SetWebAcl', 'elasticloadbalancing:ModifyListener',
        'elasticloadbalancing:AddListenerCertificates', 'elasticloadbalancing:RemoveListenerCertificates', 'elasticloadbalancing:ModifyRule',
        'elasticloadbalancing:SetRulePriorities'], [elb('*')]),
    ],
  };
}
