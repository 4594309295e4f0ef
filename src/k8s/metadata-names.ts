import { Token } from 'aws-cdk-lib';
import { fail, show, type Subject } from '../private/errors';
import { assertDns1123Subdomain, assertString } from '../private/names';

// Kubernetes metadata rules, from k8s.io/apimachinery/pkg/util/validation:
// - IsQualifiedName (label and annotation keys): an optional DNS-1123 subdomain prefix (at most 253
//   characters) and '/', then a name of 1 to 63 characters matching QUALIFIED_NAME.
// - IsValidLabelValue: empty, or at most 63 characters matching QUALIFIED_NAME.
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const QUALIFIED_NAME_RULE =
  "a Kubernetes qualified name: an optional DNS-1123 subdomain prefix and '/', then a name of 1 to 63 characters: letters, digits, " +
  "'-', '_' and '.', starting and ending with a letter or digit";

/** Throws unless `value` is a Kubernetes qualified name (label or annotation key). Tokens are not checked. */
export function assertQualifiedName(subject: Subject, what: string, value: string): void {
  assertString(subject, what, value);
  if (Token.isUnresolved(value)) return;
  const bad = (reason: string): never => fail(subject, `${what} ${show(value)} ${reason}`, QUALIFIED_NAME_RULE);
  const parts = value.split('/');
  if (parts.length > 2) bad(`has ${parts.length - 1} '/' characters, at most 1 is allowed`);
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    const prefix = parts[0];
    if (prefix.length === 0) bad("has an empty prefix before '/'");
    try {
      assertDns1123Subdomain(subject, 'prefix', prefix);
    } catch {
      bad(`has prefix ${show(prefix)}, which is not a DNS-1123 subdomain (at most 253 characters: lowercase letters, digits, '-' and '.')`);
    }
  }
  if (name.length === 0) bad('has an empty name part');
  if (name.length > 63) bad(`has a name part of ${name.length} characters`);
  if (!QUALIFIED_NAME.test(name)) bad(`has a name part ${show(name)} with characters that are not allowed there`);
}

/** Throws unless `value` is a valid Kubernetes label value. Tokens are not checked. */
export function assertLabelValue(subject: Subject, what: string, value: string): void {
  assertString(subject, what, value);
  if (Token.isUnresolved(value)) return;
  if (value.length > 63 || (value.length > 0 && !QUALIFIED_NAME.test(value))) {
    fail(subject, `${what} ${show(value)} is not a Kubernetes label value${value.length > 63 ? ` (it has ${value.length} characters)` : ''}`,
      'empty, or 1 to 63 characters: letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit');
  }
}

/** Throws unless `value` is a string (annotation values may be anything else, but must be strings). */
export function assertAnnotationValue(subject: Subject, what: string, value: string): void {
  assertString(subject, what, value);
}
