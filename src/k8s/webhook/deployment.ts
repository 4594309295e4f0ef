import { k8s } from 'cdk8s-plus-28';
import { METRICS_PORT_NAME, WEBHOOK_PORT_NAME } from './service';
import type { WebhookSettings } from './settings';

/** Where the webhook reads its serving certificate (the defaults of --tls-cert and --tls-key). */
export const CERT_DIR = '/etc/webhook/certs';
export const CONTAINER_NAME = 'pod-identity-webhook';
const CERT_VOLUME = 'cert';
/** A numeric non-root user and group (nobody), so that runAsNonRoot can be checked without the image's user database. */
export const RUN_AS_USER = 65534;

/**
 * The process of the container: the image's ENTRYPOINT `/go-runner` (a small supervisor from the Kubernetes release
 * tooling) running its CMD `/webhook` (amazon-eks-pod-identity-webhook Dockerfile, v0.6.17). Both are stated: a pod's
 * `command` replaces the image's ENTRYPOINT (and `args` its CMD), so upstream's `command: [/webhook, ...]` actually
 * runs the webhook without go-runner.
 */
export const COMMAND = ['/go-runner', '/webhook'];

/** The webhook's flags (main.go at v0.6.17; research notes, section 1.3), from the typed settings. */
export function webhookArgs(settings: WebhookSettings): string[] {
  return [
    // The in-cluster CSR mode (the default, true) no longer works; false reads the certificate files cert-manager writes.
    '--in-cluster=false',
    // Only used to find the ConfigMap of --watch-config-map (off) with --in-cluster=false; set to the real one anyway.
    `--namespace=${settings.namespace}`,
    `--service-name=${settings.names.service}`,
    `--port=${settings.port}`,
    `--metrics-port=${settings.metricsPort}`,
    `--tls-cert=${CERT_DIR}/tls.crt`,
    `--tls-key=${CERT_DIR}/tls.key`,
    `--annotation-prefix=${settings.annotationPrefix}`,
    `--token-audience=${settings.tokenAudience}`,
    `--token-expiration=${settings.tokenExpirationSeconds}`,
    ...(settings.awsDefaultRegion !== undefined ? [`--aws-default-region=${settings.awsDefaultRegion}`] : []),
    ...(settings.stsRegionalEndpoint ? ['--sts-regional-endpoint=true'] : []),
    `--tls-min-version=${settings.tlsMinVersion}`,
    '--logtostderr',
  ];
}

/** The restricted Pod Security profile, for the container. */
const CONTAINER_SECURITY_CONTEXT: k8s.SecurityContext = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  runAsUser: RUN_AS_USER,
  runAsGroup: RUN_AS_USER,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/**
 * The Deployment, after amazon-eks-pod-identity-webhook deploy/deployment-base.yaml (v0.6.17), hardened: two replicas
 * spread over nodes, a critical priority, requests and limits, probes, and the restricted Pod Security profile
 * (non-root numeric user, read-only root filesystem, no privilege escalation, no capabilities, RuntimeDefault seccomp).
 */
export function deploymentProps(settings: WebhookSettings): k8s.KubeDeploymentProps {
  const healthz = (periodSeconds: number, failureThreshold: number): k8s.Probe => ({
    httpGet: { path: '/healthz', port: k8s.IntOrString.fromNumber(settings.port), scheme: 'HTTPS' },
    periodSeconds,
    timeoutSeconds: 2,
    failureThreshold,
  });
  return {
    metadata: { name: settings.names.deployment, namespace: settings.namespace, labels: settings.labels },
    spec: {
      replicas: settings.replicas,
      selector: { matchLabels: settings.selectorLabels },
      template: {
        metadata: { labels: settings.labels },
        spec: {
          serviceAccountName: settings.names.serviceAccount,
          // The webhook lists, watches and gets ServiceAccounts from the API server: it needs its token.
          automountServiceAccountToken: true,
          priorityClassName: settings.priorityClassName,
          // The image is built for linux/amd64 and linux/arm64 only.
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          securityContext: {
            runAsNonRoot: true,
            runAsUser: RUN_AS_USER,
            runAsGroup: RUN_AS_USER,
            // The certificate files are group-readable by this group (see the volume's defaultMode).
            fsGroup: RUN_AS_USER,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          // Spread over nodes, softly: a replica that cannot be spread runs beside the other rather than stay Pending
          // (single-node clusters, tainted control-plane nodes counted as empty domains).
          topologySpreadConstraints: [{
            maxSkew: 1,
            topologyKey: 'kubernetes.io/hostname',
            whenUnsatisfiable: 'ScheduleAnyway',
            labelSelector: { matchLabels: settings.selectorLabels },
          }],
          containers: [{
            name: CONTAINER_NAME,
            image: settings.image,
            imagePullPolicy: 'IfNotPresent',
            command: COMMAND,
            args: webhookArgs(settings),
            ports: [
              { name: WEBHOOK_PORT_NAME, containerPort: settings.port, protocol: 'TCP' },
              { name: METRICS_PORT_NAME, containerPort: settings.metricsPort, protocol: 'TCP' },
            ],
            readinessProbe: healthz(5, 3),
            livenessProbe: { ...healthz(10, 6), initialDelaySeconds: 10 },
            resources: settings.resources,
            securityContext: CONTAINER_SECURITY_CONTEXT,
            volumeMounts: [{ name: CERT_VOLUME, mountPath: CERT_DIR, readOnly: true }],
          }],
          volumes: [{
            name: CERT_VOLUME,
            // 0440: readable by the owner (root) and the pod's fsGroup only.
            secret: { secretName: settings.names.servingSecret, defaultMode: 0o440 },
          }],
        },
      },
    },
  };
}
