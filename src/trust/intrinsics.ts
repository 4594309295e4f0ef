import type { Stack, IResolvable } from 'aws-cdk-lib';

/** A deploy-time value in a resolved template: `{"Ref": ...}` or `{"Fn::...": ...}`, as one key and its argument. */
export interface Intrinsic {
  readonly key: string;
  readonly arg: unknown;
  /** The value's JSON, for lookups of known values. */
  readonly json: string;
}

/**
 * `policy` as the JSON text IAM will receive, with each deploy-time value replaced by `literal(intrinsic)`. The
 * document is rendered with `stack.toJsonString`, which allows tokens in keys (an issuer known only at deploy time) and
 * splices deploy-time values in with `Fn::Join`; the joins are evaluated here.
 */
export function renderWithLiterals(stack: Stack, policy: IResolvable | object, literal: (intrinsic: Intrinsic) => string): string {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1 && (entries[0][0] === 'Ref' || entries[0][0].startsWith('Fn::'))) {
      const [key, arg] = entries[0];
      if (key === 'Fn::Join' && Array.isArray(arg)) {
        // The parts of the JSON text toJsonString joins: literal text, and deploy-time values inside JSON strings,
        // which are escaped as JSON strings are.
        const [separator, parts] = arg as [string, unknown[]];
        return parts.map(p => (typeof p === 'string' ? p : JSON.stringify(String(walk(p))).slice(1, -1))).join(separator);
      }
      return literal({ key, arg, json: JSON.stringify(value) });
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, walk(v)]));
  };
  const rendered = walk(stack.resolve(stack.toJsonString(policy)));
  return typeof rendered === 'string' ? rendered : JSON.stringify(rendered);
}
