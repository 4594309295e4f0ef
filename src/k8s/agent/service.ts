import { k8s } from 'cdk8s-plus-28';
import { METRICS_PORT_NAME } from './daemon-set';
import { PodIdentityAgentVariant } from './enums';
import { BASE_NAME, INSTANCE, METRICS_PORT, objectLabels, type AgentSettings } from './settings';

/**
 * The metrics Service, after the chart's templates/metrics.yaml (rendered when `metrics.enabled`): ClusterIP, port 2705
 * to the agents' port 2705 (`/metrics`, plain HTTP, on each node's address: the pods use the host network).
 *
 * Two deliberate differences: it selects the pods of every variant by `app.kubernetes.io/instance` (the chart selects
 * by the cloud DaemonSet's `app.kubernetes.io/name`, so it leaves out the hybrid agents), and `prometheus.io/scrape` and
 * `prometheus.io/port` are annotations, which is where Prometheus' annotation-based discovery reads them (the chart
 * makes them labels).
 */
export function metricsServiceProps(settings: AgentSettings): k8s.KubeServiceProps {
  return {
    metadata: {
      name: BASE_NAME,
      namespace: settings.namespace,
      labels: objectLabels(PodIdentityAgentVariant.CLOUD),
      annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': `${METRICS_PORT}` },
    },
    spec: {
      selector: { 'app.kubernetes.io/instance': INSTANCE },
      ports: [{ name: METRICS_PORT_NAME, port: METRICS_PORT, targetPort: k8s.IntOrString.fromNumber(METRICS_PORT) }],
      type: 'ClusterIP',
    },
  };
}
