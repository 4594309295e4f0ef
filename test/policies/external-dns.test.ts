import { aws_route53 as route53 } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AddonIdentity, IdentityMechanism } from '../../src';
import { addonDecision, addonPolicyOf } from '../util/addon-sim';
import { expectError } from '../util/errors';
import { importCluster, newStack, podIdentityTags } from '../util/fixtures';
import { podIdentityDecision } from '../util/pod-identity-sim';

const ZONE = 'Z0123456789ABCDEFGHIJ';
const OTHER_ZONE = 'Z9999999999ZZZZZZZZZZ';
const zoneArn = (id: string) => `arn:aws:route53:::hostedzone/${id}`;

function externalDns(props: Partial<Parameters<typeof AddonIdentity.externalDns>[2]> = {}) {
  const stack = newStack();
  const cluster = importCluster(stack);
  const identity = AddonIdentity.externalDns(stack, 'Dns', { cluster, hostedZoneArns: [zoneArn(ZONE)], ...props });
  return { stack, identity, template: Template.fromStack(stack) };
}

describe('AddonIdentity.externalDns', () => {
  test('the conventional service account, a role trusting it, an association, and the policy as a managed policy', async () => {
    const { identity, template } = externalDns();
    expect(identity.bindings.map(b => `${b.namespace}/${b.serviceAccount}`)).toEqual(['external-dns/external-dns']);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Namespace: 'external-dns', ServiceAccount: 'external-dns' });
    const [roleId] = Object.keys(template.findResources('AWS::IAM::Role'));
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: [{ Ref: Match.stringLikeRegexp('^DnsPolicy') }] });
    expect(await podIdentityDecision(template, roleId, { tags: podIdentityTags('external-dns', 'external-dns') })).toBe('Allowed');
    expect(await podIdentityDecision(template, roleId, { tags: podIdentityTags('external-dns', 'other') })).toBe('Denied');
  });

  test('the policy, exactly: record changes in the given zones; the list calls on * (ListHostedZones takes no resource)', () => {
    const { template } = externalDns();
    expect(addonPolicyOf(template).Statement).toEqual([
      { Sid: 'ChangeRecordsInTheGivenZones', Action: 'route53:ChangeResourceRecordSets', Effect: 'Allow', Resource: zoneArn(ZONE) },
      {
        Sid: 'ListZonesAndRecords',
        Action: ['route53:ListHostedZones', 'route53:ListResourceRecordSets', 'route53:ListTagsForResource'],
        Effect: 'Allow',
        Resource: '*',
      },
    ]);
  });

  test('the simulator: records change in the given zone, not in another one', async () => {
    const policy = addonPolicyOf(externalDns().template);
    expect(await addonDecision(policy, { action: 'route53:ChangeResourceRecordSets', resource: zoneArn(ZONE) })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'route53:ChangeResourceRecordSets', resource: zoneArn(OTHER_ZONE) })).toBe('Denied');
    expect(await addonDecision(policy, { action: 'route53:ListHostedZones', resource: '*' })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'route53:DeleteHostedZone', resource: zoneArn(ZONE) })).toBe('Denied');
  });

  test('typed zones and ARNs together, without repeats', () => {
    const stack = newStack();
    const zone = route53.HostedZone.fromHostedZoneId(stack, 'Zone', OTHER_ZONE);
    AddonIdentity.externalDns(stack, 'Dns', { cluster: importCluster(stack), hostedZones: [zone], hostedZoneArns: [zoneArn(ZONE), zoneArn(ZONE)] });
    const [change] = addonPolicyOf(Template.fromStack(stack)).Statement;
    expect(change.Resource).toEqual([zoneArn(OTHER_ZONE), zoneArn(ZONE)]);
  });

  test('namespace, service account and mechanism can be overridden; IRSA works the same way', () => {
    const stack = newStack();
    const cluster = importCluster(stack, 'demo', { oidcIssuerUrl: 'https://oidc.eks.eu-west-1.amazonaws.com/id/ABC' });
    const identity = AddonIdentity.externalDns(stack, 'Dns', {
      cluster, hostedZoneArns: [zoneArn(ZONE)], namespace: 'dns', serviceAccount: 'dns-writer', mechanism: IdentityMechanism.IRSA,
    });
    expect(identity.bindings.map(b => `${b.namespace}/${b.serviceAccount}`)).toEqual(['dns/dns-writer']);
    Template.fromStack(stack).resourceCountIs('AWS::EKS::PodIdentityAssociation', 0);
  });

  test('no zones is an error: the library never writes a policy on every zone', () => {
    const stack = newStack();
    expectError(() => AddonIdentity.externalDns(stack, 'Dns', { cluster: importCluster(stack) }),
      'AddonIdentity.externalDns Test/Dns: neither hostedZones nor hostedZoneArns is given, expected the hosted zones the add-on may ' +
      'change records in; a policy on every zone of the account (route53:::hostedzone/*) is what this library does not write');
  });

  test('an ARN that is not a hosted zone\'s is an error', () => {
    expectError(() => externalDns({ hostedZoneArns: ['arn:aws:route53:::hostedzone/*'] }),
      'AddonIdentity.externalDns Test/Dns: hostedZoneArns has "arn:aws:route53:::hostedzone/*", expected arn:<partition>:route53:::hostedzone/<zone id>');
  });

  test('installAddon on an add-on EKS does not manage is an error', () => {
    expectError(() => externalDns({ installAddon: {} } as any),
      'AddonIdentity.externalDns Test/Dns: installAddon is set, expected an add-on EKS manages; external-dns is not one; install it with its own chart or manifests');
  });
});
