import { Token } from 'aws-cdk-lib';
import { fail, show, type Subject } from '../private/errors';

/**
 * The ARNs of an add-on's resource input given two ways, typed constructs (`typedName`, their ARN by `arnOf`) and literal
 * ARNs (`arnsName`), without repeats. Each must be a list (JavaScript callers can pass anything); literal ARNs must
 * match `format` (tokens pass), else the message says `expected`.
 */
export function resourceArnsOf<T>(subject: Subject, typedName: string, typed: readonly T[] | undefined, arnOf: (item: T) => string,
  arnsName: string, arns: readonly string[] | undefined, format: RegExp, expected: string): string[] {
  for (const [name, list] of [[typedName, typed], [arnsName, arns]] as const) {
    if (list !== undefined && !Array.isArray(list)) fail(subject, `${name} is ${show(list)}`, 'a list');
  }
  for (const arn of arns ?? []) {
    if (typeof arn !== 'string' || (!Token.isUnresolved(arn) && !format.test(arn))) fail(subject, `${arnsName} has ${show(arn)}`, expected);
  }
  return [...new Set([...(typed ?? []).map(arnOf), ...(arns ?? [])])];
}
