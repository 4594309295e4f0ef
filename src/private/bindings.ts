import { clusterKey, clusterLabel } from './app-registry';
import { assertDns1123Label, assertDns1123Subdomain } from './names';
import { ServiceAccountBinding } from '../trust/service-account-binding';

/** Throws when the binding's namespace or service account name is not one Kubernetes accepts. */
export function validateBinding(binding: ServiceAccountBinding): void {
  assertDns1123Label('namespace', binding.namespace);
  assertDns1123Subdomain('service account name', binding.serviceAccount);
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
