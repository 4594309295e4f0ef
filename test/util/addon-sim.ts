/**
 * Checks for the add-on catalog (src/policies): an add-on identity's customer managed policy, read from the template,
 * and IAM decisions on it with @cloud-copilot/iam-simulate (a devDependency only; AGPL).
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { Template } from 'aws-cdk-lib/assertions';
import { ACCOUNT, REGION } from './fixtures';
import type { Decision } from './iam-simulator';
import { resolveIntrinsics, type IntrinsicEnv } from './intrinsics';

/** The role the simulated requests come from. */
export const ADDON_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/addon`;

/**
 * The policy of the one add-on identity in `template`: the document of its AWS::IAM::ManagedPolicy, or, when it has two
 * (the policy and its read-only policy), one document with the statements of both (intrinsics resolved in the fixture
 * environment).
 */
export function addonPolicyOf(template: Template, env: IntrinsicEnv = { account: ACCOUNT, region: REGION }): { Version?: string; Statement: any[] } {
  const policies = Object.values(template.findResources('AWS::IAM::ManagedPolicy')) as Array<{ Properties: { PolicyDocument: object } }>;
  if (policies.length !== 1 && policies.length !== 2) throw new Error(`expected one or two AWS::IAM::ManagedPolicy, found ${policies.length}`);
  const documents = policies.map(p => resolveIntrinsics(p.Properties.PolicyDocument, env) as { Version: string; Statement: any[] });
  return documents.length === 1 ? documents[0] : { Version: documents[0].Version, Statement: documents.flatMap(d => d.Statement) };
}

/** One request by the add-on's role. */
export interface AddonRequest {
  readonly action: string;
  /** The resource ARN, or `*` for actions without resource types. */
  readonly resource: string;
  /** Request context keys (`aws:ResourceTag/...`, `aws:RequestTag/...`, `kms:GrantIsForAWSResource`, ...). */
  readonly context?: Record<string, string | string[]>;
  /** The resource's own policy, where the service needs one to allow the request too (a KMS key policy). */
  readonly resourcePolicy?: object;
}

/**
 * A KMS key's default key policy, which lets the account's IAM policies grant use of the key: KMS requests need the key
 * policy to allow them as well as the role's policy, and the simulator models that. Requests on `arn:<p>:kms:...` ARNs
 * are simulated with it unless the request gives another.
 */
export const DEFAULT_KEY_POLICY = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'EnableIamPolicies', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }],
};

/** Whether `policy` (an identity policy of the add-on's role) allows `request`. Throws on invalid input. */
export async function addonDecision(policy: object, request: AddonRequest): Promise<Decision> {
  const response = await runSimulation({
    request: {
      principal: ADDON_ROLE_ARN,
      action: request.action,
      resource: { resource: request.resource, accountId: ACCOUNT },
      contextVariables: { 'aws:PrincipalArn': ADDON_ROLE_ARN, 'aws:PrincipalAccount': ACCOUNT, ...request.context },
    },
    identityPolicies: [{ name: 'addon', policy }],
    resourcePolicy: request.resourcePolicy ?? (/^arn:[a-z-]+:kms:/.test(request.resource) ? DEFAULT_KEY_POLICY : undefined),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  }, {});
  if (response.resultType === 'error') throw new Error(`iam-simulate rejected the simulation: ${JSON.stringify(response.errors)}`);
  if (response.resultType !== 'single') throw new Error(`unexpected ${response.resultType} simulation for ${request.resource}`);
  const ignored = response.result.ignoredContextKeys ?? [];
  if (ignored.length > 0) throw new Error(`iam-simulate ignores context keys ${ignored.join(', ')} for ${request.action}`);
  return response.overallResult === 'Allowed' ? 'Allowed' : 'Denied';
}
