import { Token } from 'aws-cdk-lib';
import { ApiObject, Duration, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { irsaAnnotations, ManagedAnnotation, ROLE_ARN_ANNOTATION } from '../private/irsa-annotations';
import {
  allowDeployTimeValuesIn, assertLabelValue, assertQualifiedName, deployTimeValuesAllowed,
} from '../private/k8s-names';
import { assertDns1123Label, assertDns1123Subdomain } from '../private/names';

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
   * Annotations of the ServiceAccount. Keys are Kubernetes qualified names.
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
   * Also emit a `v1` `Namespace` object for `namespace` (construct id `Namespace`).
   *
   * @default false
   */
  readonly createNamespace?: boolean;

  /**
   * Labels of the emitted Namespace. Only allowed together with `createNamespace: true`.
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
   * cluster's IAM OIDC provider. The annotation is written only when it differs from `sts.amazonaws.com`.
   * Only allowed together with `roleArn`.
   *
   * @default 'sts.amazonaws.com'
   */
  readonly audience?: string;

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
export class ServiceAccount extends Construct implements kplus.IServiceAccount, kplus.IApiEndpoint {
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
  /** The cdk8s object that renders the ServiceAccount (construct id `Resource`). */
  public readonly apiObject: ApiObject;
  /** The cdk8s object that renders the Namespace, when `createNamespace` is true. */
  public readonly namespaceObject?: ApiObject;

  private readonly labels = new Map<string, string>();
  private readonly annotations = new Map<string, string>();
  private readonly imagePullSecrets = new Set<string>();
  private readonly namespaceLabels = new Map<string, string>();
  /** Annotations fixed by the IRSA props, by key; another value for one of these keys is an error. */
  private readonly managedAnnotations = new Map<string, ManagedAnnotation>();

  public constructor(scope: Construct, id: string, props: ServiceAccountProps) {
    super(scope, id);
    assertDns1123Subdomain('service account name', props.name);
    assertDns1123Label('namespace', props.namespace);
    if (props.namespaceLabels !== undefined && !props.createNamespace) {
      throw new Error(
        `namespaceLabels (${JSON.stringify(props.namespaceLabels)}) were given for namespace ${JSON.stringify(props.namespace)}, ` +
        'but createNamespace is not true: set createNamespace: true, or label the existing namespace elsewhere',
      );
    }

    const managed = irsaAnnotations(`${props.namespace}/${props.name}`, props);

    this.name = props.name;
    this.namespace = props.namespace;
    this.resourceName = props.name;
    this.roleArn = props.roleArn;
    this.automountServiceAccountToken = props.automountServiceAccountToken;

    if (props.createNamespace) {
      for (const [key, value] of Object.entries(props.namespaceLabels ?? {})) {
        assertQualifiedName('namespace label key', key);
        assertLabelValue(`value of namespace label ${JSON.stringify(key)}`, value);
        this.namespaceLabels.set(key, value);
      }
      this.namespaceObject = new ApiObject(this, 'Namespace', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: props.namespace, labels: Object.fromEntries(this.namespaceLabels) },
      });
    }

    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: this.apiVersion,
      kind: this.kind,
      metadata: { name: props.name, namespace: props.namespace },
      automountServiceAccountToken: props.automountServiceAccountToken,
      imagePullSecrets: Lazy.any({
        produce: () => this.imagePullSecrets.size === 0
          ? undefined
          : [...this.imagePullSecrets].sort().map(name => ({ name })),
      }),
    });
    if (this.namespaceObject) {
      this.apiObject.addDependency(this.namespaceObject);
    }

    // The IRSA annotations come first, so that a conflicting one in `annotations` names the prop it contradicts.
    for (const annotation of managed) {
      this.managedAnnotations.set(annotation.key, annotation);
      if (annotation.written && this.setOnce('annotation', this.annotations, annotation.key, annotation.value)) {
        this.apiObject.metadata.addAnnotation(annotation.key, annotation.value);
      }
    }
    for (const [key, value] of Object.entries(props.labels ?? {})) this.addLabel(key, value);
    for (const [key, value] of Object.entries(props.annotations ?? {})) this.addAnnotation(key, value);
    for (const secret of props.imagePullSecrets ?? []) this.addImagePullSecret(secret);

    this.node.addValidation({ validate: () => deployTimeValuesAllowed(this) ? [] : this.deployTimeValueErrors() });
  }

  /**
   * Adds an annotation to the ServiceAccount.
   *
   * Adding a key again with the same value does nothing; with another value it is an error. So is another
   * value for an annotation set by the IRSA props (`roleArn`, `audience`, `stsRegionalEndpoints`, `tokenExpiration`).
   *
   * @param key a Kubernetes qualified name, e.g. `eks.amazonaws.com/role-arn`
   * @param value the annotation value
   */
  public addAnnotation(key: string, value: string): void {
    assertQualifiedName('annotation key', key);
    const managed = this.managedAnnotations.get(key);
    if (managed !== undefined && managed.value !== value) {
      throw this.conflict('annotation', key, managed.value, value,
        ` (${key} is set by the ${managed.prop} prop: change ${managed.prop} instead of adding the annotation)`);
    }
    if (this.setOnce('annotation', this.annotations, key, value)) {
      this.apiObject.metadata.addAnnotation(key, value);
    }
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
    assertQualifiedName('label key', key);
    assertLabelValue(`value of label ${JSON.stringify(key)}`, value);
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
    assertDns1123Subdomain('image pull secret name', name);
    this.imagePullSecrets.add(name);
  }

  /**
   * The RBAC subject for this ServiceAccount, used by cdk8s-plus `RoleBinding` and `ClusterRoleBinding`.
   */
  public toSubjectConfiguration(): kplus.SubjectConfiguration {
    return { kind: this.kind, name: this.name, namespace: this.namespace, apiGroup: this.apiGroup };
  }

  /**
   * This ServiceAccount as an API resource, for cdk8s-plus `Role` and `ClusterRole` rules.
   */
  public asApiResource(): kplus.IApiResource | undefined {
    return this;
  }

  /**
   * Always `undefined`: a ServiceAccount is an API resource, not a non-resource URL.
   */
  public asNonApiResource(): string | undefined {
    return undefined;
  }

  /** Records `key` = `value`; returns false when it was already set to that value. */
  private setOnce(what: string, map: Map<string, string>, key: string, value: string): boolean {
    const existing = map.get(key);
    if (existing === undefined) {
      map.set(key, value);
      return true;
    }
    if (existing !== value) throw this.conflict(what, key, existing, value);
    return false;
  }

  private conflict(what: string, key: string, existing: string, value: string, hint: string = ''): Error {
    return new Error(
      `ServiceAccount ${this.namespace}/${this.name} already has ${what} ${JSON.stringify(key)} with value ` +
      `${JSON.stringify(existing)}; it cannot also be ${JSON.stringify(value)}${hint}`,
    );
  }

  /** One error for every value that is known only at deploy time (DESIGN.md rule 2: no tokens in YAML). */
  private deployTimeValueErrors(): string[] {
    const errors: string[] = [];
    const check = (field: string, value: string, literal: string = 'use a literal value') => {
      if (!Token.isUnresolved(value)) return;
      errors.push(`ServiceAccount ${this.namespace}/${this.name}: ${field} is known only at deploy time (${value}). ` +
        `To write this chart as YAML, ${literal}; to keep the token, deploy the chart through CloudFormation: ` +
        'call ServiceAccount.allowDeployTimeValues(chart), then cluster.addCdk8sChart(id, chart).');
    };
    const checkMap = (what: string, map: Map<string, string>) => {
      for (const [key, value] of [...map.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
        check(`the key of ${what} ${key}`, key);
        const literal = key === ROLE_ARN_ANNOTATION && what === 'annotation'
          ? 'the role ARN must be a literal: give the role an explicit roleName and its stack an explicit account and region (env), ' +
            'or pass a literal roleArn'
          : undefined;
        check(`${what} ${key}`, value, literal);
      }
    };
    check('name', this.name);
    check('namespace', this.namespace);
    checkMap('label', this.labels);
    checkMap('annotation', this.annotations);
    [...this.imagePullSecrets].sort().forEach(secret => check('image pull secret', secret));
    checkMap('namespace label', this.namespaceLabels);
    return errors;
  }
}
