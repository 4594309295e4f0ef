import { Stack, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { IWorkloadCluster } from '../cluster/workload-cluster';

// Things that must exist at most once per app (one agent add-on per cluster, one association per
// cluster/namespace/service account) are recorded here, keyed by the construct tree's root.
const registries = new WeakMap<IConstruct, Map<string, IConstruct>>();

function registryOf(scope: IConstruct): Map<string, IConstruct> {
  const root = scope.node.root;
  let registry = registries.get(root);
  if (!registry) {
    registry = new Map();
    registries.set(root, registry);
  }
  return registry;
}

/** The construct registered under `key` in `scope`'s app, if any. */
export function findRegistered(scope: IConstruct, key: string): IConstruct | undefined {
  return registryOf(scope).get(key);
}

/** Registers `owner` under `key`; returns the construct registered before it, if any (and then registers nothing). */
export function register(owner: IConstruct, key: string): IConstruct | undefined {
  const registry = registryOf(owner);
  const existing = registry.get(key);
  if (existing) return existing;
  registry.set(key, owner);
  return undefined;
}

/**
 * A string that is equal for two imports of the same cluster in one app: the literal ARN when it is
 * known, else the ARN as CloudFormation would compute it (pseudo parameters included) in the cluster's stack.
 */
export function clusterKey(cluster: IWorkloadCluster): string {
  if (!Token.isUnresolved(cluster.clusterArn)) return cluster.clusterArn;
  return JSON.stringify(Stack.of(cluster).resolve(cluster.clusterArn));
}

/** The cluster's name for messages: literal name, else its construct path. */
export function clusterLabel(cluster: IWorkloadCluster): string {
  return Token.isUnresolved(cluster.clusterName) ? cluster.node.path : cluster.clusterName;
}
