import { k8s } from 'cdk8s-plus-28';
import type { WebhookSettings } from './settings';

/** The port of the Service that the API server calls (`clientConfig.service.port`). */
export const SERVICE_PORT = 443;
/** The names of the container's ports, which the Service targets. */
export const WEBHOOK_PORT_NAME = 'https';
export const METRICS_PORT_NAME = 'metrics';

/**
 * The webhook's Service: 443 to the container's TLS port (`/mutate`, `/healthz`), and the metrics port (plain HTTP,
 * `/metrics`).
 *
 * Upstream's deploy/service.yaml advertises metrics with `prometheus.io/port: "443"` and `prometheus.io/scheme: "https"`,
 * but the webhook serves them on its --metrics-port over HTTP (main.go at v0.6.17); the annotations here say where they are.
 */
export function serviceProps(settings: WebhookSettings): k8s.KubeServiceProps {
  return {
    metadata: {
      name: settings.names.service,
      namespace: settings.namespace,
      labels: settings.labels,
      annotations: {
        'prometheus.io/scrape': 'true',
        'prometheus.io/scheme': 'http',
        'prometheus.io/port': `${settings.metricsPort}`,
        'prometheus.io/path': '/metrics',
      },
    },
    spec: {
      type: 'ClusterIP',
      selector: settings.selectorLabels,
      ports: [
        { name: WEBHOOK_PORT_NAME, port: SERVICE_PORT, targetPort: k8s.IntOrString.fromString(WEBHOOK_PORT_NAME), protocol: 'TCP' },
        { name: METRICS_PORT_NAME, port: settings.metricsPort, targetPort: k8s.IntOrString.fromString(METRICS_PORT_NAME), protocol: 'TCP' },
      ],
    },
  };
}
