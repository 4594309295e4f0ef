import type { Template } from 'aws-cdk-lib/assertions';
import { ACCOUNT, REGION } from './fixtures';
import { type Decision, simulateAssumeRole, trustPolicyOf } from './iam-simulator';
import { createdProviders } from './irsa-sim';

/** What EKS Pod Identity sends to STS for one pod, and what a test may vary. */
export interface PodIdentityRequest {
  readonly tags?: Record<string, string>;
  readonly action?: string;
  readonly principal?: string;
  readonly context?: Record<string, string | string[]>;
}

/** The decision of role `roleLogicalId`'s trust policy (from `template`) for a Pod Identity request. */
export async function podIdentityDecision(template: Template, roleLogicalId: string, request: PodIdentityRequest): Promise<Decision> {
  // A role may also trust OIDC providers created in the template (IRSA next to Pod Identity).
  const trustPolicy = trustPolicyOf(template, roleLogicalId, { account: ACCOUNT, region: REGION, refs: createdProviders(template) });
  const result = await simulateAssumeRole({
    trustPolicy,
    roleArn: `arn:aws:iam::${ACCOUNT}:role/${roleLogicalId}`,
    principal: request.principal ?? 'pods.eks.amazonaws.com',
    action: request.action ?? 'sts:AssumeRole',
    requestTags: request.tags,
    context: request.context,
  });
  return result.decision;
}
