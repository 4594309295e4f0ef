import { serviceDnsNames, type WebhookSettings } from './settings';
import {
  CertificateSpecPrivateKeyAlgorithm,
  CertificateSpecPrivateKeyRotationPolicy,
  CertificateSpecUsages,
  type CertificateProps,
} from '../imports/cert-manager.io';

/** Issuers are referenced by kind and group, so a ClusterIssuer of the same name is never picked. */
const ISSUER_GROUP = 'cert-manager.io';
const ISSUER_KIND = 'Issuer';

/** The serving certificate's lifetime and renewal margin, as upstream's (deploy/deployment-base.yaml: 2160h, 360h). */
export const SERVING_DURATION = '2160h';
export const SERVING_RENEW_BEFORE = '360h';
/**
 * The CA's lifetime (10 years) and renewal margin (180 days). The margin must exceed the serving certificate's lifetime:
 * a renewed CA keeps its key (rotationPolicy Never), and the caBundle switches to it only when the serving certificate is
 * next issued (its Secret's ca.crt), which must happen before the old CA certificate expires.
 */
export const CA_DURATION = '87600h';
export const CA_RENEW_BEFORE = '4320h';

/**
 * The CA Certificate, signed by the selfSigned Issuer; its Secret is the CA Issuer's key pair. Its key never changes
 * (rotationPolicy Never), so serving certificates signed before and after a CA renewal chain to the same key.
 */
export function caCertificateProps(settings: WebhookSettings): CertificateProps {
  return {
    metadata: { name: settings.names.caCertificate, namespace: settings.namespace, labels: settings.labels },
    spec: {
      isCa: true,
      commonName: settings.names.caCertificate,
      secretName: settings.names.caSecret,
      duration: CA_DURATION,
      renewBefore: CA_RENEW_BEFORE,
      privateKey: {
        algorithm: CertificateSpecPrivateKeyAlgorithm.ECDSA,
        size: 256,
        rotationPolicy: CertificateSpecPrivateKeyRotationPolicy.NEVER,
      },
      usages: [CertificateSpecUsages.CERT_SIGN, CertificateSpecUsages.CRL_SIGN, CertificateSpecUsages.DIGITAL_SIGNATURE],
      issuerRef: { name: settings.names.selfSignedIssuer, kind: ISSUER_KIND, group: ISSUER_GROUP },
    },
  };
}

/**
 * The serving Certificate, signed by the CA Issuer, for the Service's DNS names: `<svc>`, `<svc>.<ns>`, `<svc>.<ns>.svc`
 * and `<svc>.<ns>.svc.cluster.local` (upstream writes `.svc.local`, a typo). A new key at every renewal (rotationPolicy
 * Always): the CA does not change, so the caBundle stays valid, and the webhook reloads the files (certwatcher).
 */
export function servingCertificateProps(settings: WebhookSettings): CertificateProps {
  const { commonName, dnsNames } = serviceDnsNames(settings.names.service, settings.namespace);
  return {
    metadata: { name: settings.names.servingCertificate, namespace: settings.namespace, labels: settings.labels },
    spec: {
      secretName: settings.names.servingSecret,
      commonName,
      dnsNames,
      duration: SERVING_DURATION,
      renewBefore: SERVING_RENEW_BEFORE,
      privateKey: {
        algorithm: CertificateSpecPrivateKeyAlgorithm.ECDSA,
        size: 256,
        rotationPolicy: CertificateSpecPrivateKeyRotationPolicy.ALWAYS,
      },
      usages: [CertificateSpecUsages.SERVER_AUTH, CertificateSpecUsages.DIGITAL_SIGNATURE],
      issuerRef: { name: settings.names.caIssuer, kind: ISSUER_KIND, group: ISSUER_GROUP },
    },
  };
}
