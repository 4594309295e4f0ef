import { Token } from 'aws-cdk-lib';
import { Duration, Testing } from 'cdk8s';
import { testCluster, webhookObjects } from './fixtures';
import { k8s } from '../../../src';
import { expectError, validationErrors } from '../../util/errors';
import { newStack } from '../../util/fixtures';

const SUBJECT = 'PodIdentityWebhook test/Webhook';
const DNS_LABEL_RULE = "1 to 63 characters: lowercase letters, digits and '-', starting and ending with a letter or digit";
const DNS1035_RULE = "1 to 63 characters: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit; " +
  "the name is also the name of the webhook's Service";
const SUBDOMAIN_RULE = "1 to 253 characters: lowercase letters, digits, '-' and '.', each dot-separated part starting and ending with a letter or digit";
const AUDIENCE_RULE = "a non-empty audience without whitespace: the client id of the cluster's IAM OIDC provider";
const EXPIRATION_RULE = 'a whole number of seconds from 600 to 86400 (the webhook raises shorter ones to 600 seconds; the API server caps ' +
  'longer ones at its --service-account-max-token-expiration)';
const TIMEOUT_RULE = "a whole number of seconds from 1 to 30 (the API server's limits on a webhook's timeoutSeconds)";
const PORT_RULE = 'a whole number from 1024 to 65535 (an unprivileged port: the container runs as a non-root user without capabilities)';
const IMAGE_RULE = '<registry>/<repository>:<tag> or <registry>/<repository>@<algorithm>:<digest>, ' +
  'e.g. public.ecr.aws/eks/amazon-eks-pod-identity-webhook:v0.6.17';

/** Asserts that a webhook with `props` fails with `<subject>: <message>` and leaves nothing in the chart. */
function expectWebhookError(props: unknown, message: string): void {
  const chart = Testing.chart();
  expectError(() => new k8s.PodIdentityWebhook(chart, 'Webhook', props as k8s.PodIdentityWebhookProps), `${SUBJECT}: ${message}`);
  expect(chart.node.children).toEqual([]);
}

describe('names', () => {
  test('namespace is a DNS-1123 label', () => {
    expectWebhookError({ namespace: 'Identity_NS' }, `namespace "Identity_NS" is not a DNS-1123 label, expected ${DNS_LABEL_RULE}`);
    expectWebhookError({ namespace: 'a'.repeat(64) },
      `namespace "${'a'.repeat(64)}" is not a DNS-1123 label (it has 64 characters), expected ${DNS_LABEL_RULE}`);
    expectWebhookError({ namespace: '' }, `namespace "" is not a DNS-1123 label, expected ${DNS_LABEL_RULE}`);
    expectWebhookError({ namespace: 7 }, 'namespace is 7 (number), expected a string');
  });

  test('name is a DNS-1035 label, as it names the Service', () => {
    expectWebhookError({ name: '1webhook' }, `name "1webhook" is not a DNS-1035 label, expected ${DNS1035_RULE}`);
    expectWebhookError({ name: 'pod.identity' }, `name "pod.identity" is not a DNS-1035 label, expected ${DNS1035_RULE}`);
    expectWebhookError({ name: 'w'.repeat(64) }, `name "${'w'.repeat(64)}" is not a DNS-1035 label (it has 64 characters), expected ${DNS1035_RULE}`);
    expectWebhookError({ name: 42 }, 'name is 42 (number), expected a string');
    // null is "not given" (jsii languages pass null for a missing value): the default applies.
    expect(webhookObjects({ name: null } as unknown as k8s.PodIdentityWebhookProps).one('Service').metadata.name).toBe('pod-identity-webhook');
  });

  test('the serving certificate\'s common name fits X.509\'s 64 characters', () => {
    const name = 'w'.repeat(30);
    const namespace = 'n'.repeat(30);
    expectWebhookError({ name, namespace }, `the serving certificate's common name "${name}.${namespace}.svc" (<name>.<namespace>.svc) has 65 characters, ` +
      'expected at most 64 characters, the X.509 limit on a common name; choose a shorter name or namespace');
    // 64 characters are fine.
    expect(webhookObjects({ name, namespace: 'n'.repeat(29) }).named('Certificate', name).spec.commonName).toHaveLength(64);
  });

  test('annotationPrefix and priorityClassName are DNS-1123 subdomains', () => {
    expectWebhookError({ annotationPrefix: 'EKS.amazonaws.com' }, `annotationPrefix "EKS.amazonaws.com" is not a DNS-1123 subdomain, expected ${SUBDOMAIN_RULE}`);
    expectWebhookError({ annotationPrefix: 'eks.amazonaws.com/' }, `annotationPrefix "eks.amazonaws.com/" is not a DNS-1123 subdomain, expected ${SUBDOMAIN_RULE}`);
    expectWebhookError({ priorityClassName: 'Critical' }, `priorityClassName "Critical" is not a DNS-1123 subdomain, expected ${SUBDOMAIN_RULE}`);
  });
});

describe('token settings', () => {
  test('tokenAudience is not empty and has no whitespace', () => {
    expectWebhookError({ tokenAudience: '' }, `tokenAudience is empty, expected ${AUDIENCE_RULE}`);
    expectWebhookError({ tokenAudience: 'sts amazonaws.com' }, `tokenAudience "sts amazonaws.com" contains whitespace, expected ${AUDIENCE_RULE}`);
    expectWebhookError({ tokenAudience: 'sts.amazonaws.com\n' }, `tokenAudience "sts.amazonaws.com\\n" contains whitespace, expected ${AUDIENCE_RULE}`);
  });

  test('an audience from the cluster is checked too, and named as such', () => {
    const cluster = testCluster(newStack(), 'Lab', 'aws sts');
    expectWebhookError({ cluster }, `the defaultAudience of cluster Test/Lab "aws sts" contains whitespace, expected ${AUDIENCE_RULE}`);
    // An explicit audience replaces it, so it is not checked.
    expect(webhookObjects({ cluster, tokenAudience: 'awssts' }).flag('--token-audience')).toBe('awssts');
  });

  test('tokenExpiration is a whole number of seconds from 600 to 86400', () => {
    expectWebhookError({ tokenExpiration: Duration.seconds(599) }, `tokenExpiration is 599 seconds, expected ${EXPIRATION_RULE}`);
    expectWebhookError({ tokenExpiration: Duration.seconds(86401) }, `tokenExpiration is 86401 seconds, expected ${EXPIRATION_RULE}`);
    expectWebhookError({ tokenExpiration: Duration.millis(600500) }, `tokenExpiration is 600.5 seconds, expected ${EXPIRATION_RULE}`);
    expectWebhookError({ tokenExpiration: 3600 }, 'tokenExpiration is 3600 (number), expected a cdk8s Duration, e.g. Duration.seconds(600)');
  });

  test('awsDefaultRegion is a region name; stsRegionalEndpoint a boolean', () => {
    expectWebhookError({ awsDefaultRegion: 'EU-WEST-1' }, 'awsDefaultRegion "EU-WEST-1" is not an AWS region name, expected a region name such as us-east-1 or eu-central-2');
    expectWebhookError({ awsDefaultRegion: 'eu-west' }, 'awsDefaultRegion "eu-west" is not an AWS region name, expected a region name such as us-east-1 or eu-central-2');
    expectWebhookError({ stsRegionalEndpoint: 'true' }, 'stsRegionalEndpoint is "true" (string), expected true or false');
    expectWebhookError({ createNamespace: 'false' }, 'createNamespace is "false" (string), expected true or false');
  });
});

describe('webhook and TLS settings', () => {
  test('tlsMinVersion is a TlsVersion', () => {
    expectWebhookError({ tlsMinVersion: '1.1' }, 'tlsMinVersion is "1.1", expected one of TlsVersion.TLS_1_2 ("1.2"), TlsVersion.TLS_1_3 ("1.3")');
    expectWebhookError({ tlsMinVersion: 'VersionTLS12' },
      'tlsMinVersion is "VersionTLS12", expected one of TlsVersion.TLS_1_2 ("1.2"), TlsVersion.TLS_1_3 ("1.3")');
  });

  test('failurePolicy is a WebhookFailurePolicy (JavaScript callers can pass any string)', () => {
    expectWebhookError({ failurePolicy: 'ignore' },
      'failurePolicy is "ignore", expected one of WebhookFailurePolicy.IGNORE ("Ignore"), WebhookFailurePolicy.FAIL ("Fail")');
    expectWebhookError({ failurePolicy: 1 },
      'failurePolicy is 1, expected one of WebhookFailurePolicy.IGNORE ("Ignore"), WebhookFailurePolicy.FAIL ("Fail")');
  });

  test('timeout is a whole number of seconds from 1 to 30', () => {
    expectWebhookError({ timeout: Duration.seconds(0) }, `timeout is 0 seconds, expected ${TIMEOUT_RULE}`);
    expectWebhookError({ timeout: Duration.seconds(31) }, `timeout is 31 seconds, expected ${TIMEOUT_RULE}`);
    expectWebhookError({ timeout: Duration.millis(1500) }, `timeout is 1.5 seconds, expected ${TIMEOUT_RULE}`);
  });
});

describe('workload settings', () => {
  test('image is a reference with a tag or a digest', () => {
    expectWebhookError({ image: 'public.ecr.aws/eks/amazon-eks-pod-identity-webhook' },
      `image "public.ecr.aws/eks/amazon-eks-pod-identity-webhook" has neither a tag nor a digest, expected ${IMAGE_RULE}; ` +
      'pin a release tag or a digest: an image without one is whatever :latest is when a node pulls it');
    expectWebhookError({ image: 'public.ecr.aws/EKS/webhook:v1' }, `image "public.ecr.aws/EKS/webhook:v1" is not an image reference, expected ${IMAGE_RULE}`);
    expectWebhookError({ image: 'webhook:v1 ' }, `image "webhook:v1 " is not an image reference, expected ${IMAGE_RULE}`);
    expectWebhookError({ image: 'webhook@sha256:abc' }, `image "webhook@sha256:abc" is not an image reference, expected ${IMAGE_RULE}`);
    expectWebhookError({ image: '' }, `image "" is not an image reference, expected ${IMAGE_RULE}`);
  });

  test('replicas is a whole number of at least 1', () => {
    expectWebhookError({ replicas: 0 }, 'replicas is 0, expected a whole number of at least 1');
    expectWebhookError({ replicas: 1.5 }, 'replicas is 1.5, expected a whole number of at least 1');
    expectWebhookError({ replicas: '2' }, 'replicas is "2", expected a whole number of at least 1');
  });

  test('port and metricsPort are different unprivileged ports', () => {
    expectWebhookError({ port: 443 }, `port is 443, expected ${PORT_RULE}`);
    expectWebhookError({ port: 65536 }, `port is 65536, expected ${PORT_RULE}`);
    expectWebhookError({ port: 8443.5 }, `port is 8443.5, expected ${PORT_RULE}`);
    expectWebhookError({ metricsPort: 80 }, `metricsPort is 80, expected ${PORT_RULE}`);
    expectWebhookError({ port: 9999 }, 'port and metricsPort are both 9999, expected two different ports: the webhook listens on both; ' +
      'leave metricsPort at 9999, or choose another port');
  });
});

describe('the token boundary', () => {
  test('a value known only at deploy time fails synthesis as YAML, naming the field', () => {
    const audience = Token.asString({ resolve: () => 'sts.amazonaws.com' });
    const chart = Testing.chart();
    new k8s.PodIdentityWebhook(chart, 'Webhook', { tokenAudience: audience });
    expect(validationErrors(() => Testing.synth(chart))).toEqual([
      `[test/Webhook] ${SUBJECT}: tokenAudience is known only at deploy time (${audience}), expected a literal value in a chart written as ` +
      'YAML; use a literal value; or, to keep the token, deploy the chart through CloudFormation: call ServiceAccount.allowDeployTimeValues(chart), ' +
      'then cluster.addCdk8sChart(id, chart)',
    ]);
  });

  test('allowed in a chart deployed through CloudFormation', () => {
    const region = Token.asString({ resolve: () => 'eu-west-1' });
    const chart = Testing.chart();
    k8s.ServiceAccount.allowDeployTimeValues(chart);
    new k8s.PodIdentityWebhook(chart, 'Webhook', { awsDefaultRegion: region });
    const deployment = Testing.synth(chart).find(o => o.kind === 'Deployment');
    expect(deployment.spec.template.spec.containers[0].args).toContain(`--aws-default-region=${region}`);
  });
});
