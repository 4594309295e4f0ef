import type { k8s } from 'cdk8s-plus-28';
import { SERVICE_PORT } from './service';
import type { WebhookSettings } from './settings';

/** The name of the webhook in the configuration (upstream's; EKS's own is `iam-for-pods.amazonaws.com`). */
export const WEBHOOK_NAME = 'pod-identity-webhook.amazonaws.com';
/** Pods with this label (any value) are skipped, through the objectSelector only: the webhook's code never reads it. */
export const SKIP_LABEL = 'eks.amazonaws.com/skip-pod-identity-webhook';
/** The label the API server sets on every namespace (Kubernetes 1.21+). */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
/** cert-manager's cainjector writes the CA of this Certificate (`<namespace>/<name>`) into every webhook's caBundle. */
export const INJECT_CA_FROM_ANNOTATION = 'cert-manager.io/inject-ca-from';

/**
 * The MutatingWebhookConfiguration, after amazon-eks-pod-identity-webhook deploy/mutatingwebhook.yaml (v0.6.17), with:
 * - `admissionReviewVersions: ['v1beta1', 'v1']`, v1beta1 first: the API server sends the first version in the list that
 *   it knows, and released images (up to v0.6.17) answer without apiVersion and kind, which the API server accepts only
 *   for v1beta1. With v1 first, every answer is rejected and, with failurePolicy Ignore, pods are admitted unmutated
 *   without a sign (research notes, sections 0 and 1.5; upstream issue #225).
 * - the objectSelector that skips pods labelled `eks.amazonaws.com/skip-pod-identity-webhook` (kept: the webhook's code
 *   never reads the label).
 * - a namespaceSelector that leaves the webhook's own namespace alone, so that the webhook's pods never wait for
 *   themselves (with failurePolicy Fail they could not start while no replica runs).
 * - the Service's namespace and port, a timeout, and the cainjector annotation naming the serving Certificate.
 */
export function mutatingWebhookConfigurationProps(settings: WebhookSettings): k8s.KubeMutatingWebhookConfigurationProps {
  return {
    metadata: {
      name: settings.names.webhookConfiguration,
      labels: settings.labels,
      annotations: { [INJECT_CA_FROM_ANNOTATION]: `${settings.namespace}/${settings.names.servingCertificate}` },
    },
    webhooks: [{
      name: WEBHOOK_NAME,
      admissionReviewVersions: ['v1beta1', 'v1'],
      clientConfig: {
        service: { name: settings.names.service, namespace: settings.namespace, path: '/mutate', port: SERVICE_PORT },
      },
      rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
      failurePolicy: settings.failurePolicy,
      sideEffects: 'None',
      timeoutSeconds: settings.timeoutSeconds,
      objectSelector: { matchExpressions: [{ key: SKIP_LABEL, operator: 'DoesNotExist' }] },
      namespaceSelector: { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'NotIn', values: [settings.namespace] }] },
    }],
  };
}
