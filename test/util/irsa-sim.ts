import type { Template } from 'aws-cdk-lib/assertions';
import { ACCOUNT, REGION } from './fixtures';
import { type Decision, simulateAssumeRole, trustPolicyOf } from './iam-simulator';

/** The issuer URL of a fixture EKS cluster, by the id EKS would give it. */
export function eksIssuer(id: string, region = REGION): string {
  return `https://oidc.eks.${region}.amazonaws.com/id/${id}`;
}

/** The ARN of the IAM OIDC provider for `issuerUrl` in the fixture account. */
export function providerArnFor(issuerUrl: string, account = ACCOUNT): string {
  return `arn:aws:iam::${account}:oidc-provider/${issuerUrl.replace(/^https:\/\//, '')}`;
}

/** What STS sees in an AssumeRoleWithWebIdentity call with a projected service account token. */
export interface WebIdentityRequest {
  /** The token's issuer (selects the provider principal and the condition key prefix). */
  readonly issuer: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  /** @default sts.amazonaws.com */
  readonly audience?: string;
  /** @default sts:AssumeRoleWithWebIdentity */
  readonly action?: string;
  /** The provider the caller comes through. @default the provider of `issuer` */
  readonly providerArn?: string;
}

/**
 * The decision of role `roleLogicalId`'s trust policy for a web identity request. `providerRefs` maps the logical ids
 * of providers created in the template to their ARNs (by default: every provider the template creates; imported
 * providers are literal ARNs already).
 */
export async function irsaDecision(template: Template, roleLogicalId: string, request: WebIdentityRequest,
  providerRefs: Record<string, string> = createdProviders(template)): Promise<Decision> {
  const trustPolicy = trustPolicyOf(template, roleLogicalId, { account: ACCOUNT, region: REGION, refs: providerRefs });
  const prefix = request.issuer.replace(/^https:\/\//, '');
  const result = await simulateAssumeRole({
    trustPolicy,
    roleArn: `arn:aws:iam::${ACCOUNT}:role/${roleLogicalId}`,
    principal: request.providerArn ?? providerArnFor(request.issuer),
    action: request.action ?? 'sts:AssumeRoleWithWebIdentity',
    context: {
      [`${prefix}:sub`]: `system:serviceaccount:${request.namespace}:${request.serviceAccount}`,
      [`${prefix}:aud`]: request.audience ?? 'sts.amazonaws.com',
    },
  });
  return result.decision;
}

/** Logical id → provider ARN for every AWS::IAM::OIDCProvider created in `template`. */
export function createdProviders(template: Template): Record<string, string> {
  const providers = template.findResources('AWS::IAM::OIDCProvider') as Record<string, { Properties: { Url: string } }>;
  return Object.fromEntries(Object.entries(providers).map(([id, p]) => [id, providerArnFor(p.Properties.Url)]));
}
