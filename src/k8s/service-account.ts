import { Lazy, type ApiObject, type Duration } from 'cdk8s';
import { k8s, type IApiEndpoint, type IApiResource, type IServiceAccount, type SubjectConfiguration } from 'cdk8s-plus-28';
import { Construct, type IConstruct } from 'constructs';
import { assertNotWebhookAnnotation, irsaAnnotations, ROLE_ARN_ANNOTATION } from './irsa-annotations';
import { assertAnnotationValue, assertLabelValue, assertQualifiedName } from './metadata-names';
import { Namespace } from './namespace';
import { allowDeployTimeValuesIn, deployTimeValueErrors } from './token-boundary';
import { fail, show, subjectFor, subjectOf, type Subject } from '../private/errors';
import { assertDns1123Label, assertDns1123Subdomain, assertOptionalBoolean } from '../private/names';

/**
 * Settings of a `ServiceAccount` other than its name and namespace.
 */
export interface ServiceAccountOptions {
  /**
   * Labels of the ServiceAccount. Keys are Kubernetes qualified names; values are label values.
   *
   * @default - no labels
   */
  readonly labels?: { [key: string]: string };

  /**
   * Annotations of the ServiceAccount. Keys are Kubernetes qualified names. The `eks.amazonaws.com/` annotations the
   * pod identity webhook reads have typed props (`roleArn`, `audience`, `stsRegionalEndpoints`, `tokenExpiration`),
   * which check their values; giving them here is an error.
   *
   * @default - no annotations
   */
  readonly annotations?: { [key: string]: string };

  /**
   * Whether pods that use this ServiceAccount get a Kubernetes API token mounted.
   *
   * @default - not set; Kubernetes then mounts the API token
   */
  readonly automountServiceAccountToken?: boolean;

  /**
   * Names of Secrets (in the same namespace) used to pull the images of pods that use this ServiceAccount.
   *
   * @default - none
   */
  readonly imagePullSecrets?: string[];

  /**
   * Also emit a `v1` `Namespace` object for `namespace`: one per namespace in the chart, shared by every ServiceAccount
   * that asks for it (`Namespace.forChart()`).
   *
   * @default false
   */
  readonly createNamespace?: boolean;

  /**
   * Labels of the emitted Namespace. Only allowed together with `createNamespace: true`. ServiceAccounts that share
   * the Namespace may give the same label only with the same value.
   *
   * @default - no labels
   */
  readonly namespaceLabels?: { [key: string]: string };
}

/**
 * Properties for `ServiceAccount`.
 */
export interface ServiceAccountProps extends ServiceAccountOptions {
  /**
   * The name of the ServiceAccount (a DNS-1123 subdomain).
   *
   * AWS identities bind to the exact namespace and name, so there is no default.
   */
  readonly name: string;

  /**
   * The namespace of the ServiceAccount (a DNS-1123 label).
   *
   * AWS identities bind to the exact namespace and name, so there is no default.
   */
  readonly namespace: string;

  /**
   * The IAM role that pods using this ServiceAccount assume through IRSA (annotation `eks.amazonaws.com/role-arn`).
   *
   * A literal must be a role ARN the pod identity webhook accepts (`arn:<partition>:iam::<12-digit account>:role/<name>`).
   * A CDK token (for example `role.roleArn`) is allowed only in a chart deployed through CloudFormation:
   * see `ServiceAccount.allowDeployTimeValues`.
   *
   * @default - no IRSA annotations (for example when the workload uses EKS Pod Identity)
   */
  readonly roleArn?: string;

  /**
   * The audience of the projected IRSA token (annotation `eks.amazonaws.com/audience`): the client id of the
   * cluster's IAM OIDC provider. The annotation is written only when it differs from `webhookAudience`, the audience the
   * pod identity webhook injects anyway. Only allowed together with `roleArn`.
   *
   * @default - `webhookAudience`
   */
  readonly audience?: string;

  /**
   * The audience the cluster's pod identity webhook puts into tokens when a ServiceAccount does not say (its
   * `--token-audience`): `sts.amazonaws.com` on EKS; on a self-managed cluster, its webhook's setting.
   *
   * @default sts.amazonaws.com
   */
  readonly webhookAudience?: string;

  /**
   * Whether pods use the regional STS endpoint (annotation `eks.amazonaws.com/sts-regional-endpoints: "true"`).
   * Only allowed together with `roleArn`.
   *
   * @default false
   */
  readonly stsRegionalEndpoints?: boolean;

  /**
   * How long the projected IRSA token is valid (annotation `eks.amazonaws.com/token-expiration`): a whole number
   * of seconds from 600 to 86400. A pod's own `eks.amazonaws.com/token-expiration` annotation wins over this.
   * Only allowed together with `roleArn`.
   *
   * @default - not set; the webhook's `--token-expiration` applies (86400 seconds unless changed)
   */
  readonly tokenExpiration?: Duration;
}

/**
 * A Kubernetes ServiceAccount: the identity that AWS IAM roles are bound to.
 *
 * It can be passed wherever cdk8s-plus takes a service account, for example
 * `new kplus.Deployment(chart, 'Deployment', { serviceAccount, containers })` or
 * `roleBinding.addSubjects(serviceAccount)`.
 */
export class ServiceAccount extends Construct implements IServiceAccount, IApiEndpoint {
  /**
   * Allows the ServiceAccounts in `scope` (usually a chart) to hold values known only at deploy time (CDK tokens,
   * such as `role.roleArn`).
   *
   * Call it for a chart that goes into the cluster through CloudFormation with `cluster.addCdk8sChart(id, chart)`,
   * where the tokens resolve at deploy time, and before that call. Without it, synthesizing the chart fails on
   * tokens, so that no YAML file holds an unresolved `${Token[...]}`. cdk8s runs the same check in `chart.toJson()`
   * (which `addCdk8sChart` uses) as in `app.synth()`, so only this call tells the two apart.
   *
   * @param scope a chart, or any construct whose ServiceAccounts are deployed through CloudFormation
   */
  public static allowDeployTimeValues(scope: IConstruct): void {
    allowDeployTimeValuesIn(scope);
  }

  /** The name of the ServiceAccount. */
  public readonly name: string;
  /** The namespace of the ServiceAccount. */
  public readonly namespace: string;
  /** The IAM role ARN written to the `eks.amazonaws.com/role-arn` annotation by the `roleArn` prop, if given. */
  public readonly roleArn?: string;
  /** Whether pods that use this ServiceAccount get an API token mounted, if set. */
  public readonly automountServiceAccountToken?: boolean;
  /** The API version of the object (`v1`). */
  public readonly apiVersion: string = 'v1';
  /** The API group of the object (`""`, the core group). */
  public readonly apiGroup: string = '';
  /** The kind of the object (`ServiceAccount`). */
  public readonly kind: string = 'ServiceAccount';
  /** The resource type in the Kubernetes API (`serviceaccounts`). */
  public readonly resourceType: string = 'serviceaccounts';
  /** The name of this object in the Kubernetes API (same as `name`). */
  public readonly resourceName?: string;
  /** The cdk8s object that renders the ServiceAccount (construct id `Resource`, a `k8s.KubeServiceAccount`). */
  public readonly apiObject: ApiObject;
  /** The chart's Namespace, when `createNamespace` is true (shared with other ServiceAccounts of the namespace). */
  public readonly namespaceConstruct?: Namespace;
  /** The cdk8s object that renders the Namespace, when `createNamespace` is true. */
  public readonly namespaceObject?: ApiObject;

  private readonly labels = new Map<string, string>();
  private readonly annotations = new Map<string, string>();
  private readonly imagePullSecrets = new Set<string>();
  private readonly subject: Subject;

  public constructor(scope: Construct, id: string, props: ServiceAccountProps) {
    const subject = subjectFor('ServiceAccount', scope, id);
    assertDns1123Subdomain(subject, 'name', props.name);
    assertDns1123Label(subject, 'namespace', props.namespace);
    if (props.namespaceLabels !== undefined && !props.createNamespace) {
      fail(subject, `namespaceLabels (${show(props.namespaceLabels)}) are given for namespace ${show(props.namespace)} without createNamespace`,
        'createNamespace: true with namespaceLabels', 'set createNamespace: true, or label the existing namespace elsewhere');
    }
    const irsa = irsaAnnotations(subject, props);
    // Every check that needs no other construct runs before anything is added to the tree.
    assertOptionalBoolean(subject, 'automountServiceAccountToken', props.automountServiceAccountToken);
    assertOptionalBoolean(subject, 'createNamespace', props.createNamespace);
    for (const [key, value] of Object.entries(props.labels ?? {})) {
      assertQualifiedName(subject, 'label key', key);
      assertLabelValue(subject, `value of label ${show(key)}`, value);
    }
    for (const [key, value] of Object.entries(props.annotations ?? {})) {
      assertQualifiedName(subject, 'annotation key', key);
      assertAnnotationValue(subject, `value of annotation ${show(key)}`, value);
      assertNotWebhookAnnotation(subject, key, value);
    }
    for (const secret of props.imagePullSecrets ?? []) assertDns1123Subdomain(subject, 'image pull secret name', secret);
    for (const [key, value] of Object.entries(props.namespaceLabels ?? {})) {
      assertQualifiedName(subject, 'namespace label key', key);
      assertLabelValue(subject, `value of namespace label ${show(key)}`, value);
    }
    super(scope, id);
    this.subject = subjectOf('ServiceAccount', this);

    this.name = props.name;
    this.namespace = props.namespace;
    this.resourceName = props.name;
    this.roleArn = props.roleArn;
    this.automountServiceAccountToken = props.automountServiceAccountToken;

    this.apiObject = new k8s.KubeServiceAccount(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace },
      automountServiceAccountToken: props.automountServiceAccountToken,
      imagePullSecrets: Lazy.any({
        produce: () => this.imagePullSecrets.size === 0
          ? undefined
          : [...this.imagePullSecrets].sort().map(name => ({ name })),
      }),
    });

    if (props.createNamespace) {
      this.namespaceConstruct = Namespace.forChart(this, props.namespace);
      for (const [key, value] of Object.entries(props.namespaceLabels ?? {})) this.namespaceConstruct.addLabel(key, value);
      this.namespaceObject = this.namespaceConstruct.apiObject;
      this.apiObject.addDependency(this.namespaceObject);
    }

    for (const { key, value } of irsa) this.setAnnotation(key, value);
    for (const [key, value] of Object.entries(props.labels ?? {})) this.addLabel(key, value);
    for (const [key, value] of Object.entries(props.annotations ?? {})) this.addAnnotation(key, value);
    for (const secret of props.imagePullSecrets ?? []) this.addImagePullSecret(secret);

    this.node.addValidation({ validate: () => this.deployTimeValueErrors() });
  }

  /**
   * Adds an annotation to the ServiceAccount.
   *
   * Adding a key again with the same value does nothing; with another value it is an error. The
   * `eks.amazonaws.com/` annotations of the pod identity webhook are set with the typed props (`roleArn`, `audience`,
   * `stsRegionalEndpoints`, `tokenExpiration`), which check their values; adding them here is an error.
   *
   * @param key a Kubernetes qualified name, e.g. `example.com/owner`
   * @param value the annotation value
   */
  public addAnnotation(key: string, value: string): void {
    assertQualifiedName(this.subject, 'annotation key', key);
    assertAnnotationValue(this.subject, `value of annotation ${show(key)}`, value);
    assertNotWebhookAnnotation(this.subject, key, value);
    this.setAnnotation(key, value);
  }

  /**
   * Adds a label to the ServiceAccount.
   *
   * Adding a key again with the same value does nothing; with another value it is an error.
   *
   * @param key a Kubernetes qualified name, e.g. `app.kubernetes.io/name`
   * @param value a Kubernetes label value (at most 63 characters)
   */
  public addLabel(key: string, value: string): void {
    assertQualifiedName(this.subject, 'label key', key);
    assertLabelValue(this.subject, `value of label ${show(key)}`, value);
    if (this.setOnce('label', this.labels, key, value)) {
      this.apiObject.metadata.addLabel(key, value);
    }
  }

  /**
   * Adds a Secret (in the same namespace) used to pull the images of pods that use this ServiceAccount.
   *
   * Adding the same name again does nothing.
   *
   * @param name the name of the Secret (a DNS-1123 subdomain)
   */
  public addImagePullSecret(name: string): void {
    assertDns1123Subdomain(this.subject, 'image pull secret name', name);
    this.imagePullSecrets.add(name);
  }

  /**
   * The RBAC subject for this ServiceAccount, used by cdk8s-plus `RoleBinding` and `ClusterRoleBinding`.
   */
  public toSubjectConfiguration(): SubjectConfiguration {
    return { kind: this.kind, name: this.name, namespace: this.namespace, apiGroup: this.apiGroup };
  }

  /**
   * This ServiceAccount as an API resource, for cdk8s-plus `Role` and `ClusterRole` rules.
   */
  public asApiResource(): IApiResource | undefined {
    return this;
  }

  /**
   * Always `undefined`: a ServiceAccount is an API resource, not a non-resource URL.
   */
  public asNonApiResource(): string | undefined {
    return undefined;
  }

  private setAnnotation(key: string, value: string): void {
    if (this.setOnce('annotation', this.annotations, key, value)) {
      this.apiObject.metadata.addAnnotation(key, value);
    }
  }

  /** Records `key` = `value`; returns false when it was already set to that value. */
  private setOnce(what: string, map: Map<string, string>, key: string, value: string): boolean {
    const existing = map.get(key);
    if (existing === undefined) {
      map.set(key, value);
      return true;
    }
    if (existing !== value) {
      fail(this.subject, `${what} ${show(key)} of ServiceAccount ${this.namespace}/${this.name} is set to ${show(existing)} and to ${show(value)}`,
        `one value per ${what}`);
    }
    return false;
  }

  /** One error for every value that is known only at deploy time (DESIGN.md rule 2: no tokens in YAML). */
  private deployTimeValueErrors(): string[] {
    const values: Array<[string, string]> = [['name', this.name], ['namespace', this.namespace]];
    const sorted = (map: Map<string, string>) => [...map.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
    for (const [what, map] of [['label', this.labels], ['annotation', this.annotations]] as const) {
      for (const [key, value] of sorted(map)) values.push([`the key of ${what} ${key}`, key], [`${what} ${key}`, value]);
    }
    for (const secret of [...this.imagePullSecrets].sort()) values.push(['image pull secret', secret]);
    return deployTimeValueErrors(this, values, (field, value, hint) => {
      const literal = field === `annotation ${ROLE_ARN_ANNOTATION}`
        ? `the role ARN must be a literal: ${hint ?? 'pass a literal roleArn, or a role whose name and stack account and region are known'}`
        : 'use a literal value';
      return `${this.subject.kind} ${this.subject.path}: ${field} of ${this.namespace}/${this.name} is known only at deploy time ` +
        `(${value}), expected a literal value in a chart written as YAML; ${literal}; or, to keep the token, deploy the chart ` +
        'through CloudFormation: call ServiceAccount.allowDeployTimeValues(chart), then cluster.addCdk8sChart(id, chart)';
    });
  }
}
