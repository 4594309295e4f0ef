import { aws_acmpca as acmpca } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AddonIdentity, IdentityMechanism } from '../../src';
import { addonDecision, addonPolicyOf } from '../util/addon-sim';
import { expectError, synthErrors } from '../util/errors';
import { ACCOUNT, REGION, importCluster, logicalIdsOf, newStack, podIdentityTags } from '../util/fixtures';
import { eksIssuer, irsaDecision } from '../util/irsa-sim';
import { podIdentityDecision } from '../util/pod-identity-sim';

const caArn = (id: string, region = REGION, account = ACCOUNT) => `arn:aws:acm-pca:${region}:${account}:certificate-authority/${id}`;
const CA = caArn('11223344-1234-1122-2233-112233445566');
const OTHER_CA = caArn('99999999-9999-4999-8999-999999999999');
const ACTIONS = ['acm-pca:DescribeCertificateAuthority', 'acm-pca:GetCertificate', 'acm-pca:IssueCertificate'];

function pcaIssuer(props: Partial<Parameters<typeof AddonIdentity.privateCaIssuer>[2]> = {}) {
  const stack = newStack();
  const cluster = importCluster(stack);
  const identity = AddonIdentity.privateCaIssuer(stack, 'Pca', { cluster, certificateAuthorityArns: [CA], ...props });
  return { stack, identity, template: Template.fromStack(stack) };
}

describe('AddonIdentity.privateCaIssuer', () => {
  test('the conventional service account (aws-privateca-issuer/aws-privateca-issuer), a role trusting it, an association', async () => {
    const { identity, template } = pcaIssuer();
    expect(identity.bindings.map(b => `${b.namespace}/${b.serviceAccount}`)).toEqual(['aws-privateca-issuer/aws-privateca-issuer']);
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Namespace: 'aws-privateca-issuer', ServiceAccount: 'aws-privateca-issuer' });
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    const [roleId] = logicalIdsOf(template, 'AWS::IAM::Role');
    expect(await podIdentityDecision(template, roleId, { tags: podIdentityTags('aws-privateca-issuer', 'aws-privateca-issuer') })).toBe('Allowed');
    expect(await podIdentityDecision(template, roleId, { tags: podIdentityTags('cert-manager', 'aws-privateca-issuer') })).toBe('Denied');
  });

  test('with IRSA: the role trusts the service account through the cluster\'s OIDC provider; no association', async () => {
    const stack = newStack();
    const issuer = eksIssuer('AB12CD');
    AddonIdentity.privateCaIssuer(stack, 'Pca', {
      cluster: importCluster(stack, 'demo', { oidcIssuerUrl: issuer }), certificateAuthorityArns: [CA], mechanism: IdentityMechanism.IRSA,
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 0);
    const [roleId] = logicalIdsOf(template, 'AWS::IAM::Role');
    expect(await irsaDecision(template, roleId, { issuer, namespace: 'aws-privateca-issuer', serviceAccount: 'aws-privateca-issuer' })).toBe('Allowed');
    expect(await irsaDecision(template, roleId, { issuer, namespace: 'aws-privateca-issuer', serviceAccount: 'default' })).toBe('Denied');
  });

  test('the policy, exactly: describe, issue and get certificates from the given CAs only, nothing on *', () => {
    // From the project's README ("Configuration": the minimal policy) and terraform-aws-eks-pod-identity aws_privateca_issuer.tf.
    expect(addonPolicyOf(pcaIssuer().template).Statement).toEqual([
      { Sid: 'IssueFromTheGivenCas', Effect: 'Allow', Action: ACTIONS, Resource: CA },
    ]);
  });

  test('the simulator: each action on the given CA is allowed; on another CA, or another action, denied', async () => {
    const policy = addonPolicyOf(pcaIssuer().template);
    for (const action of ACTIONS) {
      expect(await addonDecision(policy, { action, resource: CA })).toBe('Allowed');
      expect(await addonDecision(policy, { action, resource: OTHER_CA })).toBe('Denied');
    }
    expect(await addonDecision(policy, { action: 'acm-pca:RevokeCertificate', resource: CA })).toBe('Denied');
    expect(await addonDecision(policy, { action: 'acm-pca:ListCertificateAuthorities', resource: '*' })).toBe('Denied');
  });

  test('typed CAs and ARNs give the same statements; together without repeats', () => {
    const stack = newStack();
    const ca = acmpca.CertificateAuthority.fromCertificateAuthorityArn(stack, 'Ca', CA);
    AddonIdentity.privateCaIssuer(stack, 'Pca', { cluster: importCluster(stack), certificateAuthorities: [ca] });
    expect(addonPolicyOf(Template.fromStack(stack))).toEqual(addonPolicyOf(pcaIssuer().template));

    const both = newStack();
    const other = acmpca.CertificateAuthority.fromCertificateAuthorityArn(both, 'Ca', OTHER_CA);
    AddonIdentity.privateCaIssuer(both, 'Pca', { cluster: importCluster(both), certificateAuthorities: [other], certificateAuthorityArns: [CA, CA] });
    expect(addonPolicyOf(Template.fromStack(both)).Statement[0].Resource).toEqual([OTHER_CA, CA]);
  });

  test('a CA created in the stack is referenced by its ARN', () => {
    const stack = newStack();
    const ca = new acmpca.CfnCertificateAuthority(stack, 'Ca', {
      type: 'ROOT', keyAlgorithm: 'RSA_2048', signingAlgorithm: 'SHA256WITHRSA', subject: { commonName: 'example.internal' },
    });
    const imported = acmpca.CertificateAuthority.fromCertificateAuthorityArn(stack, 'Imported', ca.attrArn);
    AddonIdentity.privateCaIssuer(stack, 'Pca', { cluster: importCluster(stack), certificateAuthorities: [imported] });
    const [policy] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy')) as any[];
    expect(policy.Properties.PolicyDocument.Statement[0].Resource).toEqual({ 'Fn::GetAtt': ['Ca', 'Arn'] });
  });

  test('no CA is an error: the library never writes a policy on every CA', () => {
    const stack = newStack();
    expectError(() => AddonIdentity.privateCaIssuer(stack, 'Pca', { cluster: importCluster(stack) }),
      'AddonIdentity.privateCaIssuer Test/Pca: neither certificateAuthorities nor certificateAuthorityArns is given, expected the Private CAs ' +
      'the issuer may issue certificates from; a policy on every CA of the account (certificate-authority/*) is what this library does not write');
    expectError(() => pcaIssuer({ certificateAuthorityArns: [] }),
      'AddonIdentity.privateCaIssuer Test/Pca: neither certificateAuthorities nor certificateAuthorityArns is given, expected the Private CAs ' +
      'the issuer may issue certificates from; a policy on every CA of the account (certificate-authority/*) is what this library does not write');
  });

  test('malformed CA ARNs are errors', () => {
    const expected = 'expected arn:<partition>:acm-pca:<region>:<account>:certificate-authority/<CA id>';
    for (const bad of [
      caArn('*'),
      'arn:aws:acm-pca:eu-west-1:111122223333:certificate-authority/11223344-1234-1122-2233-112233445566/certificate/abc',
      'arn:aws:acm:eu-west-1:111122223333:certificate/11223344-1234-1122-2233-112233445566',
      '11223344-1234-1122-2233-112233445566',
      caArn('11223344-1234-1122-2233-112233445566', 'eu-west-1', '*'),
    ]) {
      expectError(() => pcaIssuer({ certificateAuthorityArns: [bad] }),
        `AddonIdentity.privateCaIssuer Test/Pca: certificateAuthorityArns has ${JSON.stringify(bad)}, ${expected}`);
    }
    expectError(() => pcaIssuer({ certificateAuthorityArns: CA as any }),
      `AddonIdentity.privateCaIssuer Test/Pca: certificateAuthorityArns is ${JSON.stringify(CA)}, expected a list`);
  });

  test('size: one CA is small, 50 CAs fit IAM\'s 6,144 characters, 70 fail at synthesis naming what to split', () => {
    const cas = (n: number) => Array.from({ length: n }, (_, i) => caArn(`11223344-1234-1122-2233-${String(i).padStart(12, '0')}`));
    const size = (n: number) => JSON.stringify(addonPolicyOf(pcaIssuer({ certificateAuthorityArns: cas(n) }).template)).length;
    expect(size(1)).toBeLessThan(300);
    expect(size(50)).toBeLessThanOrEqual(6144);
    const stack = newStack();
    AddonIdentity.privateCaIssuer(stack, 'Pca', { cluster: importCluster(stack), certificateAuthorityArns: cas(70) });
    expect(synthErrors(stack)).toEqual([expect.stringMatching(new RegExp('^\\[Test/Pca\\] AddonIdentity.privateCaIssuer Test/Pca: the policy of ' +
      'aws-privateca-issuer is \\d+ characters \\(whitespace removed\\), expected at most 6144 \\(IAM\'s limit for a managed policy\\); give one ' +
      'identity fewer certificate authorities, and the others to a second identity with its own service account$'))]);
  });

  test('installAddon is an error', () => {
    expectError(() => pcaIssuer({ installAddon: {} } as any),
      'AddonIdentity.privateCaIssuer Test/Pca: installAddon is set, expected an add-on EKS manages; aws-privateca-issuer is not one; ' +
      'install it with its own chart or manifests');
  });
});
