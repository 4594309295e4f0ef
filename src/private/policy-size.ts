import { IResolvable, Stack } from 'aws-cdk-lib';

// Worst-case literal values of CloudFormation pseudo parameters, so a policy that holds them is
// never measured shorter than it will be. Partitions: aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, ...
const PSEUDO_WORST_CASE: Record<string, string> = {
  'AWS::Partition': 'aws-us-gov',
  'AWS::Region': 'ap-southeast-7',
  'AWS::AccountId': '123456789012',
  'AWS::URLSuffix': 'amazonaws.com.cn',
};
// Length assumed for a value known only at deploy time (a role ARN from Fn::GetAtt, an import).
export const OPAQUE_VALUE_LENGTH = 100;

/** The size of a policy as IAM counts it: JSON without whitespace, deploy-time values at their worst case. */
export interface PolicySize {
  readonly characters: number;
  /** True when some value was only known at deploy time and was counted as OPAQUE_VALUE_LENGTH characters. */
  readonly estimated: boolean;
}

export function policySize(scope: Stack, policy: IResolvable | object): PolicySize {
  let estimated = false;
  const literal = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(literal);
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [key, arg] = entries[0];
      if (key === 'Ref' && typeof arg === 'string' && arg in PSEUDO_WORST_CASE) return PSEUDO_WORST_CASE[arg];
      if (key === 'Fn::Join' && Array.isArray(arg)) {
        const [separator, parts] = arg as [string, unknown[]];
        return (parts.map(literal) as unknown[]).map(p => typeof p === 'string' ? p : JSON.stringify(p)).join(separator);
      }
      if (key === 'Ref' || key.startsWith('Fn::')) {
        estimated = true;
        return 'x'.repeat(OPAQUE_VALUE_LENGTH);
      }
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, literal(v)]));
  };
  // toJsonString allows tokens in keys (an issuer known only at deploy time) and renders a JSON text, with
  // deploy-time values spliced in through Fn::Join.
  const rendered = literal(scope.resolve(scope.toJsonString(policy)));
  const text = typeof rendered === 'string' ? rendered : JSON.stringify(rendered);
  return { characters: text.length, estimated };
}
