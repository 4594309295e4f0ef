import { CfnResource, type Stack, Token, aws_eks as eks, aws_iam as iam, type IResolvable } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { renderWithLiterals } from './intrinsics';

// How IAM counts a policy against its quotas: the JSON text without whitespace (IAM User Guide, "IAM and AWS STS quotas":
// "IAM does not count white space when calculating the size of a policy"). Values known only at deploy time are counted
// exactly where the template says what they will be, and at their longest where it does not.

// The longest value each pseudo parameter can take, from the regions aws-cdk-lib knows.
const REGIONS = RegionInfo.regions;
const longest = (values: Array<string | undefined>): string =>
  values.filter((v): v is string => typeof v === 'string').reduce((a, b) => (b.length > a.length ? b : a), '');
const WORST = {
  partition: longest(REGIONS.map(r => r.partition)),
  region: longest(REGIONS.map(r => r.name)),
  account: '123456789012',
  urlSuffix: longest(REGIONS.map(r => r.domainSuffix)),
};
const PSEUDO_WORST_CASE: Record<string, string> = {
  'AWS::Partition': WORST.partition,
  'AWS::Region': WORST.region,
  'AWS::AccountId': WORST.account,
  'AWS::URLSuffix': WORST.urlSuffix,
};

// IAM role names: at most 64 characters (IAM API reference, CreateRole RoleName). EKS cluster names: at most 100.
// EKS OIDC issuer ids: 32 characters (https://oidc.eks.<region>.<suffix>/id/<32 hex digits>).
const MAX_ROLE_NAME = 64;
const MAX_CLUSTER_NAME = 100;
const EKS_ISSUER_ID = 32;

/**
 * Length assumed for a value the template does not describe (an import from another stack, a parameter):
 * the only estimate left.
 */
export const OPAQUE_VALUE_LENGTH = 100;

/** The size of a policy as IAM counts it. */
export interface PolicySize {
  readonly characters: number;
  /** True when some value could not be bounded from the template and was counted as OPAQUE_VALUE_LENGTH characters. */
  readonly estimated: boolean;
}

/**
 * Measures `policy` as IAM will count it once deployed. `known` maps the JSON of a resolved deploy-time value
 * (`{"Ref":"X"}`, `{"Fn::GetAtt":["X","Arn"]}`) to the literal it will have, for values the caller knows exactly.
 */
export function policySize(stack: Stack, policy: IResolvable | object, known: ReadonlyMap<string, string> = new Map()): PolicySize {
  let estimated = false;
  let resources: Map<string, CfnResource> | undefined;
  const env = {
    partition: literalOr(stack.partition, RegionInfo.get(Token.isUnresolved(stack.region) ? '' : stack.region).partition ?? WORST.partition),
    region: literalOr(stack.region, WORST.region),
    account: literalOr(stack.account, WORST.account),
  };
  const suffix = Token.isUnresolved(stack.region) ? WORST.urlSuffix : (RegionInfo.get(stack.region).domainSuffix ?? WORST.urlSuffix);

  const bound = (logicalId: string, attribute: string): string | undefined => {
    resources ??= new Map(stack.node.findAll().filter(CfnResource.isCfnResource)
      .map(r => [stack.resolve((r as CfnResource).logicalId) as string, r as CfnResource]));
    const r = resources.get(logicalId);
    const text = (v: unknown): string | undefined => (typeof v === 'string' && !Token.isUnresolved(v) ? v : undefined);
    if (r instanceof iam.CfnRole && attribute === 'Arn') {
      return `arn:${env.partition}:iam::${env.account}:role${text(r.path) ?? '/'}${text(r.roleName) ?? 'x'.repeat(MAX_ROLE_NAME)}`;
    }
    if (r instanceof iam.CfnOIDCProvider && (attribute === 'Ref' || attribute === 'Arn') && text(r.url)) {
      return `arn:${env.partition}:iam::${env.account}:oidc-provider/${text(r.url)!.replace(/^https:\/\//, '')}`;
    }
    if (r instanceof eks.CfnCluster) {
      const name = text(r.name) ?? 'x'.repeat(MAX_CLUSTER_NAME);
      if (attribute === 'Ref') return name;
      if (attribute === 'Arn') return `arn:${env.partition}:eks:${env.region}:${env.account}:cluster/${name}`;
      if (attribute === 'OpenIdConnectIssuerUrl') return `https://oidc.eks.${env.region}.${suffix}/id/${'x'.repeat(EKS_ISSUER_ID)}`;
    }
    return undefined;
  };

  const text = renderWithLiterals(stack, policy, ({ key, arg, json }) => {
    const exact = known.get(json);
    if (exact !== undefined) return exact;
    if (key === 'Ref' && typeof arg === 'string' && arg in PSEUDO_WORST_CASE) {
      return (({ 'AWS::Partition': env.partition, 'AWS::Region': env.region, 'AWS::AccountId': env.account } as Record<string, string>)[arg])
        ?? PSEUDO_WORST_CASE[arg];
    }
    const bounded = key === 'Ref' && typeof arg === 'string' ? bound(arg, 'Ref')
      : key === 'Fn::GetAtt' && Array.isArray(arg) ? bound(String(arg[0]), String(arg[1])) : undefined;
    if (bounded !== undefined) return bounded;
    estimated = true;
    return 'x'.repeat(OPAQUE_VALUE_LENGTH);
  });
  return { characters: text.length, estimated };
}

function literalOr(value: string, fallback: string): string {
  return Token.isUnresolved(value) ? fallback : value;
}
