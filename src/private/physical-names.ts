import { createHash } from 'crypto';
import { Stack, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

// IAM role names: 1 to 64 characters of [\w+=,.@-] (IAM API reference, CreateRole RoleName).
const MAX_ROLE_NAME = 64;
const NOT_ALLOWED = /[^A-Za-z0-9+=,.@_-]/g;
const HASH_LENGTH = 8;

/**
 * A role name for `construct`, known at synthesis, so that its ARN can be a literal in Kubernetes YAML.
 *
 * Deterministic: `<stack name>-<construct id>-<hash>`, where the hash covers the account, the region, the stack name
 * and the construct's path. It changes only when one of those does (never when unrelated constructs are added or
 * removed), and differs between two stacks of the same name in two regions (IAM names are global in an account).
 * At most 64 characters. Undefined when the stack's account or region is not known at synthesis.
 */
export function generateRoleName(construct: IConstruct): string | undefined {
  const stack = Stack.of(construct);
  if (Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region) || Token.isUnresolved(stack.stackName)) return undefined;
  const hash = createHash('sha256')
    .update(JSON.stringify([stack.account, stack.region, stack.stackName, construct.node.path]))
    .digest('hex').slice(0, HASH_LENGTH).toUpperCase();
  const clean = (s: string) => s.replace(NOT_ALLOWED, '');
  const room = MAX_ROLE_NAME - HASH_LENGTH - 2;
  const stackPart = clean(stack.stackName).slice(0, Math.floor(room / 2));
  const idPart = clean(construct.node.id).slice(0, room - stackPart.length);
  return `${stackPart}-${idPart}-${hash}`;
}
