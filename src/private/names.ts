import { Token } from 'aws-cdk-lib';
import { fail, show, type Subject } from './errors';

// Name rules, from the Kubernetes and EKS API references:
// - DNS-1123 label (namespaces): k8s.io/apimachinery/pkg/util/validation IsDNS1123Label, at most 63 characters.
// - DNS-1123 subdomain (service accounts): IsDNS1123Subdomain, at most 253 characters.
// - EKS cluster names: AWS::EKS::Cluster `Name`, pattern ^[0-9A-Za-z][A-Za-z0-9\-_]*, 1 to 100 characters.
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const EKS_CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9\-_]*$/;

/** Throws unless `value` is a string (JavaScript and Python callers can pass anything). */
export function assertString(subject: Subject, what: string, value: unknown): asserts value is string {
  if (typeof value !== 'string') fail(subject, `${what} is ${show(value)} (${value === null ? 'null' : typeof value})`, 'a string');
}

/** Throws unless `value` is a boolean or undefined (JavaScript and Python callers can pass 'false', which is truthy). */
export function assertOptionalBoolean(subject: Subject, what: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') {
    fail(subject, `${what} is ${show(value)} (${value === null ? 'null' : typeof value})`, 'true or false');
  }
}

/** Throws unless `value` is a DNS-1123 label. Tokens are not checked. */
export function assertDns1123Label(subject: Subject, what: string, value: string): void {
  assertString(subject, what, value);
  if (Token.isUnresolved(value)) return;
  if (value.length > 63 || !DNS1123_LABEL.test(value)) {
    fail(subject, `${what} ${show(value)} is not a DNS-1123 label${lengthNote(value, 63)}`,
      '1 to 63 characters: lowercase letters, digits and \'-\', starting and ending with a letter or digit');
  }
}

/** Throws unless `value` is a DNS-1123 subdomain. Tokens are not checked. */
export function assertDns1123Subdomain(subject: Subject, what: string, value: string): void {
  assertString(subject, what, value);
  if (Token.isUnresolved(value)) return;
  if (value.length > 253 || !DNS1123_SUBDOMAIN.test(value)) {
    fail(subject, `${what} ${show(value)} is not a DNS-1123 subdomain${lengthNote(value, 253)}`,
      '1 to 253 characters: lowercase letters, digits, \'-\' and \'.\', each dot-separated part starting and ending with a letter or digit');
  }
}

/** Throws unless `value` is a name EKS accepts for a cluster. Tokens are not checked. */
export function assertEksClusterName(subject: Subject, value: string): void {
  assertString(subject, 'clusterName', value);
  if (Token.isUnresolved(value)) return;
  if (value.length > 100 || !EKS_CLUSTER_NAME.test(value)) {
    fail(subject, `clusterName ${show(value)} is not an EKS cluster name${lengthNote(value, 100)}`,
      '1 to 100 characters of letters, digits, \'-\' and \'_\', starting with a letter or digit');
  }
}

/**
 * Throws unless `value` is one of the values of `enumeration` (a TypeScript string enum). JavaScript and Python callers
 * can pass any string, and a near miss such as 'pod_identity' must never fall through to a default branch.
 */
export function assertEnumValue(subject: Subject, what: string, value: unknown, enumeration: Record<string, string>, enumName: string): void {
  const values = Object.values(enumeration);
  if (typeof value !== 'string' || !values.includes(value)) {
    fail(subject, `${what} is ${show(value)}`, `one of ${values.map(v => `${enumName}.${v}`).join(', ')}`);
  }
}

function lengthNote(value: string, max: number): string {
  return value.length > max ? ` (it has ${value.length} characters)` : '';
}
