/**
 * Evaluates IAM role trust policies with @cloud-copilot/iam-simulate (a devDependency only; AGPL).
 *
 * The simulator does not model web-identity claim keys (`<issuer>:sub`, `<issuer>:aud`, ...): it drops
 * them from the request context, so an IRSA request comes out denied in its default (Strict) mode.
 * When such keys occur, the simulation runs in Discovery mode with every service-prefixed key
 * (`aws:`, `sts:`, ...) marked as known, so only the web-identity conditions are reported back as
 * ignored; those are then evaluated here against the request (see iam-conditions.ts).
 */
import { runSimulation, type RequestAnalysis, type SimulationOptions } from '@cloud-copilot/iam-simulate';
import type { Template } from 'aws-cdk-lib/assertions';
import { conditionHolds, type RequestContext } from './iam-conditions';
import { resolveIntrinsics, type IntrinsicEnv } from './intrinsics';

export { resolveIntrinsics, type IntrinsicEnv } from './intrinsics';
export { conditionHolds, type RequestContext, type ConditionTest } from './iam-conditions';

/** Outcome of a simulation; implicit and explicit denies are both `Denied`. */
export type Decision = 'Allowed' | 'Denied';

/** A request to assume a role, evaluated against that role's trust policy. */
export interface AssumeRoleRequest {
  /** The role's trust policy (AssumeRolePolicyDocument), fully resolved (no intrinsics). */
  readonly trustPolicy: object;
  /** ARN of the role being assumed. */
  readonly roleArn: string;
  /**
   * Who calls: a service principal (`pods.eks.amazonaws.com`), an IAM provider ARN for federated
   * callers (`arn:aws:iam::111122223333:oidc-provider/<issuer>`), or an IAM ARN (role, user, root).
   */
  readonly principal: string;
  /** `sts:AssumeRole`, `sts:TagSession`, `sts:AssumeRoleWithWebIdentity`, ... */
  readonly action: string;
  /** Session tags in the request: become `aws:RequestTag/<key>` and `aws:TagKeys`. */
  readonly requestTags?: Record<string, string>;
  /** Further context keys (e.g. `<issuer>:sub`, `sts:ExternalId`); they win over derived keys. */
  readonly context?: Record<string, string | string[]>;
  /**
   * Identity policies of an IAM (ARN) caller. By default the caller is allowed `action` on the role,
   * so the decision depends on the trust policy alone.
   */
  readonly principalPolicies?: object[];
}

/** A web-identity condition the simulator could not evaluate, with the result computed here. */
export interface ExternalConditionCheck {
  readonly effect: string;
  readonly operator: string;
  readonly key: string;
  readonly values: string[];
  readonly holds: boolean;
}

/** Everything behind a decision, for assertion messages and debugging. */
export interface SimulationDetails {
  readonly mode: 'Strict' | 'Discovery';
  readonly simulatorResult: string;
  readonly context: RequestContext;
  readonly ignoredContextKeys: string[];
  readonly externalConditions: ExternalConditionCheck[];
  readonly analysis: RequestAnalysis;
}

type StatementAnalysis = NonNullable<RequestAnalysis['resourceAnalysis']>['allowStatements'][number];
type PolicyCondition = NonNullable<StatementAnalysis['ignoredConditions']>[number];

/** Keys with a service prefix (`aws:`, `sts:`, `eks:`) are modelled by the simulator; `<host>/<path>:<claim>` keys are not. */
const SERVICE_KEY = /^[a-z0-9-]+:/i;
const FEDERATED_PROVIDER_ARN = /^arn:[a-z-]+:iam::\d{12}:(oidc|saml)-provider\/.+/;
const ROLE_ARN = /^arn:([a-z-]+):iam::(\d{12}):role\/[\w+=,.@\/-]+$/;

const STRICT: SimulationOptions = {};
const DISCOVERY: SimulationOptions = {
  simulationMode: 'Discovery',
  discoveryContextKeyConstraints: [{ keyName: `/${SERVICE_KEY.source}/`, presenceIsKnown: true, valueIsKnown: true }],
};

function isExternalKey(key: string): boolean {
  return !SERVICE_KEY.test(key);
}

function policyConditionKeys(policy: object): string[] {
  const statements = [(policy as { Statement?: unknown }).Statement ?? []].flat() as Array<{ Condition?: Record<string, object> }>;
  return statements.flatMap((s) => Object.values(s.Condition ?? {}).flatMap((block) => Object.keys(block)));
}

/** `aws:PrincipalArn` of an IAM caller: an assumed-role session maps to its role. */
function principalArnOf(arn: string): string {
  const session = /^arn:([a-z-]+):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(arn);
  return session ? `arn:${session[1]}:iam::${session[2]}:role/${session[3]}` : arn;
}

function requestContext(opts: AssumeRoleRequest): RequestContext {
  const context: RequestContext = {};
  const { principal } = opts;
  if (!principal.startsWith('arn:')) {
    context['aws:PrincipalServiceName'] = principal;
  } else if (!FEDERATED_PROVIDER_ARN.test(principal)) {
    context['aws:PrincipalArn'] = principalArnOf(principal);
    context['aws:PrincipalAccount'] = principal.split(':')[4];
  }
  const tags = Object.entries(opts.requestTags ?? {});
  for (const [key, value] of tags) context[`aws:RequestTag/${key}`] = value;
  if (tags.length > 0) context['aws:TagKeys'] = tags.map(([key]) => key);
  return { ...context, ...opts.context };
}

function toTest(c: PolicyCondition, effect: string): Omit<ExternalConditionCheck, 'holds'> {
  return { effect, operator: c.operation().value(), key: c.conditionKey(), values: c.conditionValues() };
}

/**
 * Simulates `action` by `principal` on `roleArn` against `trustPolicy`. Returns `Allowed` only when
 * the trust policy allows the request and nothing denies it. Throws on invalid input (invalid policy,
 * unknown action, context keys the simulator would silently drop) instead of returning a decision.
 */
export async function simulateAssumeRole(opts: AssumeRoleRequest): Promise<{ decision: Decision; details: SimulationDetails }> {
  const roleMatch = ROLE_ARN.exec(opts.roleArn);
  if (!roleMatch) throw new Error(`roleArn is not a literal IAM role ARN: ${opts.roleArn}`);
  const context = requestContext(opts);
  const isIamCaller = opts.principal.startsWith('arn:') && !FEDERATED_PROVIDER_ARN.test(opts.principal);
  const identityPolicies = (opts.principalPolicies ?? (isIamCaller
    ? [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: opts.action, Resource: opts.roleArn }] }]
    : [])).map((policy, i) => ({ name: `caller-${i}`, policy }));

  const discovery = [...policyConditionKeys(opts.trustPolicy), ...Object.keys(context)].some(isExternalKey);
  const response = await runSimulation({
    request: {
      principal: opts.principal,
      action: opts.action,
      resource: { resource: opts.roleArn, accountId: roleMatch[2] },
      contextVariables: context,
    },
    identityPolicies,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: opts.trustPolicy,
  }, discovery ? DISCOVERY : STRICT);
  if (response.resultType === 'error') {
    throw new Error(`iam-simulate rejected the simulation: ${JSON.stringify(response.errors)}`);
  }
  if (response.resultType !== 'single') throw new Error(`unexpected ${response.resultType} simulation for ${opts.roleArn}`);

  const ignoredContextKeys = response.result.ignoredContextKeys ?? [];
  const dropped = ignoredContextKeys.filter((k) => !isExternalKey(k));
  if (dropped.length > 0) {
    throw new Error(`iam-simulate ignores context keys ${dropped.join(', ')} for ${opts.action}: not applicable or misspelled`);
  }

  const analysis = response.result.analysis;
  const base = { simulatorResult: response.overallResult, context, ignoredContextKeys, analysis };
  if (!discovery) {
    return { decision: response.overallResult === 'Allowed' ? 'Allowed' : 'Denied', details: { mode: 'Strict', externalConditions: [], ...base } };
  }

  if (analysis.ignoredRoleSessionName) throw new Error('Discovery mode ignored a role session name; not supported');
  const ignoredElsewhere = Object.entries(analysis.ignoredConditions ?? {}).filter(([where]) => where !== 'resource');
  if (ignoredElsewhere.length > 0) {
    throw new Error(`web-identity conditions outside the trust policy are not supported: ${ignoredElsewhere.map(([w]) => w).join(', ')}`);
  }

  const externalConditions: ExternalConditionCheck[] = [];
  const check = (s: StatementAnalysis): boolean => (s.ignoredConditions ?? []).every((c) => {
    const test = toTest(c, s.explain.effect);
    const holds = conditionHolds({ operator: test.operator, key: test.key, values: test.values }, context);
    externalConditions.push({ ...test, holds });
    return holds;
  });

  const resource = analysis.resourceAnalysis;
  const statements = resource ? [...resource.denyStatements, ...resource.unmatchedStatements] : [];
  // Discovery treats a Deny whose only open conditions are web-identity ones as not applying.
  const denies = statements.filter((s) => s.explain.effect === 'Deny' && (s.ignoredConditions?.length ?? 0) > 0
    && s.actionMatch && s.resourceMatch && s.principalMatch !== 'NoMatch');
  const deniedHere = denies.map(check).some((applies) => applies);
  const allowStatements = resource?.allowStatements ?? [];
  const allowedHere = allowStatements.length === 0 || allowStatements.map(check).some((ok) => ok);
  const decision: Decision = response.overallResult === 'Allowed' && allowedHere && !deniedHere ? 'Allowed' : 'Denied';
  return { decision, details: { mode: 'Discovery', externalConditions, ...base } };
}

/** A synthesized template: an aws-cdk-lib/assertions Template or its JSON. */
export type TemplateLike = Template | { Resources?: Record<string, unknown> };

/**
 * Returns the AssumeRolePolicyDocument of the AWS::IAM::Role `roleLogicalId`, with intrinsics
 * resolved (see resolveIntrinsics; throws when something cannot be resolved).
 */
export function trustPolicyOf(template: TemplateLike, roleLogicalId: string, env: IntrinsicEnv = {}): object {
  const json = (typeof (template as Template).toJSON === 'function' ? (template as Template).toJSON() : template) as {
    Resources?: Record<string, { Type?: string; Properties?: Record<string, unknown> }>;
  };
  const resources = json.Resources ?? {};
  const role = resources[roleLogicalId];
  if (!role || role.Type !== 'AWS::IAM::Role') {
    const roles = Object.keys(resources).filter((id) => resources[id].Type === 'AWS::IAM::Role');
    throw new Error(`no AWS::IAM::Role '${roleLogicalId}' in template; roles: ${roles.join(', ') || '(none)'}`);
  }
  const doc = role.Properties?.AssumeRolePolicyDocument;
  if (!doc) throw new Error(`role ${roleLogicalId} has no AssumeRolePolicyDocument`);
  return resolveIntrinsics(doc, env) as object;
}
