/**
 * A small, strict evaluator for IAM condition operators, used for the condition keys the simulator
 * cannot model (web-identity claims such as `<issuer>:sub` / `<issuer>:aud`). Unsupported operators
 * throw instead of guessing.
 */

/** Request context: condition key to value(s). Keys are matched case-insensitively. */
export type RequestContext = Record<string, string | string[]>;

/** One condition (operator, key, values), e.g. from a policy document or the simulator's report. */
export interface ConditionTest {
  readonly operator: string;
  readonly key: string;
  readonly values: string[];
}

interface BaseOperator {
  readonly negated: boolean;
  matches(requestValue: string, policyValue: string): boolean;
}

function globMatches(value: string, pattern: string, ignoreCase = false): boolean {
  const regex = pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&'))).join('');
  return new RegExp(`^${regex}$`, ignoreCase ? 'is' : 's').test(value);
}

const BASE_OPERATORS: Record<string, BaseOperator> = {
  stringequals: { negated: false, matches: (v, p) => v === p },
  stringnotequals: { negated: true, matches: (v, p) => v === p },
  stringequalsignorecase: { negated: false, matches: (v, p) => v.toLowerCase() === p.toLowerCase() },
  stringnotequalsignorecase: { negated: true, matches: (v, p) => v.toLowerCase() === p.toLowerCase() },
  stringlike: { negated: false, matches: (v, p) => globMatches(v, p) },
  stringnotlike: { negated: true, matches: (v, p) => globMatches(v, p) },
  arnequals: { negated: false, matches: (v, p) => globMatches(v, p) },
  arnlike: { negated: false, matches: (v, p) => globMatches(v, p) },
  arnnotequals: { negated: true, matches: (v, p) => globMatches(v, p) },
  arnnotlike: { negated: true, matches: (v, p) => globMatches(v, p) },
};

/** Looks a key up case-insensitively; returns the values as a list, or undefined when absent. */
export function contextValues(context: RequestContext, key: string): string[] | undefined {
  const lower = key.toLowerCase();
  const found = Object.keys(context).find((k) => k.toLowerCase() === lower);
  if (found === undefined) return undefined;
  return [context[found]].flat();
}

/**
 * Evaluates one condition against the request context with IAM semantics: values in the policy are
 * ORed; negated operators match a missing key; `IfExists` matches a missing key; `ForAnyValue` /
 * `ForAllValues` apply the operator per request value; `Null` tests presence.
 */
export function conditionHolds(condition: ConditionTest, context: RequestContext): boolean {
  let op = condition.operator;
  let setOperator: 'ForAnyValue' | 'ForAllValues' | undefined;
  const colon = op.indexOf(':');
  if (colon >= 0) {
    const prefix = op.slice(0, colon).toLowerCase();
    if (prefix === 'foranyvalue') setOperator = 'ForAnyValue';
    else if (prefix === 'forallvalues') setOperator = 'ForAllValues';
    else throw new Error(`unsupported set operator in ${condition.operator}`);
    op = op.slice(colon + 1);
  }
  const ifExists = /ifexists$/i.test(op);
  if (ifExists) op = op.slice(0, -'IfExists'.length);
  for (const value of condition.values) {
    if (value.includes('${')) throw new Error(`policy variables are not supported: ${condition.key} ${value}`);
  }

  const requestValues = contextValues(context, condition.key);
  if (op.toLowerCase() === 'null') {
    if (setOperator || ifExists) throw new Error(`unsupported operator ${condition.operator}`);
    return condition.values.some((v) => (v.toLowerCase() === 'true') === (requestValues === undefined));
  }
  const base = BASE_OPERATORS[op.toLowerCase()];
  if (!base) throw new Error(`unsupported condition operator ${condition.operator} (key ${condition.key})`);

  const one = (v: string): boolean => {
    const anyMatch = condition.values.some((p) => base.matches(v, p));
    return base.negated ? !anyMatch : anyMatch;
  };
  if (requestValues === undefined || requestValues.length === 0) {
    if (ifExists) return true;
    if (setOperator === 'ForAllValues') return true;
    if (setOperator === 'ForAnyValue') return false;
    return base.negated;
  }
  if (setOperator === 'ForAllValues') return requestValues.every(one);
  if (setOperator === 'ForAnyValue') return requestValues.some(one);
  if (requestValues.length > 1) {
    throw new Error(`${condition.key} has several values; use ForAnyValue/ForAllValues with ${condition.operator}`);
  }
  return one(requestValues[0]);
}
