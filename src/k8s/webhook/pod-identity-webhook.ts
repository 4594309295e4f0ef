import type { ApiObject, Duration } from 'cdk8s';
import { Chart, JsonPatch } from 'cdk8s';
import { k8s, type ContainerResources } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { caCertificateProps, servingCertificateProps } from './certificate';
import { clusterRoleProps } from './cluster-role';
import { clusterRoleBindingProps } from './cluster-role-binding';
import { deploymentProps } from './deployment';
import type { TlsVersion, WebhookFailurePolicy } from './enums';
import { caIssuerProps, selfSignedIssuerProps } from './issuer';
import { mutatingWebhookConfigurationProps } from './mutating-webhook-configuration';
import { podDisruptionBudgetProps } from './pod-disruption-budget';
import { serviceProps } from './service';
import { webhookSettings } from './settings';
import type { IWorkloadCluster } from '../../cluster/workload-cluster';
import { subjectFor, subjectOf, type Subject } from '../../private/errors';
import { Certificate, Issuer } from '../imports/cert-manager.io';
import { Namespace } from '../namespace';
import { ServiceAccount } from '../service-account';
import { deployTimeValueErrors } from '../token-boundary';

export * from './enums';

/**
 * Properties of a `PodIdentityWebhook`.
 */
export interface PodIdentityWebhookProps {
  /**
   * The namespace of the webhook's objects (a DNS-1123 label). Any namespace works.
   *
   * Its own namespace by default: the webhook configuration leaves the webhook's namespace alone (so that the webhook's
   * pods never wait for themselves), so pods in that namespace never get AWS credentials from the webhook. In a shared
   * namespace such as `kube-system`, that would silently leave out every add-on there that uses IRSA.
   *
   * @default pod-identity-webhook
   */
  readonly namespace?: string;

  /**
   * Also emit the `v1` Namespace object for `namespace`, shared with other constructs of the chart that ask for it
   * (`Namespace.forChart()`).
   *
   * @default true
   */
  readonly createNamespace?: boolean;

  /**
   * The name of the Service, Deployment, ServiceAccount, ClusterRole, ClusterRoleBinding, PodDisruptionBudget,
   * MutatingWebhookConfiguration and serving Certificate (a DNS-1035 label, as it names a Service). The other objects
   * are named after it: `<name>-selfsigned`, `<name>-ca`, and the serving certificate's Secret `<name>-cert`.
   *
   * The ClusterRole, ClusterRoleBinding and MutatingWebhookConfiguration are cluster-wide: a cluster runs one pod
   * identity webhook.
   *
   * @default pod-identity-webhook
   */
  readonly name?: string;

  /**
   * The cluster the webhook runs on, for defaults: its `defaultAudience` for `tokenAudience`, and its region (the
   * region of its stack) for `awsDefaultRegion` when that is a literal.
   *
   * @default - no defaults from a cluster
   */
  readonly cluster?: IWorkloadCluster;

  /**
   * The audience of the tokens the webhook injects (`--token-audience`) unless a ServiceAccount says otherwise: the
   * client id of the cluster's IAM OIDC provider.
   *
   * @default - the `defaultAudience` of `cluster`, else sts.amazonaws.com
   */
  readonly tokenAudience?: string;

  /**
   * The prefix of the ServiceAccount and pod annotations the webhook reads (`--annotation-prefix`), a DNS-1123
   * subdomain.
   *
   * @default eks.amazonaws.com
   */
  readonly annotationPrefix?: string;

  /**
   * The region the webhook puts into `AWS_DEFAULT_REGION` and `AWS_REGION` of the containers it mutates
   * (`--aws-default-region`).
   *
   * @default - the region of `cluster` when it is a literal; else not set, and the containers get no region from the webhook
   */
  readonly awsDefaultRegion?: string;

  /**
   * Make every mutated container use the regional STS endpoint (`--sts-regional-endpoint`, which injects
   * `AWS_STS_REGIONAL_ENDPOINTS=regional`).
   *
   * @default false
   */
  readonly stsRegionalEndpoint?: boolean;

  /**
   * How long the injected tokens are valid unless a ServiceAccount or pod says otherwise (`--token-expiration`): a whole
   * number of seconds from 600 to 86400.
   *
   * @default Duration.seconds(86400)
   */
  readonly tokenExpiration?: Duration;

  /**
   * The lowest TLS version the webhook accepts from the API server (`--tls-min-version`).
   *
   * @default TlsVersion.TLS_1_2
   */
  readonly tlsMinVersion?: TlsVersion;

  /**
   * The container image: an image reference with a tag or a digest, built like upstream's (with `/go-runner` and
   * `/webhook`).
   *
   * @default public.ecr.aws/eks/amazon-eks-pod-identity-webhook:v0.6.17
   */
  readonly image?: string;

  /**
   * The number of webhook pods (at least 1). A PodDisruptionBudget lets at most one be evicted at a time.
   *
   * @default 2
   */
  readonly replicas?: number;

  /**
   * What the API server does with a pod when it cannot call the webhook.
   *
   * @default WebhookFailurePolicy.IGNORE (as upstream: pods are admitted without credentials from the webhook)
   */
  readonly failurePolicy?: WebhookFailurePolicy;

  /**
   * How long the API server waits for the webhook (`timeoutSeconds`): a whole number of seconds from 1 to 30.
   *
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;

  /**
   * The container's resources. Each of `cpu`, `memory` and `ephemeralStorage` given replaces its default (request and
   * limit together: give only a request to have no limit).
   *
   * @default - cpu request 50m and limit 500m, memory request 64Mi and limit 256Mi, no ephemeral storage
   */
  readonly resources?: ContainerResources;

  /**
   * The priority class of the webhook's pods. An empty string sets none.
   *
   * @default system-cluster-critical
   */
  readonly priorityClassName?: string;

  /**
   * The container's TLS port (`--port`), which the Service's port 443 targets: an unprivileged port (1024 to 65535), as
   * the container runs as a non-root user without capabilities.
   *
   * @default 8443
   */
  readonly port?: number;

  /**
   * The container's metrics port (`--metrics-port`, plain HTTP, path `/metrics`), also a port of the Service
   * (1024 to 65535).
   *
   * @default 9999
   */
  readonly metricsPort?: number;
}

/**
 * The amazon-eks-pod-identity-webhook, for clusters that are not EKS (EKS runs its own): it mutates pods whose
 * ServiceAccount has an `eks.amazonaws.com/role-arn` annotation so that they get a projected token and the AWS SDK
 * environment for IRSA.
 *
 * Emits, in the webhook's namespace: the Namespace (optional), a ServiceAccount, a Deployment (construct id `Resource`),
 * a Service, a PodDisruptionBudget and cert-manager's chain of a selfSigned Issuer, a CA Certificate, a CA Issuer and
 * the serving Certificate; cluster-wide: a ClusterRole (read ServiceAccounts), its ClusterRoleBinding and the
 * MutatingWebhookConfiguration, whose caBundle cert-manager's cainjector fills. cert-manager must be installed.
 */
export class PodIdentityWebhook extends Construct {
  /** The namespace of the webhook's objects. */
  public readonly namespace: string;
  /** The name of the webhook's Service, Deployment, ServiceAccount and cluster-wide objects. */
  public readonly name: string;
  /** The audience of the tokens the webhook injects (`--token-audience`). */
  public readonly tokenAudience: string;
  /** The region the webhook injects (`--aws-default-region`), if any. */
  public readonly awsDefaultRegion?: string;
  /** The container image. */
  public readonly image: string;
  /** The name of the Secret that holds the serving certificate, mounted by the Deployment. */
  public readonly servingCertificateSecretName: string;

  /** The chart's Namespace, when `createNamespace` is true (shared with other constructs of the namespace). */
  public readonly namespaceConstruct?: Namespace;
  /** The webhook's ServiceAccount. */
  public readonly serviceAccount: ServiceAccount;
  /** The ClusterRole (`k8s.KubeClusterRole`). */
  public readonly clusterRole: ApiObject;
  /** The ClusterRoleBinding (`k8s.KubeClusterRoleBinding`). */
  public readonly clusterRoleBinding: ApiObject;
  /** The selfSigned cert-manager Issuer, which signs the CA certificate. */
  public readonly selfSignedIssuer: ApiObject;
  /** The cert-manager CA Certificate. */
  public readonly caCertificate: ApiObject;
  /** The cert-manager CA Issuer, which signs the serving certificate. */
  public readonly caIssuer: ApiObject;
  /** The cert-manager serving Certificate for the Service's DNS names. */
  public readonly servingCertificate: ApiObject;
  /** The Service (`k8s.KubeService`). */
  public readonly service: ApiObject;
  /** The Deployment (`k8s.KubeDeployment`, construct id `Resource`). */
  public readonly deployment: ApiObject;
  /** The PodDisruptionBudget (`k8s.KubePodDisruptionBudget`). */
  public readonly podDisruptionBudget: ApiObject;
  /** The MutatingWebhookConfiguration (`k8s.KubeMutatingWebhookConfiguration`). */
  public readonly mutatingWebhookConfiguration: ApiObject;

  private readonly subject: Subject;

  public constructor(scope: Construct, id: string, props: PodIdentityWebhookProps = {}) {
    // Every check runs before anything is added to the tree.
    const settings = webhookSettings(subjectFor('PodIdentityWebhook', scope, id), props ?? {});
    super(scope, id);
    this.subject = subjectOf('PodIdentityWebhook', this);
    this.namespace = settings.namespace;
    this.name = settings.name;
    this.tokenAudience = settings.tokenAudience;
    this.awsDefaultRegion = settings.awsDefaultRegion;
    this.image = settings.image;
    this.servingCertificateSecretName = settings.names.servingSecret;

    if (props.createNamespace ?? true) this.namespaceConstruct = Namespace.forChart(this, settings.namespace);

    // Created, and written, in the order they are applied: identity and RBAC, the certificates (each issuer before what
    // it signs), the Service and the workload, and last the webhook configuration that sends pods to them.
    this.serviceAccount = new ServiceAccount(this, 'ServiceAccount', {
      name: settings.names.serviceAccount,
      namespace: settings.namespace,
      labels: settings.labels,
    });
    this.clusterRole = this.clusterWide(new k8s.KubeClusterRole(this, 'ClusterRole', clusterRoleProps(settings)));
    this.clusterRoleBinding = this.clusterWide(new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', clusterRoleBindingProps(settings)));

    this.selfSignedIssuer = new Issuer(this, 'SelfSignedIssuer', selfSignedIssuerProps(settings));
    this.caCertificate = new Certificate(this, 'CaCertificate', caCertificateProps(settings));
    this.caIssuer = new Issuer(this, 'CaIssuer', caIssuerProps(settings));
    this.servingCertificate = new Certificate(this, 'ServingCertificate', servingCertificateProps(settings));

    this.service = new k8s.KubeService(this, 'Service', serviceProps(settings));
    this.deployment = new k8s.KubeDeployment(this, 'Resource', deploymentProps(settings));
    this.podDisruptionBudget = new k8s.KubePodDisruptionBudget(this, 'PodDisruptionBudget', podDisruptionBudgetProps(settings));

    this.mutatingWebhookConfiguration = this.clusterWide(new k8s.KubeMutatingWebhookConfiguration(this,
      'MutatingWebhookConfiguration', mutatingWebhookConfigurationProps(settings)));

    const ordered = [this.serviceAccount.apiObject, this.clusterRole, this.clusterRoleBinding, this.selfSignedIssuer, this.caCertificate,
      this.caIssuer, this.servingCertificate, this.service, this.deployment, this.podDisruptionBudget, this.mutatingWebhookConfiguration];
    ordered.forEach((object, i) => { if (i > 0) object.addDependency(ordered[i - 1]); });

    const literals: Array<[string, string | undefined]> = [
      ['namespace', settings.namespace],
      ['name', settings.name],
      ['tokenAudience', settings.tokenAudience],
      ['awsDefaultRegion', settings.awsDefaultRegion],
      ['annotationPrefix', settings.annotationPrefix],
      ['image', settings.image],
      ['priorityClassName', settings.priorityClassName],
    ];
    this.node.addValidation({
      validate: () => deployTimeValueErrors(this, literals.filter((entry): entry is [string, string] => entry[1] !== undefined),
        (field, value) => `${this.subject.kind} ${this.subject.path}: ${field} is known only at deploy time (${value}), expected a ` +
          'literal value in a chart written as YAML; use a literal value; or, to keep the token, deploy the chart through ' +
          'CloudFormation: call ServiceAccount.allowDeployTimeValues(chart), then cluster.addCdk8sChart(id, chart)'),
    });
  }

  /** A cluster-scoped object has no namespace, even in a chart that has one (cdk8s gives every object the chart's). */
  private clusterWide(object: ApiObject): ApiObject {
    if (Chart.of(this).namespace !== undefined) object.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    return object;
  }
}
