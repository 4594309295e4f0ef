import { aws_route53 as route53 } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AddonIdentity, IdentityMechanism } from '../../src';
import { addonDecision, addonPolicyOf } from '../util/addon-sim';
import { expectError, synthErrors } from '../util/errors';
import { importCluster, logicalIdsOf, newStack, podIdentityTags } from '../util/fixtures';
import { eksIssuer, irsaDecision } from '../util/irsa-sim';
import { podIdentityDecision } from '../util/pod-identity-sim';

const ZONE = 'Z0123456789ABCDEFGHIJ';
const OTHER_ZONE = 'Z9999999999ZZZZZZZZZZ';
const zoneArn = (id: string) => `arn:aws:route53:::hostedzone/${id}`;
const TXT = { 'route53:ChangeResourceRecordSetsRecordTypes': ['TXT'] };

function certManager(props: Partial<Parameters<typeof AddonIdentity.certManager>[2]> = {}) {
  const stack = newStack();
  const cluster = importCluster(stack);
  const identity = AddonIdentity.certManager(stack, 'Certs', { cluster, hostedZoneArns: [zoneArn(ZONE)], ...props });
  return { stack, identity, template: Template.fromStack(stack) };
}

describe('AddonIdentity.certManager', () => {
  test('the conventional service account (cert-manager/cert-manager), a role trusting it, an association, the policy', async () => {
    const { identity, template } = certManager();
    expect(identity.bindings.map(b => `${b.namespace}/${b.serviceAccount}`)).toEqual(['cert-manager/cert-manager']);
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { ClusterName: 'demo', Namespace: 'cert-manager', ServiceAccount: 'cert-manager' });
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Description: Match.stringLikeRegexp('^Least privilege for cert-manager \\(cert-manager docs configuration/acme/dns01/route53.md'),
    });
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: [{ Ref: Match.stringLikeRegexp('^CertsPolicy') }] });
    const [roleId] = logicalIdsOf(template, 'AWS::IAM::Role');
    expect(await podIdentityDecision(template, roleId, { tags: podIdentityTags('cert-manager', 'cert-manager') })).toBe('Allowed');
    expect(await podIdentityDecision(template, roleId, { tags: podIdentityTags('cert-manager', 'cert-manager-cainjector') })).toBe('Denied');
  });

  test('with IRSA: the role trusts the service account through the cluster\'s OIDC provider; no association', async () => {
    const stack = newStack();
    const issuer = eksIssuer('C3A7E5');
    const cluster = importCluster(stack, 'demo', { oidcIssuerUrl: issuer });
    AddonIdentity.certManager(stack, 'Certs', { cluster, hostedZoneArns: [zoneArn(ZONE)], mechanism: IdentityMechanism.IRSA });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 0);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    const [roleId] = logicalIdsOf(template, 'AWS::IAM::Role');
    expect(await irsaDecision(template, roleId, { issuer, namespace: 'cert-manager', serviceAccount: 'cert-manager' })).toBe('Allowed');
    expect(await irsaDecision(template, roleId, { issuer, namespace: 'default', serviceAccount: 'cert-manager' })).toBe('Denied');
  });

  test('the policy, exactly: TXT records in the given zones, its changes, and finding zones by name on *', () => {
    // From cert-manager's docs (route53.md, "Set up an IAM Policy") with the zones given, as terraform-aws-eks-pod-identity scopes them.
    expect(addonPolicyOf(certManager().template).Statement).toEqual([
      {
        Sid: 'WriteTxtRecordsInTheGivenZones',
        Effect: 'Allow',
        Action: ['route53:ChangeResourceRecordSets', 'route53:ListResourceRecordSets'],
        Resource: 'arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ',
        Condition: { 'ForAllValues:StringEquals': { 'route53:ChangeResourceRecordSetsRecordTypes': ['TXT'] } },
      },
      { Sid: 'WatchItsChanges', Effect: 'Allow', Action: 'route53:GetChange', Resource: 'arn:aws:route53:::change/*' },
      { Sid: 'FindZonesByNameTakesNoResource', Effect: 'Allow', Action: 'route53:ListHostedZonesByName', Resource: '*' },
    ]);
  });

  test('the simulator: TXT records in the given zone only; no other record type; its changes; zones by name', async () => {
    const policy = addonPolicyOf(certManager().template);
    expect(await addonDecision(policy, { action: 'route53:ChangeResourceRecordSets', resource: zoneArn(ZONE), context: TXT })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'route53:ListResourceRecordSets', resource: zoneArn(ZONE) })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'route53:GetChange', resource: 'arn:aws:route53:::change/C2682N5HXP0BZ4' })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'route53:ListHostedZonesByName', resource: '*' })).toBe('Allowed');

    expect(await addonDecision(policy, { action: 'route53:ChangeResourceRecordSets', resource: zoneArn(OTHER_ZONE), context: TXT })).toBe('Denied');
    expect(await addonDecision(policy, { action: 'route53:ListResourceRecordSets', resource: zoneArn(OTHER_ZONE) })).toBe('Denied');
    const types = (...t: string[]) => ({ 'route53:ChangeResourceRecordSetsRecordTypes': t });
    expect(await addonDecision(policy, { action: 'route53:ChangeResourceRecordSets', resource: zoneArn(ZONE), context: types('A') })).toBe('Denied');
    expect(await addonDecision(policy, { action: 'route53:ChangeResourceRecordSets', resource: zoneArn(ZONE), context: types('TXT', 'CNAME') })).toBe('Denied');
    expect(await addonDecision(policy, { action: 'route53:ListHostedZones', resource: '*' })).toBe('Denied');
    expect(await addonDecision(policy, { action: 'route53:DeleteHostedZone', resource: zoneArn(ZONE) })).toBe('Denied');
  });

  test('typed zones and ARNs give the same statements; together without repeats', () => {
    const stack = newStack();
    const zone = route53.HostedZone.fromHostedZoneId(stack, 'Zone', ZONE);
    AddonIdentity.certManager(stack, 'Certs', { cluster: importCluster(stack), hostedZones: [zone] });
    expect(addonPolicyOf(Template.fromStack(stack))).toEqual(addonPolicyOf(certManager().template));

    const both = newStack();
    const other = route53.HostedZone.fromHostedZoneId(both, 'Zone', OTHER_ZONE);
    AddonIdentity.certManager(both, 'Certs', { cluster: importCluster(both), hostedZones: [other], hostedZoneArns: [zoneArn(ZONE), zoneArn(ZONE)] });
    expect(addonPolicyOf(Template.fromStack(both)).Statement[0].Resource).toEqual([zoneArn(OTHER_ZONE), zoneArn(ZONE)]);
  });

  test('namespace and service account can be overridden', () => {
    const { identity, template } = certManager({ namespace: 'certs', serviceAccount: 'issuer' });
    expect(identity.bindings.map(b => `${b.namespace}/${b.serviceAccount}`)).toEqual(['certs/issuer']);
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Namespace: 'certs', ServiceAccount: 'issuer' });
  });

  test('no zones is an error: the library never writes a policy on every zone', () => {
    const stack = newStack();
    expectError(() => AddonIdentity.certManager(stack, 'Certs', { cluster: importCluster(stack) }),
      'AddonIdentity.certManager Test/Certs: neither hostedZones nor hostedZoneArns is given, expected the hosted zones the add-on may ' +
      'change records in; a policy on every zone of the account (route53:::hostedzone/*) is what this library does not write');
  });

  test('an ARN that is not a hosted zone\'s is an error', () => {
    expectError(() => certManager({ hostedZoneArns: ['arn:aws:route53:::hostedzone/*'] }),
      'AddonIdentity.certManager Test/Certs: hostedZoneArns has "arn:aws:route53:::hostedzone/*", expected arn:<partition>:route53:::hostedzone/<zone id>');
    expectError(() => certManager({ hostedZoneArns: [ZONE] }),
      'AddonIdentity.certManager Test/Certs: hostedZoneArns has "Z0123456789ABCDEFGHIJ", expected arn:<partition>:route53:::hostedzone/<zone id>');
  });

  test('size: one zone is small, 50 zones fit IAM\'s 6,144 characters, 150 fail at synthesis naming what to split', () => {
    const zones = (n: number) => Array.from({ length: n }, (_, i) => zoneArn(`Z${String(i).padStart(20, '0')}`));
    const size = (n: number) => JSON.stringify(addonPolicyOf(certManager({ hostedZoneArns: zones(n) }).template)).length;
    expect(size(1)).toBeLessThan(600);
    expect(size(50)).toBeLessThanOrEqual(6144);
    const stack = newStack();
    AddonIdentity.certManager(stack, 'Certs', { cluster: importCluster(stack), hostedZoneArns: zones(150) });
    expect(synthErrors(stack)).toEqual([expect.stringMatching(new RegExp('^\\[Test/Certs\\] AddonIdentity.certManager Test/Certs: the policy of ' +
      'cert-manager is \\d{4} characters \\(whitespace removed\\), expected at most 6144 \\(IAM\'s limit for a managed policy\\); give one ' +
      'identity fewer hosted zones, and the others to a second identity with its own service account$'))]);
  });

  test('installAddon is an error: cert-manager is installed with its own chart', () => {
    expectError(() => certManager({ installAddon: {} } as any),
      'AddonIdentity.certManager Test/Certs: installAddon is set, expected an add-on EKS manages; cert-manager is not one; install it with its own chart or manifests');
  });
});
