/**
 * Resolution of CloudFormation intrinsics in synthesized templates to literal values, so that
 * policy simulations never run on placeholders.
 */

/** Values used to resolve pseudo parameters, `Ref`s and `Fn::GetAtt`s. */
export interface IntrinsicEnv {
  /** `AWS::Partition`. @default 'aws' */
  readonly partition?: string;
  /** `AWS::Region`. @default 'us-east-1' */
  readonly region?: string;
  /** `AWS::AccountId`. @default '111122223333' */
  readonly account?: string;
  /** `AWS::URLSuffix`. @default 'amazonaws.com' */
  readonly urlSuffix?: string;
  /** `AWS::StackName`; unresolvable (throws) when not given. */
  readonly stackName?: string;
  /** Values of `{ Ref: logicalId }`, keyed by logical id. */
  readonly refs?: Record<string, string>;
  /** Values of `{ 'Fn::GetAtt': [logicalId, attr] }`, keyed `logicalId.attr` (e.g. a CfnJson `Value` object). */
  readonly getAtts?: Record<string, unknown>;
}

/** Marker for `{ Ref: 'AWS::NoValue' }`: the property or list element is dropped. */
const NO_VALUE = Symbol('AWS::NoValue');

function pseudo(name: string, env: IntrinsicEnv): string | typeof NO_VALUE {
  switch (name) {
    case 'AWS::Partition': return env.partition ?? 'aws';
    case 'AWS::Region': return env.region ?? 'us-east-1';
    case 'AWS::AccountId': return env.account ?? '111122223333';
    case 'AWS::URLSuffix': return env.urlSuffix ?? 'amazonaws.com';
    case 'AWS::NoValue': return NO_VALUE;
    case 'AWS::StackName':
      if (env.stackName !== undefined) return env.stackName;
      break;
    default:
      if (env.refs && Object.prototype.hasOwnProperty.call(env.refs, name)) return env.refs[name];
  }
  throw new Error(`cannot resolve { Ref: ${JSON.stringify(name)} }: pass it in env.refs`);
}

function asString(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new Error(`${what} did not resolve to a string: ${JSON.stringify(value)}`);
  return value;
}

function substitute(template: string, vars: Record<string, unknown>, env: IntrinsicEnv): string {
  return template.replace(/\$\{([^}!][^}]*)\}/g, (_whole, name: string) => {
    if (Object.prototype.hasOwnProperty.call(vars, name)) return asString(vars[name], `Fn::Sub variable ${name}`);
    if (name.includes('.') && !name.startsWith('AWS::')) {
      const value = env.getAtts?.[name];
      if (value === undefined) throw new Error(`cannot resolve \${${name}} in Fn::Sub: pass it in env.getAtts`);
      return asString(value, `\${${name}}`);
    }
    const value = pseudo(name, env);
    if (value === NO_VALUE) throw new Error('AWS::NoValue inside Fn::Sub');
    return value;
  }).replace(/\$\{!/g, '${');
}

function resolveIntrinsic(fn: string, arg: unknown, env: IntrinsicEnv): unknown {
  switch (fn) {
    case 'Ref':
      return pseudo(asString(arg, 'Ref argument'), env);
    case 'Fn::GetAtt': {
      const parts = Array.isArray(arg) ? arg.map((a) => resolve(a, env)) : asString(arg, 'Fn::GetAtt').split('.');
      const key = `${parts[0]}.${parts.slice(1).join('.')}`;
      if (!env.getAtts || !Object.prototype.hasOwnProperty.call(env.getAtts, key)) {
        throw new Error(`cannot resolve { 'Fn::GetAtt': ${JSON.stringify(arg)} }: pass '${key}' in env.getAtts`);
      }
      return env.getAtts[key];
    }
    case 'Fn::Join': {
      if (!Array.isArray(arg) || arg.length !== 2) throw new Error(`malformed Fn::Join: ${JSON.stringify(arg)}`);
      const sep = asString(resolve(arg[0], env), 'Fn::Join separator');
      const list = resolve(arg[1], env);
      if (!Array.isArray(list)) throw new Error(`Fn::Join list did not resolve to a list: ${JSON.stringify(list)}`);
      return list.map((p) => asString(p, 'Fn::Join element')).join(sep);
    }
    case 'Fn::Split': {
      if (!Array.isArray(arg) || arg.length !== 2) throw new Error(`malformed Fn::Split: ${JSON.stringify(arg)}`);
      return asString(resolve(arg[1], env), 'Fn::Split source').split(asString(resolve(arg[0], env), 'Fn::Split delimiter'));
    }
    case 'Fn::Select': {
      if (!Array.isArray(arg) || arg.length !== 2) throw new Error(`malformed Fn::Select: ${JSON.stringify(arg)}`);
      const index = Number(resolve(arg[0], env));
      const list = resolve(arg[1], env);
      if (!Array.isArray(list) || !Number.isInteger(index) || index < 0 || index >= list.length) {
        throw new Error(`Fn::Select index ${index} out of range for ${JSON.stringify(list)}`);
      }
      return list[index];
    }
    case 'Fn::Sub': {
      if (typeof arg === 'string') return substitute(arg, {}, env);
      if (Array.isArray(arg) && arg.length === 2) {
        return substitute(asString(arg[0], 'Fn::Sub template'), resolve(arg[1], env) as Record<string, unknown>, env);
      }
      throw new Error(`malformed Fn::Sub: ${JSON.stringify(arg)}`);
    }
    default:
      throw new Error(`unsupported intrinsic ${fn}: ${JSON.stringify(arg)}`);
  }
}

function resolve(value: unknown, env: IntrinsicEnv): unknown {
  if (typeof value === 'string') {
    if (/\$\{Token\[|#\{Token\[/.test(value)) throw new Error(`unresolved CDK token in ${JSON.stringify(value)}`);
    return value;
  }
  if (Array.isArray(value)) {
    return value.map((v) => resolve(v, env)).filter((v) => v !== NO_VALUE);
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
      return resolveIntrinsic(keys[0], (value as Record<string, unknown>)[keys[0]], env);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = resolve(v, env);
      if (r !== NO_VALUE) out[k] = r;
    }
    return out;
  }
  return value;
}

/**
 * Replaces `Ref` (pseudo parameters and `env.refs`), `Fn::GetAtt` (`env.getAtts`), `Fn::Join`,
 * `Fn::Split`, `Fn::Select` and `Fn::Sub` with literal values. Throws on anything it cannot resolve
 * (unknown refs, other intrinsics, CDK tokens).
 */
export function resolveIntrinsics(value: unknown, env: IntrinsicEnv = {}): unknown {
  const result = resolve(value, env);
  if (result === NO_VALUE) throw new Error('value resolved to AWS::NoValue');
  return result;
}
