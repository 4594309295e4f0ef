import type { ServiceAccountBinding } from './service-account-binding';
import { clusterKey, clusterLabel } from '../private/app-registry';
import type { Subject } from '../private/errors';
import { fail, show } from '../private/errors';
import { assertDns1123Label, assertDns1123Subdomain } from '../private/names';

/** Throws when the binding has no cluster, or its namespace or service account name is not one Kubernetes accepts. */
export function validateBinding(subject: Subject, binding: ServiceAccountBinding): void {
  if (binding === null || typeof binding !== 'object') {
    fail(subject, `service account binding is ${show(binding)}`, 'an object with cluster, namespace and serviceAccount');
  }
  const cluster = binding.cluster as unknown;
  if (cluster === null || typeof cluster !== 'object' || typeof (cluster as { clusterArn?: unknown }).clusterArn !== 'string') {
    fail(subject, `the cluster of service account ${show(binding.namespace)}/${show(binding.serviceAccount)} is ${show(cluster === undefined ? undefined : typeof cluster)}`,
      'an IWorkloadCluster (EksCluster.fromClusterAttributes(), EksCluster.fromCluster())');
  }
  assertDns1123Label(subject, 'namespace', binding.namespace);
  assertDns1123Subdomain(subject, 'service account name', binding.serviceAccount);
}

/** Identity of a binding: equal for the same (cluster, namespace, service account). */
export function bindingKey(binding: ServiceAccountBinding): string {
  return JSON.stringify([clusterKey(binding.cluster), binding.namespace, binding.serviceAccount]);
}

/** `namespace/serviceAccount@cluster`, for messages. */
export function bindingLabel(binding: ServiceAccountBinding): string {
  return `${binding.namespace}/${binding.serviceAccount}@${clusterLabel(binding.cluster)}`;
}

/** The bindings without repeats, in first-seen order. */
export function uniqueBindings<T extends ServiceAccountBinding>(bindings: readonly T[]): T[] {
  const seen = new Map<string, T>();
  for (const b of bindings) {
    const key = bindingKey(b);
    if (!seen.has(key)) seen.set(key, b);
  }
  return [...seen.values()];
}
