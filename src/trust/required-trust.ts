import { Annotations, Stack, Token, type aws_iam as iam } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { renderWithLiterals, type Intrinsic } from './intrinsics';

/** Warning id of "this role's trust is not managed here": `Annotations.of(scope).acknowledgeWarning(UNMANAGED_TRUST)`. */
export const UNMANAGED_TRUST = 'cdk-workload-identity:unmanagedTrust';

/**
 * The statements as JSON for a message: literal where the values are known at synthesis, with each deploy-time value
 * shown as a placeholder (`<Path/To/Resource.Arn>`, `<AWS::Partition>`) the reader can fill in.
 */
export function statementsAsJson(scope: IConstruct, statements: readonly iam.PolicyStatement[],
  known: ReadonlyMap<string, string> = new Map(), asArray = false): string {
  const stack = Stack.of(scope);
  // The construct path of the resource with logical id `id`, without the `/Resource` of an L2's primary resource.
  const pathOf = (id: string) => {
    const found = stack.node.findAll().find(c => Token.asString(stack.resolve((c as { logicalId?: string }).logicalId)) === id);
    return found ? found.node.path.replace(/\/Resource$/, '') : id;
  };
  const placeholder = ({ key, arg, json }: Intrinsic): string => {
    const exact = known.get(json);
    if (exact !== undefined) return exact;
    // An issuer known only at deploy time, without https:// (the prefix of IRSA condition keys).
    const [index, split] = key === 'Fn::Select' && Array.isArray(arg) ? arg : [];
    const [separator, of] = (split as { 'Fn::Split'?: [string, unknown] } | undefined)?.['Fn::Split'] ?? [];
    if (index === 1 && separator === 'https://' && of && typeof of === 'object') {
      const [inner, innerArg] = Object.entries(of)[0];
      return `${placeholder({ key: inner, arg: innerArg, json: JSON.stringify(of) }).replace(/>$/, ' without https://>')}`;
    }
    if (key === 'Ref' && typeof arg === 'string') return arg.startsWith('AWS::') ? `<${arg}>` : `<${pathOf(arg)}.Ref>`;
    if (key === 'Fn::GetAtt' && Array.isArray(arg)) return `<${pathOf(String(arg[0]))}.${arg[1]}>`;
    return `<deploy-time value ${json}>`;
  };
  const json = statements.map(s => renderWithLiterals(stack, s.toStatementJson(), placeholder));
  return asArray ? `[${json.join(',')}]` : json.join(', ');
}

/**
 * Warns that `role` is not a `WorkloadRole`, so its trust is not managed here, and prints the statement(s) its trust
 * needs for `what`. A warning, so that `cdk synth --strict` stops until the user has checked the trust and acknowledged it.
 */
export function warnUnmanagedTrust(scope: IConstruct, role: iam.IRole, what: string, statements: readonly iam.PolicyStatement[],
  known: ReadonlyMap<string, string> = new Map()): void {
  const arn = Token.isUnresolved(role.roleArn) ? role.node.path : role.roleArn;
  Annotations.of(scope).addWarningV2(UNMANAGED_TRUST,
    `The trust policy of role ${arn} is not managed by this library (it is not a WorkloadRole). For ${what} it must contain: ` +
    `${statementsAsJson(scope, statements, known)}. Without it the pods get no credentials. Once the role trusts this, acknowledge the warning: ` +
    `Annotations.of(stack).acknowledgeWarning('${UNMANAGED_TRUST}').`);
}
