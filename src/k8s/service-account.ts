import { ApiObject, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { assertLabelValue, assertQualifiedName } from '../private/k8s-names';
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
}

/**
 * A Kubernetes ServiceAccount: the identity that AWS IAM roles are bound to.
 *
 * It can be passed wherever cdk8s-plus takes a service account, for example
 * `new kplus.Deployment(chart, 'Deployment', { serviceAccount, containers })` or
 * `roleBinding.addSubjects(serviceAccount)`.
 */
export class ServiceAccount extends Construct implements kplus.IServiceAccount, kplus.IApiEndpoint {
  /** The name of the ServiceAccount. */
  public readonly name: string;
  /** The namespace of the ServiceAccount. */
  public readonly namespace: string;
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

    this.name = props.name;
    this.namespace = props.namespace;
    this.resourceName = props.name;
    this.automountServiceAccountToken = props.automountServiceAccountToken;

    if (props.createNamespace) {
      const nsLabels = new Map<string, string>();
      for (const [key, value] of Object.entries(props.namespaceLabels ?? {})) {
        assertQualifiedName('namespace label key', key);
        assertLabelValue(`value of namespace label ${JSON.stringify(key)}`, value);
        nsLabels.set(key, value);
      }
      this.namespaceObject = new ApiObject(this, 'Namespace', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: props.namespace, labels: Object.fromEntries(nsLabels) },
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

    for (const [key, value] of Object.entries(props.labels ?? {})) this.addLabel(key, value);
    for (const [key, value] of Object.entries(props.annotations ?? {})) this.addAnnotation(key, value);
    for (const secret of props.imagePullSecrets ?? []) this.addImagePullSecret(secret);
  }

  /**
   * Adds an annotation to the ServiceAccount.
   *
   * Adding a key again with the same value does nothing; with another value it is an error.
   *
   * @param key a Kubernetes qualified name, e.g. `eks.amazonaws.com/role-arn`
   * @param value the annotation value
   */
  public addAnnotation(key: string, value: string): void {
    assertQualifiedName('annotation key', key);
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
    if (existing !== value) {
      throw new Error(
        `ServiceAccount ${this.namespace}/${this.name} already has ${what} ${JSON.stringify(key)} with value ` +
        `${JSON.stringify(existing)}; it cannot also be ${JSON.stringify(value)}`,
      );
    }
    return false;
  }
}
