import type { k8s } from 'cdk8s-plus-28';
import type { WebhookSettings } from './settings';

/**
 * The ClusterRole of the webhook: read ServiceAccounts, nothing else.
 *
 * With `--in-cluster=false` the webhook lists and watches ServiceAccounts (its informer cache) and gets one on a cache
 * miss (amazon-eks-pod-identity-webhook main.go and pkg/cache/cache.go at v0.6.17). Upstream's deploy/auth.yaml also
 * grants `secrets` and `certificatesigningrequests`: those serve only the in-cluster CSR mode (`--in-cluster=true`),
 * which no longer works, so they are left out (research notes, section 1.6).
 */
export function clusterRoleProps(settings: WebhookSettings): k8s.KubeClusterRoleProps {
  return {
    metadata: { name: settings.names.clusterRole, labels: settings.labels },
    rules: [{ apiGroups: [''], resources: ['serviceaccounts'], verbs: ['get', 'watch', 'list'] }],
  };
}
