import { Token } from 'aws-cdk-lib';

// kube-apiserver flags for a service account issuer hosted outside the cluster (k8s.io/kubernetes
// pkg/kubeapiserver/options/authentication.go; research notes, section 6.1):
// - --service-account-issuer is repeatable: the first issues tokens, all are accepted. During a move the new issuer
//   goes first and the old ones after it, so tokens already issued keep working until they expire.
// - --service-account-jwks-uri must be https; it goes into the discovery document the apiserver serves itself.
// - --api-audiences: without it the API's audiences default to the issuers, so moving the issuer would change which
//   tokens the API itself accepts. It is set explicitly to the API's own audiences, which must never include the STS
//   audience (that would let tokens meant for AWS authenticate to the Kubernetes API).

/** The flags, in order, as `--name=value` strings. */
export interface ApiServerFlagValues {
  readonly issuerUrl: string;
  readonly previousIssuerUrls: readonly string[];
  readonly jwksUri: string;
  readonly apiAudiences: readonly string[];
}

/** `[name, value]` pairs, in the order kube-apiserver must see them. */
export function apiServerFlagPairs(v: ApiServerFlagValues): Array<[string, string]> {
  return [
    ['service-account-issuer', v.issuerUrl],
    ...v.previousIssuerUrls.map(url => ['service-account-issuer', url] as [string, string]),
    ['service-account-jwks-uri', v.jwksUri],
    ['api-audiences', v.apiAudiences.join(',')],
  ];
}

/** The flags as kube-apiserver takes them on its command line. */
export function apiServerFlags(v: ApiServerFlagValues): string[] {
  return apiServerFlagPairs(v).map(([name, value]) => `--${name}=${value}`);
}

/** Whether every value is known at synthesis (the snippets are written only then). */
export function flagsAreLiteral(v: ApiServerFlagValues): boolean {
  return apiServerFlagPairs(v).every(([, value]) => !Token.isUnresolved(value));
}

/**
 * A kubeadm `ClusterConfiguration` (v1beta4, kubeadm 1.31 and newer: `extraArgs` is a list, so a flag can be repeated,
 * which --service-account-issuer needs during a move). kubeadm keeps its own --service-account-key-file and
 * --service-account-signing-key-file (/etc/kubernetes/pki/sa.pub, sa.key).
 */
export function kubeadmSnippet(clusterName: string, v: ApiServerFlagValues): string {
  const args = apiServerFlagPairs(v).map(([name, value]) => `    - name: ${name}\n      value: ${yamlString(value)}`).join('\n');
  return [
    `# kube-apiserver flags for cluster ${clusterName}: merge into your kubeadm ClusterConfiguration, then restart the`,
    '# apiserver (kubeadm upgrade apply, or edit /etc/kubernetes/manifests/kube-apiserver.yaml on each control-plane node).',
    '# Written by cdk-workload-identity. kubeadm v1beta3 (extraArgs as a map) cannot repeat service-account-issuer.',
    'apiVersion: kubeadm.k8s.io/v1beta4',
    'kind: ClusterConfiguration',
    'apiServer:',
    '  extraArgs:',
    args,
    '',
  ].join('\n');
}

/** A k3s `config.yaml` fragment (`kube-apiserver-arg`, repeatable); k3s keeps its own service account key files. */
export function k3sSnippet(clusterName: string, v: ApiServerFlagValues): string {
  const args = apiServerFlagPairs(v).map(([name, value]) => `  - ${yamlString(`${name}=${value}`)}`).join('\n');
  return [
    `# kube-apiserver flags for cluster ${clusterName}: merge into /etc/rancher/k3s/config.yaml on each server, then`,
    '# restart k3s (systemctl restart k3s). Written by cdk-workload-identity.',
    'kube-apiserver-arg:',
    args,
    '',
  ].join('\n');
}

function yamlString(value: string): string {
  return JSON.stringify(value);
}
