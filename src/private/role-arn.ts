import { Stack, Token, aws_iam as iam } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';

/**
 * The ARN of a role with a literal name and path, in `stack`, as a literal string when the stack's account and
 * region (hence the partition) are known at synthesis; otherwise undefined.
 */
export function literalRoleArnFor(stack: Stack, roleName: string | undefined, path: string | undefined): string | undefined {
  if (roleName === undefined || Token.isUnresolved(roleName) || (path !== undefined && Token.isUnresolved(path))) return undefined;
  if (Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)) return undefined;
  const partition = RegionInfo.get(stack.region).partition;
  if (!partition) return undefined;
  return `arn:${partition}:iam::${stack.account}:role${path ?? '/'}${roleName}`;
}

/** A role's ARN as a literal when it is known at synthesis (an imported ARN, or a WorkloadRole's `literalRoleArn`). */
export function literalRoleArn(role: iam.IRole): string | undefined {
  if (!Token.isUnresolved(role.roleArn)) return role.roleArn;
  const known = (role as { literalRoleArn?: string }).literalRoleArn;
  return typeof known === 'string' ? known : undefined;
}
