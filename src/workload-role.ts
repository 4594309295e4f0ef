import { Annotations, CfnJson, Duration, Lazy, PhysicalName, Stack, Token, aws_iam as iam } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { IWorkloadCluster } from './cluster/workload-cluster';
import { ClusterOidcProvider } from './oidc/cluster-oidc-provider';
import { clusterLabel } from './private/app-registry';
import { bindingLabel, uniqueBindings, validateBinding } from './private/bindings';
import { DEFAULT_AUDIENCE, IrsaEntry, irsaStatements, needsDeployTimeKeys } from './private/irsa-statements';
import { assertDns1123Label } from './private/names';
import { AssociationChain, podIdentityStatements, targetRoleStatements } from './private/pod-identity-statements';
import { policySize } from './private/policy-size';
import { literalRoleArnFor } from './private/role-arn';
import { ClusterScope } from './trust/cluster-scope';
import { NamespaceBinding } from './trust/namespace-binding';
import { ServiceAccountBinding } from './trust/service-account-binding';

/**
 * Options for trusting one service account through EKS Pod Identity.
 */
export interface PodIdentityTrustOptions {
  /**
   * Whether the association passes session tags. When it does not (`disableSessionTags` on the association),
   * the trust cannot be scoped by tags and admits any Pod Identity association in the account that names this role.
   *
   * @default true
   */
  readonly sessionTags?: boolean;
}

/**
 * Options for trusting service accounts through IRSA.
 */
export interface IrsaTrustOptions {
  /**
   * The audience (`aud`) of the service account tokens, which the IAM OIDC provider lists as a client id.
   *
   * @default sts.amazonaws.com
   */
  readonly audience?: string;
}

/**
 * Properties of a `WorkloadRole`.
 */
export interface WorkloadRoleProps {
  /**
   * Service accounts this role trusts through EKS Pod Identity. More can be added with `addPodIdentityTrust()`.
   *
   * @default - none
   */
  readonly podIdentity?: ServiceAccountBinding[];

  /**
   * Service accounts this role trusts through IRSA (audience `sts.amazonaws.com`). More can be added with
   * `addIrsaTrust()`; whole namespaces only with `addIrsaNamespaceTrust()`.
   *
   * @default - none
   */
  readonly irsa?: ServiceAccountBinding[];

  /**
   * Which session tag identifies the cluster in Pod Identity trust statements.
   *
   * @default ClusterScope.ARN
   */
  readonly clusterScope?: ClusterScope;

  /**
   * Largest trust policy accepted at synthesis, in characters without whitespace (as IAM counts them).
   * IAM's default quota is 2,048; it can be raised to 4,096 with a Service Quotas request.
   *
   * @default 2048
   */
  readonly maxTrustPolicySize?: number;

  /**
   * A name for the role.
   *
   * @default - a name CloudFormation generates (or CDK, when another account or region references the role)
   */
  readonly roleName?: string;

  /**
   * A description of the role.
   *
   * @default - none
   */
  readonly description?: string;

  /**
   * The path of the role.
   *
   * @default /
   */
  readonly path?: string;

  /**
   * Managed policies attached to the role.
   *
   * @default - none
   */
  readonly managedPolicies?: iam.IManagedPolicy[];

  /**
   * Inline policies of the role.
   *
   * @default - none
   */
  readonly inlinePolicies?: Record<string, iam.PolicyDocument>;

  /**
   * A permissions boundary for the role.
   *
   * @default - none
   */
  readonly permissionsBoundary?: iam.IManagedPolicy;

  /**
   * Longest session a workload gets (1 to 12 hours).
   *
   * @default Duration.hours(1)
   */
  readonly maxSessionDuration?: Duration;
}

// IAM quotas (FACTS.md, "IRSA"): role trust policy length 2,048 by default, 4,096 at most.
const DEFAULT_TRUST_SIZE = 2048;
const MAX_TRUST_SIZE = 4096;
const WORKLOAD_ROLE = Symbol.for('cdk-workload-identity.WorkloadRole');

/** Keeps `iam.Role` from writing a trust statement of its own: `WorkloadRole` renders the whole trust policy. */
class RenderedTrust extends iam.PrincipalBase implements iam.IAssumeRolePrincipal {
  public readonly policyFragment = new iam.PrincipalPolicyFragment({});
  public addToAssumeRolePolicy(_document: iam.PolicyDocument): void {}
  public dedupeString(): string | undefined {
    return undefined;
  }
}

/**
 * An IAM role whose trust policy admits exactly the given (cluster, namespace, service account) tuples.
 *
 * For EKS Pod Identity the trust has statements for `pods.eks.amazonaws.com` with `sts:AssumeRole` and
 * `sts:TagSession`, scoped with `aws:RequestTag/...` conditions so that only the given tuples match, never
 * their cross product. Its size is checked at synthesis against `maxTrustPolicySize`.
 */
export class WorkloadRole extends iam.Role {
  /**
   * Whether `x` is a `WorkloadRole`.
   */
  public static isWorkloadRole(x: unknown): x is WorkloadRole {
    return typeof x === 'object' && x !== null && WORKLOAD_ROLE in x;
  }

  private readonly podIdentityTrust: Array<{ binding: ServiceAccountBinding; sessionTags: boolean }> = [];
  private readonly chains: AssociationChain[] = [];
  private readonly irsaTrust: IrsaEntry[] = [];
  private readonly clusterScope: ClusterScope;
  private readonly maxTrustPolicySize: number;
  private deployTimeTrust?: CfnJson;

  /**
   * The role's ARN as a literal string, when it is known at synthesis: an explicit `roleName`, in a stack with an
   * explicit account and region. Kubernetes YAML written for GitOps can only hold such an ARN.
   */
  public readonly literalRoleArn?: string;

  constructor(scope: Construct, id: string, props: WorkloadRoleProps = {}) {
    const max = props.maxTrustPolicySize ?? DEFAULT_TRUST_SIZE;
    if (!Number.isInteger(max) || max < 1 || max > MAX_TRUST_SIZE) {
      throw new Error(`Invalid maxTrustPolicySize ${max}: expected a whole number of characters up to ${MAX_TRUST_SIZE} (IAM's largest quota)`);
    }
    super(scope, id, {
      assumedBy: new RenderedTrust(),
      // A name is generated only when another account or region must know it (a cross-account target role's trust).
      roleName: props.roleName ?? PhysicalName.GENERATE_IF_NEEDED,
      description: props.description,
      path: props.path,
      managedPolicies: props.managedPolicies,
      inlinePolicies: props.inlinePolicies,
      permissionsBoundary: props.permissionsBoundary,
      maxSessionDuration: props.maxSessionDuration,
    });
    Object.defineProperty(this, WORKLOAD_ROLE, { value: true });
    this.clusterScope = props.clusterScope ?? ClusterScope.ARN;
    this.maxTrustPolicySize = max;
    this.literalRoleArn = literalRoleArnFor(Stack.of(this), props.roleName, props.path);
    for (const binding of props.podIdentity ?? []) this.addPodIdentityTrust(binding);
    for (const binding of props.irsa ?? []) this.addIrsaTrust(binding);

    // Condition keys cannot be tokens: when an issuer is known only at deploy time, one CfnJson renders the whole
    // trust policy (aws-cdk-lib's eks.ServiceAccount does the same, with one per service account).
    const cfnRole = this.node.defaultChild as iam.CfnRole;
    cfnRole.assumeRolePolicyDocument = Lazy.any({ produce: () => this.deployTimeTrust ?? this.trustPolicy() });
    this.node.addValidation({ validate: () => this.validateTrust() });
  }

  /**
   * The service accounts this role trusts through Pod Identity.
   */
  public get podIdentityBindings(): ServiceAccountBinding[] {
    return uniqueBindings(this.podIdentityTrust.map(t => t.binding));
  }

  /**
   * Trust `binding` through EKS Pod Identity. Adding the same binding again changes nothing.
   */
  public addPodIdentityTrust(binding: ServiceAccountBinding, options: PodIdentityTrustOptions = {}): void {
    validateBinding(binding);
    const sessionTags = options.sessionTags ?? true;
    this.podIdentityTrust.push({ binding, sessionTags });
    if (!sessionTags) {
      Annotations.of(this).addWarningV2('cdk-workload-identity:unscopedPodIdentityTrust',
        `Session tags are disabled for ${bindingLabel(binding)}, so this role's Pod Identity trust cannot name ` +
        'service accounts: any Pod Identity association in the account that names this role can use it.');
    }
  }

  /**
   * The service accounts this role trusts through IRSA (whole namespaces not included).
   */
  public get irsaBindings(): ServiceAccountBinding[] {
    return uniqueBindings(this.irsaTrust.flatMap(({ cluster, namespace, serviceAccount }) =>
      serviceAccount === undefined ? [] : [{ cluster, namespace, serviceAccount }]));
  }

  /**
   * Trust `binding` through IRSA: `sts:AssumeRoleWithWebIdentity` from the cluster's IAM OIDC provider, with
   * `StringEquals` on `<issuer>:aud` and `<issuer>:sub` = `system:serviceaccount:<namespace>:<name>`.
   * Service accounts on one provider share one statement.
   */
  public addIrsaTrust(binding: ServiceAccountBinding, options: IrsaTrustOptions = {}): void {
    validateBinding(binding);
    this.addIrsaEntry(binding.cluster, binding.namespace, binding.serviceAccount, options.audience ?? DEFAULT_AUDIENCE);
  }

  /**
   * Trust every service account of a namespace, present and future, through IRSA:
   * `StringLike` `<issuer>:sub` = `system:serviceaccount:<namespace>:*`. Wider than `addIrsaTrust()`; use it when a
   * namespace belongs to one workload, or when listing its service accounts would exceed the trust policy size limit.
   */
  public addIrsaNamespaceTrust(binding: NamespaceBinding, options: IrsaTrustOptions = {}): void {
    assertDns1123Label('namespace', binding.namespace);
    this.addIrsaEntry(binding.cluster, binding.namespace, undefined, options.audience ?? DEFAULT_AUDIENCE);
    Annotations.of(this).addInfo(`IRSA trust for every service account in namespace ${binding.namespace} of cluster ` +
      `"${clusterLabel(binding.cluster)}"`);
  }

  /**
   * Trust a Pod Identity association role that uses this role as its target role (role chaining,
   * typically across accounts): the principal is the cluster account, narrowed to `associationRole`
   * and to `binding`'s session tags (or, with session tags disabled, to the association's external id).
   */
  public addPodIdentityTargetTrust(associationRole: iam.IRole, binding: ServiceAccountBinding, options: PodIdentityTrustOptions = {}): void {
    validateBinding(binding);
    this.chains.push({ associationRole, binding, sessionTags: options.sessionTags ?? true });
  }

  private addIrsaEntry(cluster: IWorkloadCluster, namespace: string, serviceAccount: string | undefined, audience: string): void {
    if (audience.length === 0 || (!Token.isUnresolved(audience) && audience.length > 255)) {
      throw new Error(`Invalid IRSA audience ${JSON.stringify(audience)}: expected 1 to 255 characters (an IAM OIDC provider client id)`);
    }
    // Creates (once per issuer) or imports the cluster's IAM OIDC provider; throws when the cluster has no issuer.
    const provider = ClusterOidcProvider.forCluster(cluster);
    provider.addAudience(audience);
    const entry: IrsaEntry = { cluster, provider, namespace, serviceAccount, audience };
    const roleAccount = Stack.of(this).account;
    const providerAccount = provider.account;
    if (!Token.isUnresolved(roleAccount) && !Token.isUnresolved(providerAccount) && roleAccount !== providerAccount) {
      throw new Error(`WorkloadRole ${this.node.path}: IRSA needs an IAM OIDC provider in the role's account ${roleAccount}, but the ` +
        `provider for cluster "${clusterLabel(cluster)}" is in account ${providerAccount}. Create the provider in account ` +
        `${roleAccount} and import the cluster there with its oidcProviderArn, or use Pod Identity with a target role.`);
    }
    this.irsaTrust.push(entry);
    if (!this.deployTimeTrust && needsDeployTimeKeys([entry])) {
      this.deployTimeTrust = new CfnJson(this, 'TrustPolicy', { value: Lazy.any({ produce: () => this.trustPolicy() }) });
    }
  }

  /** The trust policy document, rendered from the bindings. */
  private trustPolicy(): iam.PolicyDocument {
    const bindings = this.podIdentityBindings;
    const scoped = this.podIdentityTrust.every(t => t.sessionTags);
    const clusterTag = this.clusterScope === ClusterScope.NAME ? 'name' : 'arn';
    // Statements someone added to `assumeRolePolicy` (inherited from iam.Role) are kept, after ours.
    const added = (this.assumeRolePolicy?.toJSON()?.Statement ?? []) as unknown[];
    return new iam.PolicyDocument({
      minimize: false,
      statements: [
        ...irsaStatements(this.irsaTrust),
        ...podIdentityStatements(bindings, scoped, clusterTag),
        ...targetRoleStatements(this.chains, clusterTag),
        ...added.map(statement => iam.PolicyStatement.fromJson(statement)),
      ],
    });
  }

  private validateTrust(): string[] {
    const bindings = this.podIdentityBindings;
    if (bindings.length === 0 && this.chains.length === 0 && this.irsaTrust.length === 0 && (this.assumeRolePolicy?.isEmpty ?? true)) {
      return [`WorkloadRole ${this.node.path} trusts no service account: add one with addPodIdentityTrust(), addIrsaTrust() ` +
        'or the podIdentity and irsa props'];
    }
    const size = policySize(Stack.of(this), this.trustPolicy());
    if (size.characters <= this.maxTrustPolicySize) return [];
    const irsa = this.irsaTrust.map(e => e.serviceAccount === undefined
      ? `${e.namespace}/*@${clusterLabel(e.cluster)} (IRSA)` : `${bindingLabel({ ...e, serviceAccount: e.serviceAccount })} (IRSA)`);
    const tuples = [...new Set(irsa), ...[...bindings, ...this.chains.map(c => c.binding)].map(b => `${bindingLabel(b)} (Pod Identity)`)];
    const advice = this.irsaTrust.length > 0
      ? 'Use Pod Identity (its trust does not grow with clusters), trust whole namespaces with addIrsaNamespaceTrust(), or split them over a second role'
      : 'Split them over a second role, or use ClusterScope.NAME';
    return [
      `WorkloadRole ${this.node.path}: trust policy is ${size.estimated ? 'about ' : ''}${size.characters} characters ` +
      `(whitespace removed), over the limit of ${this.maxTrustPolicySize}. It trusts ${tuples.length} service account(s): ` +
      `${listed(tuples)}. ${advice}; or, if your account's trust policy quota was raised, set maxTrustPolicySize (at most ${MAX_TRUST_SIZE}).`,
    ];
  }
}

/** The first ten items, then how many more. */
function listed(items: string[]): string {
  return items.length <= 10 ? items.join(', ') : `${items.slice(0, 10).join(', ')} and ${items.length - 10} more`;
}
