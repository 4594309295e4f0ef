import { uniqueBindings } from './bindings';
import type { ServiceAccountBinding } from './service-account-binding';
import { clusterKey } from '../private/app-registry';

/**
 * A set of bindings that is exactly clusters × namespaces × service accounts, so one IAM statement with
 * three multi-valued conditions (AND across keys, OR within a key) admits exactly these bindings.
 */
export interface BindingRectangle {
  readonly clusters: ServiceAccountBinding['cluster'][];
  readonly namespaces: string[];
  readonly serviceAccounts: string[];
}

/**
 * Splits bindings into rectangles without ever admitting a tuple that was not asked for:
 * per cluster, namespaces with the same set of service accounts share a rectangle; then clusters
 * with identical rectangles share one. Order follows first appearance, so output is stable.
 */
export function toRectangles(bindings: readonly ServiceAccountBinding[]): BindingRectangle[] {
  const byCluster = new Map<string, { cluster: ServiceAccountBinding['cluster']; byNamespace: Map<string, string[]> }>();
  for (const b of uniqueBindings(bindings)) {
    const key = clusterKey(b.cluster);
    let entry = byCluster.get(key);
    if (!entry) {
      entry = { cluster: b.cluster, byNamespace: new Map() };
      byCluster.set(key, entry);
    }
    const accounts = entry.byNamespace.get(b.namespace) ?? [];
    accounts.push(b.serviceAccount);
    entry.byNamespace.set(b.namespace, accounts);
  }

  const merged = new Map<string, BindingRectangle>();
  for (const { cluster, byNamespace } of byCluster.values()) {
    const bySignature = new Map<string, { namespaces: string[]; serviceAccounts: string[] }>();
    for (const [namespace, accounts] of byNamespace) {
      const signature = JSON.stringify([...accounts].sort());
      const group = bySignature.get(signature) ?? { namespaces: [], serviceAccounts: accounts };
      group.namespaces.push(namespace);
      bySignature.set(signature, group);
    }
    for (const group of bySignature.values()) {
      const signature = JSON.stringify([[...group.namespaces].sort(), [...group.serviceAccounts].sort()]);
      const existing = merged.get(signature);
      if (existing) {
        existing.clusters.push(cluster);
      } else {
        merged.set(signature, { clusters: [cluster], namespaces: group.namespaces, serviceAccounts: group.serviceAccounts });
      }
    }
  }
  return [...merged.values()];
}
