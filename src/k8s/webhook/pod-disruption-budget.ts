import { k8s } from 'cdk8s-plus-28';
import type { WebhookSettings } from './settings';

/**
 * At most one webhook pod down at a time for voluntary disruptions (node drains).
 *
 * `maxUnavailable: 1` rather than `minAvailable: 1`: with the default two replicas they are the same, but with
 * `replicas: 1` a `minAvailable: 1` budget would forbid every eviction and block node drains forever, while
 * `maxUnavailable: 1` still lets the pod move.
 */
export function podDisruptionBudgetProps(settings: WebhookSettings): k8s.KubePodDisruptionBudgetProps {
  return {
    metadata: { name: settings.names.podDisruptionBudget, namespace: settings.namespace, labels: settings.labels },
    spec: {
      maxUnavailable: k8s.IntOrString.fromNumber(1),
      selector: { matchLabels: settings.selectorLabels },
    },
  };
}
