import { type Stack, Token, type aws_iam as iam } from 'aws-cdk-lib';
import { partitionOfStack } from './arns';

/**
 * The ARN of a role with a literal name and path, in `stack`, as a literal string when the stack's account and
 * region (hence the partition) are known at synthesis; otherwise undefined.
 */
export function literalRoleArnFor(stack: Stack, roleName: string | undefined, path: string | undefined): string | undefined {
  if (roleName === undefined || Token.isUnresolved(roleName) || (path !== undefined && Token.isUnresolved(path))) return undefined;
  if (Token.isUnresolved(stack.account)) return undefined;
  const partition = partitionOfStack(stack);
  if (!partition) return undefined;
  return `arn:${partition}:iam::${stack.account}:role${path ?? '/'}${roleName}`;
}

/** A role's ARN as a literal when it is known at synthesis (an imported ARN, or a WorkloadRole's `literalRoleArn`). */
export function literalRoleArn(role: iam.IRole): string | undefined {
  if (!Token.isUnresolved(role.roleArn)) return role.roleArn;
  const known = (role as { literalRoleArn?: string }).literalRoleArn;
  return typeof known === 'string' ? known : undefined;
}

/**
 * Why a role created in `stack` with `roleName` has no literal ARN, naming only what the user can set; undefined when
 * it has one.
 */
export function missingForLiteralArn(stack: Stack, roleName: string | undefined): string | undefined {
  const missing: string[] = [];
  if (Token.isUnresolved(stack.account)) missing.push(`the account of stack ${stack.node.path} (set env: { account, region } on the stack)`);
  else if (Token.isUnresolved(stack.region)) missing.push(`the region of stack ${stack.node.path} (set env: { account, region } on the stack)`);
  else if (!partitionOfStack(stack)) missing.push(`the partition of region ${stack.region}, which aws-cdk-lib does not know`);
  if (roleName === undefined || Token.isUnresolved(roleName)) missing.push('the role\'s name (set roleName)');
  return missing.length === 0 ? undefined : missing.join(' and ');
}
