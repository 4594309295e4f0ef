import { Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

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

// What a construct that set a value knows about why it is a token (a WorkloadIdentity knows its role's stack has no
// account, or its role has no name), so that the Kubernetes side's error can say exactly what to set.
const hints = new WeakMap<IConstruct, Map<string, string>>();

/** Records why the value of `field` of `construct` may be a token, for the error message. */
export function explainDeployTimeValue(construct: IConstruct, field: string, why: string): void {
  const map = hints.get(construct) ?? new Map<string, string>();
  map.set(field, why);
  hints.set(construct, map);
}

/** One message per value that is a token, in the order given. `describe(field, value, hint)` writes the message. */
export function deployTimeValueErrors(construct: IConstruct, values: Array<[field: string, value: string]>,
  describe: (field: string, value: string, hint: string | undefined) => string): string[] {
  if (deployTimeValuesAllowed(construct)) return [];
  const known = hints.get(construct);
  return values.filter(([, value]) => Token.isUnresolved(value)).map(([field, value]) => describe(field, value, known?.get(field)));
}
