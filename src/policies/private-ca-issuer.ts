import { Token, aws_iam as iam } from 'aws-cdk-lib';
import type { aws_acmpca as acmpca } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AddonIdentityOptions } from './addon-identity-options';
import type { AddonPolicy } from './addon-policy';
import { fail, show, type Subject } from '../private/errors';

/**
 * Properties of `AddonIdentity.privateCaIssuer()`: the AWS Private CA Issuer for cert-manager.
 * Conventional service account: `aws-privateca-issuer/aws-privateca-issuer` (the aws-privateca-issuer Helm chart
 * installed as release `aws-privateca-issuer` in namespace `aws-privateca-issuer`, as the project's own chart test does;
 * the chart names its service account after the release).
 */
export interface PrivateCaIssuerIdentityProps extends AddonIdentityOptions {
  /**
   * The Private CAs the issuer may issue certificates from. Give these or `certificateAuthorityArns` (or both).
   *
   * @default - none
   */
  readonly certificateAuthorities?: acmpca.ICertificateAuthority[];

  /**
   * The ARNs of the Private CAs the issuer may issue certificates from
   * (`arn:<partition>:acm-pca:<region>:<account>:certificate-authority/<id>`).
   *
   * @default - none
   */
  readonly certificateAuthorityArns?: string[];
}

// AWS Private CA certificate authority ARNs (Service Authorization Reference, AWS Private Certificate Authority:
// certificate-authority); the id is a lowercase UUID.
const CA_ARN = /^arn:aws[a-z0-9-]*:acm-pca:[a-z0-9-]+:\d{12}:certificate-authority\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The AWS Private CA Issuer's policy. Actions from the project's README, "Configuration" (cert-manager/aws-privateca-issuer
 * README.md, v1.9.0, commit 604302103927c6482d3e7b343865c124f066caba) and terraform-aws-eks-pod-identity v2.8.1
 * aws_privateca_issuer.tf (commit 2cbd87e243fcbf74385331dcf983e273eeb7aa36), which agree: `DescribeCertificateAuthority`,
 * `IssueCertificate` and `GetCertificate` on the given CAs only. Nothing is on `*`.
 */
export function privateCaIssuerPolicy(subject: Subject, _scope: Construct, props: PrivateCaIssuerIdentityProps): AddonPolicy {
  for (const [what, list] of [['certificateAuthorities', props.certificateAuthorities], ['certificateAuthorityArns', props.certificateAuthorityArns]] as const) {
    if (list !== undefined && !Array.isArray(list)) fail(subject, `${what} is ${show(list)}`, 'a list');
  }
  const arns = props.certificateAuthorityArns ?? [];
  const all = [...(props.certificateAuthorities ?? []).map(ca => ca.certificateAuthorityArn), ...arns];
  if (all.length === 0) {
    fail(subject, 'neither certificateAuthorities nor certificateAuthorityArns is given', 'the Private CAs the issuer may issue certificates from',
      'a policy on every CA of the account (certificate-authority/*) is what this library does not write');
  }
  for (const arn of arns) {
    if (typeof arn !== 'string' || (!Token.isUnresolved(arn) && !CA_ARN.test(arn))) {
      fail(subject, `certificateAuthorityArns has ${show(arn)}`, 'arn:<partition>:acm-pca:<region>:<account>:certificate-authority/<CA id>');
    }
  }
  return {
    addon: 'aws-privateca-issuer',
    namespace: 'aws-privateca-issuer',
    serviceAccount: 'aws-privateca-issuer',
    splitHint: 'certificate authorities',
    source: 'cert-manager/aws-privateca-issuer README.md; terraform-aws-eks-pod-identity aws_privateca_issuer.tf',
    statements: [
      new iam.PolicyStatement({
        sid: 'IssueFromTheGivenCas',
        actions: ['acm-pca:DescribeCertificateAuthority', 'acm-pca:GetCertificate', 'acm-pca:IssueCertificate'],
        resources: [...new Set(all)],
      }),
    ],
  };
}
