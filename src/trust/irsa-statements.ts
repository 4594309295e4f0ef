import { Stack, Token, aws_iam as iam } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { IWorkloadCluster } from '../cluster/workload-cluster';
import type { ClusterOidcProvider } from '../oidc/cluster-oidc-provider';
import { issuerHostPath } from '../oidc/issuer-url';

// FACTS.md, "IRSA": the action, the subject format and the default audience.
export const IRSA_ACTION = 'sts:AssumeRoleWithWebIdentity';
export const DEFAULT_AUDIENCE = 'sts.amazonaws.com';

/** `system:serviceaccount:<namespace>:<name>`, the `sub` of a projected service account token. */
export function serviceAccountSubject(namespace: string, serviceAccount: string): string {
  return `system:serviceaccount:${namespace}:${serviceAccount}`;
}

/** One trusted subject: a service account, or (serviceAccount undefined) a whole namespace. */
export interface IrsaEntry {
  readonly cluster: IWorkloadCluster;
  /** The cluster's IAM OIDC provider, found or created when the entry was added. */
  readonly provider: ClusterOidcProvider;
  readonly namespace: string;
  readonly serviceAccount?: string;
  readonly audience: string;
}

function oneOrMany(values: string[]): string | string[] {
  return values.length === 1 ? values[0] : values;
}

/** Whether some entry's issuer is known only at deploy time (its condition keys are then tokens). */
export function needsDeployTimeKeys(entries: readonly IrsaEntry[]): boolean {
  return entries.some(e => Token.isUnresolved(e.provider.issuerUrl));
}

/**
 * Statements trusting exactly the entries: per (issuer, audience), one statement for the service accounts
 * (`StringEquals` on `<issuer>:sub`, a list) and one for whole namespaces (`StringLike` `system:serviceaccount:<ns>:*`).
 * A service account in a namespace that is trusted whole is not listed again. `consumer` is the role, whose stack
 * decides how the provider is referenced (see `ClusterOidcProvider.providerArnFor`).
 */
export function irsaStatements(consumer: IConstruct, entries: readonly IrsaEntry[]): iam.PolicyStatement[] {
  const groups = new Map<string, { provider: ClusterOidcProvider; audience: string; subjects: string[]; namespaces: string[] }>();
  for (const e of entries) {
    const provider = e.provider;
    const issuer = Token.isUnresolved(provider.issuerUrl) ? JSON.stringify(Stack.of(provider).resolve(provider.issuerUrl)) : provider.issuerUrl;
    const key = JSON.stringify([issuer, provider.account, e.audience]);
    const group = groups.get(key) ?? { provider, audience: e.audience, subjects: [], namespaces: [] };
    groups.set(key, group);
    const list = e.serviceAccount === undefined ? group.namespaces : group.subjects;
    const value = e.serviceAccount === undefined ? e.namespace : serviceAccountSubject(e.namespace, e.serviceAccount);
    if (!list.includes(value)) list.push(value);
  }

  const statements: iam.PolicyStatement[] = [];
  for (const { provider, audience, subjects, namespaces } of groups.values()) {
    const prefix = issuerHostPath(provider.issuerUrl);
    const principal = new iam.FederatedPrincipal(provider.providerArnFor(consumer));
    const statement = (conditions: Record<string, Record<string, string | string[]>>) => new iam.PolicyStatement({
      actions: [IRSA_ACTION],
      principals: [principal],
      conditions,
    });
    const wildcards = namespaces.map(ns => serviceAccountSubject(ns, '*'));
    const exact = subjects.filter(s => !namespaces.some(ns => s.startsWith(serviceAccountSubject(ns, ''))));
    if (exact.length > 0) {
      statements.push(statement({ StringEquals: { [`${prefix}:aud`]: audience, [`${prefix}:sub`]: oneOrMany(exact) } }));
    }
    if (wildcards.length > 0) {
      statements.push(statement({ StringEquals: { [`${prefix}:aud`]: audience }, StringLike: { [`${prefix}:sub`]: oneOrMany(wildcards) } }));
    }
  }
  return statements;
}
