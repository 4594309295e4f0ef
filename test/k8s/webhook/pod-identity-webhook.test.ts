import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Token } from 'aws-cdk-lib';
import { App, Chart, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { allStrings, synthObjects, testCluster, webhookChart, webhookObjects, type Objects } from './fixtures';
import { k8s } from '../../../src';
import { newStack } from '../../util/fixtures';
import { CERT_MANAGER_VALIDATORS, parseYamlDocuments, validateKubernetesObjects } from '../../util/kubernetes';

const LABELS = {
  'app.kubernetes.io/name': 'amazon-eks-pod-identity-webhook',
  'app.kubernetes.io/instance': 'pod-identity-webhook',
  'app.kubernetes.io/component': 'webhook',
};
const SELECTOR = {
  'app.kubernetes.io/name': 'amazon-eks-pod-identity-webhook',
  'app.kubernetes.io/instance': 'pod-identity-webhook',
};
const NS = 'pod-identity-webhook';

describe('default webhook', () => {
  let objects: Objects;
  beforeAll(() => { objects = webhookObjects(); });

  test('emits the twelve objects in the order they are applied', () => {
    expect(objects.all.map(o => `${o.apiVersion} ${o.kind} ${o.metadata.namespace ?? '-'}/${o.metadata.name}`)).toEqual([
      'v1 Namespace -/pod-identity-webhook',
      'v1 ServiceAccount pod-identity-webhook/pod-identity-webhook',
      'rbac.authorization.k8s.io/v1 ClusterRole -/pod-identity-webhook',
      'rbac.authorization.k8s.io/v1 ClusterRoleBinding -/pod-identity-webhook',
      'cert-manager.io/v1 Issuer pod-identity-webhook/pod-identity-webhook-selfsigned',
      'cert-manager.io/v1 Certificate pod-identity-webhook/pod-identity-webhook-ca',
      'cert-manager.io/v1 Issuer pod-identity-webhook/pod-identity-webhook-ca',
      'cert-manager.io/v1 Certificate pod-identity-webhook/pod-identity-webhook',
      'v1 Service pod-identity-webhook/pod-identity-webhook',
      'apps/v1 Deployment pod-identity-webhook/pod-identity-webhook',
      'policy/v1 PodDisruptionBudget pod-identity-webhook/pod-identity-webhook',
      'admissionregistration.k8s.io/v1 MutatingWebhookConfiguration -/pod-identity-webhook',
    ]);
  });

  test('the MutatingWebhookConfiguration, field by field', () => {
    expect(objects.one('MutatingWebhookConfiguration')).toEqual({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: {
        name: 'pod-identity-webhook',
        labels: LABELS,
        annotations: { 'cert-manager.io/inject-ca-from': 'pod-identity-webhook/pod-identity-webhook' },
      },
      webhooks: [{
        name: 'pod-identity-webhook.amazonaws.com',
        // v1beta1 first: released images answer only v1beta1 correctly, and the API server uses the first it knows.
        admissionReviewVersions: ['v1beta1', 'v1'],
        clientConfig: { service: { name: 'pod-identity-webhook', namespace: NS, path: '/mutate', port: 443 } },
        rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
        failurePolicy: 'Ignore',
        sideEffects: 'None',
        timeoutSeconds: 10,
        objectSelector: { matchExpressions: [{ key: 'eks.amazonaws.com/skip-pod-identity-webhook', operator: 'DoesNotExist' }] },
        namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: [NS] }] },
      }],
    });
  });

  test('the container runs /go-runner /webhook with exactly the typed flags', () => {
    expect(objects.container.command).toEqual(['/go-runner', '/webhook']);
    expect(objects.args).toEqual([
      '--in-cluster=false',
      '--namespace=pod-identity-webhook',
      '--service-name=pod-identity-webhook',
      '--port=8443',
      '--metrics-port=9999',
      '--tls-cert=/etc/webhook/certs/tls.crt',
      '--tls-key=/etc/webhook/certs/tls.key',
      '--annotation-prefix=eks.amazonaws.com',
      '--token-audience=sts.amazonaws.com',
      '--token-expiration=86400',
      '--tls-min-version=1.2',
      '--logtostderr',
    ]);
    // Only set when asked for.
    expect(objects.flag('--aws-default-region')).toBeUndefined();
    expect(objects.flag('--sts-regional-endpoint')).toBeUndefined();
  });

  test('the container: image, ports, probes, resources, certificate mount', () => {
    const { args, command, securityContext, ...rest } = objects.container;
    expect(rest).toEqual({
      name: 'pod-identity-webhook',
      image: 'public.ecr.aws/eks/amazon-eks-pod-identity-webhook:v0.6.17',
      imagePullPolicy: 'IfNotPresent',
      ports: [
        { name: 'https', containerPort: 8443, protocol: 'TCP' },
        { name: 'metrics', containerPort: 9999, protocol: 'TCP' },
      ],
      readinessProbe: {
        httpGet: { path: '/healthz', port: 8443, scheme: 'HTTPS' },
        periodSeconds: 5,
        timeoutSeconds: 2,
        failureThreshold: 3,
      },
      livenessProbe: {
        httpGet: { path: '/healthz', port: 8443, scheme: 'HTTPS' },
        initialDelaySeconds: 10,
        periodSeconds: 10,
        timeoutSeconds: 2,
        failureThreshold: 6,
      },
      resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
      volumeMounts: [{ name: 'cert', mountPath: '/etc/webhook/certs', readOnly: true }],
    });
    // The probes use the port the webhook listens on (--port) and the container declares.
    expect(objects.flag('--port')).toBe(`${rest.readinessProbe.httpGet.port}`);
    expect(objects.flag('--metrics-port')).toBe(`${rest.ports[1].containerPort}`);
  });

  test('restricted Pod Security: container and pod security contexts', () => {
    expect(objects.container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 65534,
      runAsGroup: 65534,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(objects.one('Deployment').spec.template.spec.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 65534,
      runAsGroup: 65534,
      fsGroup: 65534,
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test('the Deployment: replicas, selector, pod spec', () => {
    const deployment = objects.one('Deployment');
    const { containers, securityContext, ...podSpec } = deployment.spec.template.spec;
    expect(deployment.metadata).toEqual({ name: 'pod-identity-webhook', namespace: NS, labels: LABELS });
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.selector).toEqual({ matchLabels: SELECTOR });
    expect(deployment.spec.template.metadata).toEqual({ labels: LABELS });
    expect(podSpec).toEqual({
      serviceAccountName: 'pod-identity-webhook',
      automountServiceAccountToken: true,
      priorityClassName: 'system-cluster-critical',
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      topologySpreadConstraints: [{
        maxSkew: 1,
        topologyKey: 'kubernetes.io/hostname',
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchLabels: SELECTOR },
      }],
      volumes: [{ name: 'cert', secret: { secretName: 'pod-identity-webhook-cert', defaultMode: 0o440 } }],
    });
  });

  test('RBAC: read ServiceAccounts only, bound to the webhook\'s ServiceAccount', () => {
    expect(objects.one('ClusterRole')).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'pod-identity-webhook', labels: LABELS },
      rules: [{ apiGroups: [''], resources: ['serviceaccounts'], verbs: ['get', 'watch', 'list'] }],
    });
    expect(objects.one('ClusterRoleBinding')).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'pod-identity-webhook', labels: LABELS },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'pod-identity-webhook' },
      subjects: [{ kind: 'ServiceAccount', name: 'pod-identity-webhook', namespace: NS }],
    });
    // No namespaced Role: the upstream secrets and CSR rules belong to the dead in-cluster mode.
    expect(objects.ofKind('Role')).toEqual([]);
    expect(objects.ofKind('RoleBinding')).toEqual([]);
    expect(objects.one('ServiceAccount')).toEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'pod-identity-webhook', namespace: NS, labels: LABELS },
    });
  });

  test('the Service: 443 to the TLS port, metrics on 9999 over http', () => {
    expect(objects.one('Service')).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'pod-identity-webhook',
        namespace: NS,
        labels: LABELS,
        annotations: {
          'prometheus.io/scrape': 'true',
          'prometheus.io/scheme': 'http',
          'prometheus.io/port': '9999',
          'prometheus.io/path': '/metrics',
        },
      },
      spec: {
        type: 'ClusterIP',
        selector: SELECTOR,
        ports: [
          { name: 'https', port: 443, targetPort: 'https', protocol: 'TCP' },
          { name: 'metrics', port: 9999, targetPort: 'metrics', protocol: 'TCP' },
        ],
      },
    });
  });

  test('the PodDisruptionBudget: at most one pod down', () => {
    expect(objects.one('PodDisruptionBudget')).toEqual({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'pod-identity-webhook', namespace: NS, labels: LABELS },
      spec: { maxUnavailable: 1, selector: { matchLabels: SELECTOR } },
    });
  });

  test('cert-manager: selfSigned Issuer -> CA Certificate -> CA Issuer -> serving Certificate', () => {
    expect(objects.named('Issuer', 'pod-identity-webhook-selfsigned')).toEqual({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Issuer',
      metadata: { name: 'pod-identity-webhook-selfsigned', namespace: NS, labels: LABELS },
      spec: { selfSigned: {} },
    });
    expect(objects.named('Certificate', 'pod-identity-webhook-ca')).toEqual({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: 'pod-identity-webhook-ca', namespace: NS, labels: LABELS },
      spec: {
        isCA: true,
        commonName: 'pod-identity-webhook-ca',
        secretName: 'pod-identity-webhook-ca',
        duration: '87600h',
        renewBefore: '4320h',
        privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Never' },
        usages: ['cert sign', 'crl sign', 'digital signature'],
        issuerRef: { name: 'pod-identity-webhook-selfsigned', kind: 'Issuer', group: 'cert-manager.io' },
      },
    });
    expect(objects.named('Issuer', 'pod-identity-webhook-ca')).toEqual({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Issuer',
      metadata: { name: 'pod-identity-webhook-ca', namespace: NS, labels: LABELS },
      spec: { ca: { secretName: 'pod-identity-webhook-ca' } },
    });
    expect(objects.named('Certificate', 'pod-identity-webhook')).toEqual({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: 'pod-identity-webhook', namespace: NS, labels: LABELS },
      spec: {
        secretName: 'pod-identity-webhook-cert',
        commonName: 'pod-identity-webhook.pod-identity-webhook.svc',
        dnsNames: [
          'pod-identity-webhook',
          'pod-identity-webhook.pod-identity-webhook',
          'pod-identity-webhook.pod-identity-webhook.svc',
          'pod-identity-webhook.pod-identity-webhook.svc.cluster.local',
        ],
        duration: '2160h',
        renewBefore: '360h',
        privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
        usages: ['server auth', 'digital signature'],
        issuerRef: { name: 'pod-identity-webhook-ca', kind: 'Issuer', group: 'cert-manager.io' },
      },
    });
  });

  test('the CA outlives the serving certificate by more than its renewal margin, so a renewed CA reaches the caBundle in time', () => {
    const hours = (d: string) => Number(/^(\d+)h$/.exec(d)![1]);
    const ca = objects.named('Certificate', 'pod-identity-webhook-ca').spec;
    const serving = objects.named('Certificate', 'pod-identity-webhook').spec;
    expect(hours(ca.renewBefore)).toBeGreaterThan(hours(serving.duration));
    expect(hours(serving.renewBefore)).toBeLessThan(hours(serving.duration));
  });

  test('the Deployment is the default child; the construct exposes names and objects', () => {
    const { webhook } = webhookChart();
    expect(webhook.node.defaultChild).toBe(webhook.deployment);
    expect(webhook.deployment).toBeInstanceOf(kplus.k8s.KubeDeployment);
    expect(webhook.mutatingWebhookConfiguration).toBeInstanceOf(kplus.k8s.KubeMutatingWebhookConfiguration);
    expect([webhook.namespace, webhook.name, webhook.tokenAudience, webhook.awsDefaultRegion, webhook.image, webhook.servingCertificateSecretName])
      .toEqual([NS, 'pod-identity-webhook', 'sts.amazonaws.com', undefined, 'public.ecr.aws/eks/amazon-eks-pod-identity-webhook:v0.6.17',
        'pod-identity-webhook-cert']);
    expect(webhook.namespaceConstruct!.name).toBe(NS);
    expect(webhook.node.children.map(c => c.node.id)).toEqual(['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'SelfSignedIssuer',
      'CaCertificate', 'CaIssuer', 'ServingCertificate', 'Service', 'Resource', 'PodDisruptionBudget', 'MutatingWebhookConfiguration']);
  });

  test('the YAML file an app writes holds the same valid objects, without tokens', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'webhook-test-')) });
    new k8s.PodIdentityWebhook(new Chart(app, 'webhook'), 'Webhook');
    const yaml = app.synthYaml();
    expect(yaml).not.toMatch(/Token\[/);
    const documents = parseYamlDocuments(yaml);
    validateKubernetesObjects(documents, CERT_MANAGER_VALIDATORS);
    expect(documents).toEqual(objects.all);
  });

  test('snapshot of the default output', () => {
    expect(objects.all).toMatchSnapshot();
  });
});

/** Checks that the objects of one webhook refer to each other by the right names, from the output alone. */
function expectConsistent(objects: Objects): void {
  const deployment = objects.one('Deployment');
  const service = objects.one('Service');
  const config = objects.one('MutatingWebhookConfiguration');
  const serviceAccount = objects.one('ServiceAccount');
  const ns = deployment.metadata.namespace;
  const webhook = config.webhooks[0];
  const podSpec = deployment.spec.template.spec;

  // Namespace: every namespaced object, the flag, the client config, the binding, the namespace selector.
  for (const o of objects.all.filter(x => !['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'MutatingWebhookConfiguration'].includes(x.kind))) {
    expect(`${o.kind} ${o.metadata.name} in ${o.metadata.namespace}`).toBe(`${o.kind} ${o.metadata.name} in ${ns}`);
  }
  for (const o of objects.all.filter(x => ['ClusterRole', 'ClusterRoleBinding', 'MutatingWebhookConfiguration'].includes(x.kind))) {
    expect(o.metadata.namespace).toBeUndefined();
  }
  expect(objects.flag('--namespace')).toBe(ns);
  expect(webhook.namespaceSelector.matchExpressions).toEqual([{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: [ns] }]);
  const namespaces = objects.ofKind('Namespace');
  if (namespaces.length > 0) expect(namespaces.map(n => n.metadata.name)).toContain(ns);

  // Service <-> client config <-> --service-name; Service ports -> container ports; selector -> pod labels.
  expect(webhook.clientConfig.service).toEqual({ name: service.metadata.name, namespace: ns, path: '/mutate', port: 443 });
  expect(objects.flag('--service-name')).toBe(service.metadata.name);
  const containerPorts = objects.container.ports as Array<{ name: string; containerPort: number }>;
  const servicePort = service.spec.ports.find((p: { port: number }) => p.port === webhook.clientConfig.service.port);
  const target = containerPorts.find(p => p.name === servicePort.targetPort);
  expect(target).toBeDefined();
  expect(objects.flag('--port')).toBe(`${target!.containerPort}`);
  for (const probe of [objects.container.readinessProbe, objects.container.livenessProbe]) {
    expect(probe.httpGet).toEqual({ path: '/healthz', port: target!.containerPort, scheme: 'HTTPS' });
  }
  const metrics = service.spec.ports.find((p: { name: string }) => p.name === 'metrics');
  expect(containerPorts.find(p => p.name === metrics.targetPort)!.containerPort).toBe(Number(objects.flag('--metrics-port')));
  expect(service.metadata.annotations['prometheus.io/port']).toBe(objects.flag('--metrics-port'));
  const podLabels = deployment.spec.template.metadata.labels;
  for (const selector of [service.spec.selector, deployment.spec.selector.matchLabels, objects.one('PodDisruptionBudget').spec.selector.matchLabels,
    podSpec.topologySpreadConstraints[0].labelSelector.matchLabels]) {
    expect(podLabels).toEqual(expect.objectContaining(selector));
  }

  // Serving Certificate <-> inject-ca-from <-> mounted Secret; its DNS names are the Service's.
  const certificates = objects.ofKind('Certificate');
  const [servingName] = config.metadata.annotations['cert-manager.io/inject-ca-from'].split('/').slice(1);
  expect(config.metadata.annotations['cert-manager.io/inject-ca-from']).toBe(`${ns}/${servingName}`);
  const serving = objects.named('Certificate', servingName);
  const certVolume = podSpec.volumes.find((v: { name: string }) => v.name === objects.container.volumeMounts[0].name);
  expect(certVolume.secret.secretName).toBe(serving.spec.secretName);
  expect(objects.container.volumeMounts[0].mountPath).toBe('/etc/webhook/certs');
  expect(objects.flag('--tls-cert')).toBe('/etc/webhook/certs/tls.crt');
  expect(objects.flag('--tls-key')).toBe('/etc/webhook/certs/tls.key');
  const svc = service.metadata.name;
  expect(serving.spec.commonName).toBe(`${svc}.${ns}.svc`);
  expect(serving.spec.dnsNames).toEqual([svc, `${svc}.${ns}`, `${svc}.${ns}.svc`, `${svc}.${ns}.svc.cluster.local`]);

  // The chain: serving <- CA Issuer <- CA Certificate's Secret; CA Certificate <- selfSigned Issuer.
  const caIssuer = objects.named('Issuer', serving.spec.issuerRef.name);
  expect(serving.spec.issuerRef.kind).toBe('Issuer');
  const caCertificate = certificates.find(c => c.spec.secretName === caIssuer.spec.ca.secretName)!;
  expect(caCertificate).toBeDefined();
  expect(caCertificate.spec.isCA).toBe(true);
  expect(caCertificate.metadata.name).not.toBe(serving.metadata.name);
  expect(caCertificate.spec.secretName).not.toBe(serving.spec.secretName);
  const selfSigned = objects.named('Issuer', caCertificate.spec.issuerRef.name);
  expect(caCertificate.spec.issuerRef.kind).toBe('Issuer');
  expect(selfSigned.spec).toEqual({ selfSigned: {} });

  // ServiceAccount <-> binding <-> Deployment; binding -> ClusterRole.
  const binding = objects.one('ClusterRoleBinding');
  expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: serviceAccount.metadata.name, namespace: ns }]);
  expect(podSpec.serviceAccountName).toBe(serviceAccount.metadata.name);
  expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: objects.one('ClusterRole').metadata.name });
}

describe('names agree across objects', () => {
  test('default webhook', () => {
    expectConsistent(webhookObjects());
  });

  test('another namespace and name change every place they must, and nothing else', () => {
    const objects = webhookObjects({ namespace: 'identity', name: 'irsa' });
    expectConsistent(objects);
    expect(objects.all.map(o => `${o.kind} ${o.metadata.namespace ?? '-'}/${o.metadata.name}`)).toEqual([
      'Namespace -/identity',
      'ServiceAccount identity/irsa',
      'ClusterRole -/irsa',
      'ClusterRoleBinding -/irsa',
      'Issuer identity/irsa-selfsigned',
      'Certificate identity/irsa-ca',
      'Issuer identity/irsa-ca',
      'Certificate identity/irsa',
      'Service identity/irsa',
      'Deployment identity/irsa',
      'PodDisruptionBudget identity/irsa',
      'MutatingWebhookConfiguration -/irsa',
    ]);
    expect(objects.named('Certificate', 'irsa').spec.commonName).toBe('irsa.identity.svc');
    expect(objects.named('Certificate', 'irsa').spec.dnsNames)
      .toEqual(['irsa', 'irsa.identity', 'irsa.identity.svc', 'irsa.identity.svc.cluster.local']);
    expect(objects.one('MutatingWebhookConfiguration').metadata.annotations).toEqual({ 'cert-manager.io/inject-ca-from': 'identity/irsa' });
    expect(objects.one('MutatingWebhookConfiguration').webhooks[0].clientConfig.service)
      .toEqual({ name: 'irsa', namespace: 'identity', path: '/mutate', port: 443 });
    expect(objects.flag('--namespace')).toBe('identity');
    expect(objects.flag('--service-name')).toBe('irsa');
    expect(objects.one('Deployment').spec.template.spec.volumes[0].secret.secretName).toBe('irsa-cert');
    // The default names are gone: what still says pod-identity-webhook are upstream's fixed names.
    expect([...new Set(allStrings(objects.all).filter(s => s.includes('pod-identity-webhook')))].sort()).toEqual([
      'amazon-eks-pod-identity-webhook',
      'eks.amazonaws.com/skip-pod-identity-webhook',
      'pod-identity-webhook',
      'pod-identity-webhook.amazonaws.com',
      'public.ecr.aws/eks/amazon-eks-pod-identity-webhook:v0.6.17',
    ]);
    expect(objects.container.name).toBe('pod-identity-webhook');
    expect(allStrings(objects.all).filter(s => s === 'default' || s.includes('.default'))).toEqual([]);
  });

  test('kube-system works too (with createNamespace: false, as it exists)', () => {
    const objects = webhookObjects({ namespace: 'kube-system', createNamespace: false });
    expectConsistent(objects);
    expect(objects.ofKind('Namespace')).toEqual([]);
    expect(objects.one('MutatingWebhookConfiguration').webhooks[0].namespaceSelector.matchExpressions[0].values).toEqual(['kube-system']);
  });

  test('a chart with a namespace: namespaced objects keep the webhook\'s, cluster-wide objects get none', () => {
    // createNamespace: false, as the Namespace object (src/k8s/namespace.ts) is not the webhook's to fix here.
    const objects = webhookObjects({ namespace: 'identity', createNamespace: false }, { namespace: 'apps' });
    expectConsistent(objects);
    expect(objects.all.filter(o => o.metadata.namespace === 'apps')).toEqual([]);
    expect(objects.all.filter(o => o.metadata.namespace === undefined).map(o => o.kind))
      .toEqual(['ClusterRole', 'ClusterRoleBinding', 'MutatingWebhookConfiguration']);
  });

  test('with a chart namespace the webhook in it needs no namespace of its own', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'apps' });
    new k8s.PodIdentityWebhook(chart, 'Webhook', { namespace: 'apps', createNamespace: false });
    expectConsistent(synthObjects(chart));
  });
});

describe('Namespace', () => {
  test('createNamespace: false emits none', () => {
    const { chart, webhook } = webhookChart({ createNamespace: false });
    expect(webhook.namespaceConstruct).toBeUndefined();
    expect(synthObjects(chart).ofKind('Namespace')).toEqual([]);
  });

  test('the Namespace is shared with a ServiceAccount of the chart that asks for it, and comes first', () => {
    const chart = Testing.chart();
    const sa = new k8s.ServiceAccount(chart, 'Other', { name: 'other', namespace: 'identity', createNamespace: true });
    const webhook = new k8s.PodIdentityWebhook(chart, 'Webhook', { namespace: 'identity' });
    expect(webhook.namespaceConstruct).toBe(sa.namespaceConstruct);
    const objects = synthObjects(chart);
    expect(objects.ofKind('Namespace')).toHaveLength(1);
    expect(objects.all[0].kind).toBe('Namespace');
  });
});

describe('options', () => {
  test('audience, prefix, region, regional STS, expiration and TLS version become flags', () => {
    const objects = webhookObjects({
      tokenAudience: 'awssts',
      annotationPrefix: 'irsa.example.com',
      awsDefaultRegion: 'eu-central-2',
      stsRegionalEndpoint: true,
      tokenExpiration: Duration.hours(1),
      tlsMinVersion: k8s.TlsVersion.TLS_1_3,
    });
    expect(objects.args).toEqual([
      '--in-cluster=false',
      '--namespace=pod-identity-webhook',
      '--service-name=pod-identity-webhook',
      '--port=8443',
      '--metrics-port=9999',
      '--tls-cert=/etc/webhook/certs/tls.crt',
      '--tls-key=/etc/webhook/certs/tls.key',
      '--annotation-prefix=irsa.example.com',
      '--token-audience=awssts',
      '--token-expiration=3600',
      '--aws-default-region=eu-central-2',
      '--sts-regional-endpoint=true',
      '--tls-min-version=1.3',
      '--logtostderr',
    ]);
  });

  test('stsRegionalEndpoint: false writes no flag; token expiration bounds are accepted', () => {
    expect(webhookObjects({ stsRegionalEndpoint: false, tokenExpiration: Duration.seconds(600) }).args)
      .toEqual(expect.not.arrayContaining([expect.stringMatching(/^--sts-regional-endpoint/)]));
    expect(webhookObjects({ tokenExpiration: Duration.minutes(10) }).flag('--token-expiration')).toBe('600');
    expect(webhookObjects({ tokenExpiration: Duration.days(1) }).flag('--token-expiration')).toBe('86400');
  });

  test('failure policy, timeout and replicas', () => {
    const objects = webhookObjects({ failurePolicy: k8s.WebhookFailurePolicy.FAIL, timeout: Duration.seconds(30), replicas: 3 });
    const webhook = objects.one('MutatingWebhookConfiguration').webhooks[0];
    expect([webhook.failurePolicy, webhook.timeoutSeconds]).toEqual(['Fail', 30]);
    expect(objects.one('Deployment').spec.replicas).toBe(3);
    expect(webhookObjects({ timeout: Duration.seconds(1), replicas: 1 }).one('MutatingWebhookConfiguration').webhooks[0].timeoutSeconds).toBe(1);
  });

  test('ports: the flag, container ports, probes, Service and its metrics annotation follow', () => {
    const objects = webhookObjects({ port: 10250, metricsPort: 10251 });
    expectConsistent(objects);
    expect(objects.flag('--port')).toBe('10250');
    expect(objects.flag('--metrics-port')).toBe('10251');
    expect(objects.container.ports).toEqual([
      { name: 'https', containerPort: 10250, protocol: 'TCP' },
      { name: 'metrics', containerPort: 10251, protocol: 'TCP' },
    ]);
    expect(objects.one('Service').spec.ports).toEqual([
      { name: 'https', port: 443, targetPort: 'https', protocol: 'TCP' },
      { name: 'metrics', port: 10251, targetPort: 'metrics', protocol: 'TCP' },
    ]);
    expect(objects.one('Service').metadata.annotations['prometheus.io/port']).toBe('10251');
  });

  test('image, priority class and resources', () => {
    const digest = `registry.example.com:5000/mirror/amazon-eks-pod-identity-webhook@sha256:${'ab'.repeat(32)}`;
    const objects = webhookObjects({
      image: digest,
      priorityClassName: 'platform-critical',
      resources: { cpu: { request: kplus.Cpu.millis(100) }, memory: { request: Size.mebibytes(128), limit: Size.mebibytes(512) } },
    });
    expect(objects.container.image).toBe(digest);
    expect(objects.one('Deployment').spec.template.spec.priorityClassName).toBe('platform-critical');
    // cpu given with a request only: no cpu limit; memory replaced.
    expect(objects.container.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } });
    expect(webhookObjects({ resources: { ephemeralStorage: { request: Size.mebibytes(64) } } }).container.resources).toEqual({
      requests: { 'cpu': '50m', 'memory': '64Mi', 'ephemeral-storage': '64Mi' },
      limits: { cpu: '500m', memory: '256Mi' },
    });
    expect(webhookObjects({ priorityClassName: '' }).one('Deployment').spec.template.spec.priorityClassName).toBeUndefined();
  });

  test('image references with a tag, a digest, or both are accepted', () => {
    for (const image of ['amazon/amazon-eks-pod-identity-webhook:v0.5.7', 'localhost:5000/webhook:dev_1.2-rc.3', 'webhook:1',
      `public.ecr.aws/eks/amazon-eks-pod-identity-webhook:v0.6.17@sha256:${'0'.repeat(64)}`]) {
      expect(webhookObjects({ image }).container.image).toBe(image);
    }
  });
});

describe('cluster defaults', () => {
  test('the cluster\'s default audience and literal region become --token-audience and --aws-default-region', () => {
    const stack = newStack();
    const cluster = testCluster(stack, 'Lab', 'awssts');
    const { chart, webhook } = webhookChart({ cluster });
    const objects = synthObjects(chart);
    expect(objects.flag('--token-audience')).toBe('awssts');
    expect(objects.flag('--aws-default-region')).toBe('eu-west-1');
    expect([webhook.tokenAudience, webhook.awsDefaultRegion]).toEqual(['awssts', 'eu-west-1']);
  });

  test('without a default audience the cluster gives sts.amazonaws.com', () => {
    const cluster = testCluster(newStack(), 'Lab');
    expect(webhookObjects({ cluster }).flag('--token-audience')).toBe('sts.amazonaws.com');
  });

  test('explicit props win over the cluster', () => {
    const cluster = testCluster(newStack(), 'Lab', 'awssts');
    const objects = webhookObjects({ cluster, tokenAudience: 'amazonaws.com', awsDefaultRegion: 'us-gov-west-1' });
    expect(objects.flag('--token-audience')).toBe('amazonaws.com');
    expect(objects.flag('--aws-default-region')).toBe('us-gov-west-1');
  });

  test('a cluster in an environment-agnostic stack gives no region (and no token in the YAML)', () => {
    const cluster = testCluster(newStack({ env: undefined }), 'Lab', 'awssts');
    expect(Token.isUnresolved(cluster.env.region)).toBe(true);
    const objects = webhookObjects({ cluster });
    expect(objects.flag('--aws-default-region')).toBeUndefined();
    expect(objects.flag('--token-audience')).toBe('awssts');
  });
});
