import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { assertDns1123Subdomain } from './names';

// Kubernetes metadata rules, from k8s.io/apimachinery/pkg/util/validation:
// - IsQualifiedName (label and annotation keys): an optional DNS-1123 subdomain prefix (at most 253
//   characters) and '/', then a name of 1 to 63 characters matching QUALIFIED_NAME.
// - IsValidLabelValue: empty, or at most 63 characters matching QUALIFIED_NAME.
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const QUALIFIED_NAME_RULE =
  "an optional DNS-1123 subdomain prefix and '/', then a name of 1 to 63 characters: letters, digits, " +
  "'-', '_' and '.', starting and ending with a letter or digit";

/** Throws unless `value` is a Kubernetes qualified name (label or annotation key). Tokens are not checked. */
export function assertQualifiedName(what: string, value: string): void {
  if (Token.isUnresolved(value)) return;
  const fail = (reason: string): never => {
    throw new Error(`Invalid ${what} ${JSON.stringify(value)}: expected a Kubernetes qualified name (${QUALIFIED_NAME_RULE}); ${reason}`);
  };
  const parts = value.split('/');
  if (parts.length > 2) fail(`it has ${parts.length - 1} '/' characters, at most 1 is allowed`);
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    const prefix = parts[0];
    if (prefix.length === 0) fail("the prefix before '/' is empty");
    try {
      assertDns1123Subdomain('prefix', prefix);
    } catch {
      fail(`the prefix ${JSON.stringify(prefix)} is not a DNS-1123 subdomain (at most 253 characters: lowercase letters, digits, '-' and '.')`);
    }
  }
  if (name.length === 0) fail('the name part is empty');
  if (name.length > 63) fail(`the name part has ${name.length} characters`);
  if (!QUALIFIED_NAME.test(name)) fail(`the name part ${JSON.stringify(name)} has characters that are not allowed there`);
}

/** Throws unless `value` is a valid Kubernetes label value. Tokens are not checked. */
export function assertLabelValue(what: string, value: string): void {
  if (Token.isUnresolved(value)) return;
  if (value.length > 63 || (value.length > 0 && !QUALIFIED_NAME.test(value))) {
    throw new Error(
      `Invalid ${what} ${JSON.stringify(value)}: expected a Kubernetes label value (empty, or 1 to 63 characters: ` +
      'letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit)' +
      (value.length > 63 ? `; it has ${value.length} characters` : ''),
    );
  }
}

// The token boundary (DESIGN.md rule 2). cdk8s runs construct validations in chart.toJson() too, which is what
// aws-eks cluster.addCdk8sChart() calls, so a validation cannot tell a chart written as YAML from one deployed
// through CloudFormation. A chart (or any scope) deployed through CloudFormation is therefore marked explicitly.
// The mark is a global symbol, so it also works when several copies of this library are loaded.
const DEPLOY_TIME_VALUES_ALLOWED = Symbol.for('cdk-workload-identity.k8s.deployTimeValuesAllowed');

/** Marks `scope` and everything in it as deployed through CloudFormation, where CDK tokens resolve at deploy time. */
export function allowDeployTimeValuesIn(scope: IConstruct): void {
  Object.defineProperty(scope, DEPLOY_TIME_VALUES_ALLOWED, { value: true, configurable: true });
}

/** Whether `construct` or one of its scopes was marked with `allowDeployTimeValuesIn`. */
export function deployTimeValuesAllowed(construct: IConstruct): boolean {
  return construct.node.scopes.some(s => (s as unknown as Record<symbol, unknown>)[DEPLOY_TIME_VALUES_ALLOWED] === true);
}
