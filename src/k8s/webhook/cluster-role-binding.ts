import type { k8s } from 'cdk8s-plus-28';
import type { WebhookSettings } from './settings';

/** Binds the webhook's ClusterRole to its ServiceAccount (amazon-eks-pod-identity-webhook deploy/auth.yaml). */
export function clusterRoleBindingProps(settings: WebhookSettings): k8s.KubeClusterRoleBindingProps {
  return {
    metadata: { name: settings.names.clusterRoleBinding, labels: settings.labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: settings.names.clusterRole },
    subjects: [{ kind: 'ServiceAccount', name: settings.names.serviceAccount, namespace: settings.namespace }],
  };
}
