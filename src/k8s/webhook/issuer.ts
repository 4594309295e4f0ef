import type { WebhookSettings } from './settings';
import type { IssuerProps } from '../imports/cert-manager.io';

// The webhook's certificates come from a namespaced CA of their own: selfSigned Issuer -> CA Certificate -> CA Issuer
// -> serving Certificate. Upstream (deploy/deployment-base.yaml, v0.6.17) issues the serving certificate straight from a
// selfSigned ClusterIssuer with isCA: true, so every renewal (with a new key by default since cert-manager v1.18) changes
// the trust anchor, and the caBundle the cainjector writes and the certificate the webhook serves change independently.
// Here the trust anchor (the CA) outlives many serving certificates and keeps its key (research notes, section 0).

/** The selfSigned Issuer, which signs only the CA certificate. */
export function selfSignedIssuerProps(settings: WebhookSettings): IssuerProps {
  return {
    metadata: { name: settings.names.selfSignedIssuer, namespace: settings.namespace, labels: settings.labels },
    spec: { selfSigned: {} },
  };
}

/** The CA Issuer, which signs the serving certificate with the CA certificate's Secret. */
export function caIssuerProps(settings: WebhookSettings): IssuerProps {
  return {
    metadata: { name: settings.names.caIssuer, namespace: settings.namespace, labels: settings.labels },
    spec: { ca: { secretName: settings.names.caSecret } },
  };
}
