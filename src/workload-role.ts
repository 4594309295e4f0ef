import { Annotations, CfnJson, Lazy, PhysicalName, Stack, Token, aws_iam as iam } from 'aws-cdk-lib';
import type { Duration } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { IWorkloadCluster } from './cluster/workload-cluster';
import { ClusterOidcProvider } from './oidc/cluster-oidc-provider';
import { clusterLabel } from './private/app-registry';
import { assertSamePartition } from './private/arns';
import { errorMessage, fail, listed, show, subjectFor, subjectOf, type Subject } from './private/errors';
import { assertDns1123Label, assertEnumValue, assertOptionalBoolean } from './private/names';
import { literalRoleArnFor } from './private/role-arn';
import { bindingLabel, uniqueBindings, validateBinding } from './trust/bindings';
import { ClusterScope } from './trust/cluster-scope';
import { DEFAULT_AUDIENCE, irsaStatements, needsDeployTimeKeys, type IrsaEntry } from './trust/irsa-statements';
import type { NamespaceBinding } from './trust/namespace-binding';
import {
  podIdentityStatements, targetRoleStatements, unscopedPodIdentityStatement, type AssociationChain,
} from './trust/pod-identity-statements';
import { policySize } from './trust/policy-size';
import { statementsAsJson } from './trust/required-trust';
import type { ServiceAccountBinding } from './trust/service-account-binding';

/**
 * Options for trusting one service account through EKS Pod Identity.
 */
export interface PodIdentityTrustOptions {
  /**
   * Whether the association passes session tags. When it does not (`disableSessionTags` on the association),
   * nothing in the request names the service account, so the role needs a statement without conditions, which
   * admits any Pod Identity association in the account that names the role. That is an error at synthesis unless
   * the role was created with `allowUnscopedPodIdentityTrust: true`.
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
   * @default - the cluster's `defaultAudience` (`sts.amazonaws.com` on EKS)
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
   * Accept a Pod Identity trust statement without conditions, which a service account whose association disables
   * session tags needs. Such a statement lets any Pod Identity association in the account that names this role assume
   * it, whatever its cluster, namespace or service account, including the service accounts that are otherwise scoped by
   * session tags on this role. Without this opt-in, that is an error at synthesis.
   *
   * @default false
   */
  readonly allowUnscopedPodIdentityTrust?: boolean;

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
// IAM OIDC provider client ids: 1 to 255 characters (IAM API reference, CreateOpenIDConnectProvider ClientIDList).
const MAX_AUDIENCE = 255;
const WORKLOAD_ROLE = Symbol.for('cdk-workload-identity.WorkloadRole');
// aws-cdk-lib's context key of iam.Role.customizeRoles() (aws-cdk-lib core/lib/helpers-internal/customize-roles.ts).
const CUSTOMIZE_ROLES_CONTEXT_KEY = '@aws-cdk/iam:customizeRoles';
const POLICY_SYNTHESIZER_ID = 'PolicySynthesizer';

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
 * their cross product. For IRSA, `sts:AssumeRoleWithWebIdentity` from the cluster's IAM OIDC provider with the exact
 * `sub` and `aud`. Its size is checked at synthesis against `maxTrustPolicySize`, as IAM counts it.
 *
 * Under `iam.Role.customizeRoles()` (roles created outside CloudFormation) the trust goes into the policy report
 * aws-cdk-lib writes (`iam-policy-report.json`).
 */
export class WorkloadRole extends iam.Role {
  /**
   * Whether `x` is a `WorkloadRole`.
   */
  public static isWorkloadRole(x: unknown): x is WorkloadRole {
    return typeof x === 'object' && x !== null && WORKLOAD_ROLE in x;
  }

  /**
   * The role's ARN as a literal string, when it is known at synthesis: an explicit `roleName` (or the name of a
   * pre-created role under `iam.Role.customizeRoles()`), in a stack with an explicit account and region. Kubernetes YAML
   * written for GitOps can only hold such an ARN.
   */
  public readonly literalRoleArn?: string;

  /** Whether the role accepts a Pod Identity trust statement without conditions. */
  public readonly allowUnscopedPodIdentityTrust: boolean;

  private readonly podIdentityTrust: Array<{ binding: ServiceAccountBinding; sessionTags: boolean }> = [];
  private readonly chains: AssociationChain[] = [];
  private readonly irsaTrust: IrsaEntry[] = [];
  private readonly clusterScope: ClusterScope;
  private readonly maxTrustPolicySize: number;
  private readonly subject: Subject;
  private deployTimeTrust?: CfnJson;

  constructor(scope: Construct, id: string, props: WorkloadRoleProps = {}) {
    const subject = subjectFor('WorkloadRole', scope, id);
    const max = props.maxTrustPolicySize ?? DEFAULT_TRUST_SIZE;
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > MAX_TRUST_SIZE) {
      fail(subject, `maxTrustPolicySize is ${show(max)}`, `a whole number of characters from 1 to ${MAX_TRUST_SIZE} (IAM's largest quota)`);
    }
    if (props.clusterScope !== undefined) assertEnumValue(subject, 'clusterScope', props.clusterScope, ClusterScope, 'ClusterScope');
    assertOptionalBoolean(subject, 'allowUnscopedPodIdentityTrust', props.allowUnscopedPodIdentityTrust);
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
    this.subject = subjectOf('WorkloadRole', this);
    this.clusterScope = props.clusterScope ?? ClusterScope.ARN;
    this.maxTrustPolicySize = max;
    this.allowUnscopedPodIdentityTrust = props.allowUnscopedPodIdentityTrust ?? false;
    const precreatedName = this.precreatedRoleName();
    this.literalRoleArn = literalRoleArnFor(Stack.of(this), precreatedName ?? props.roleName, precreatedName ? undefined : props.path);
    for (const binding of props.podIdentity ?? []) this.addPodIdentityTrust(binding);
    for (const binding of props.irsa ?? []) this.addIrsaTrust(binding);

    // Condition keys cannot be tokens: when an issuer is known only at deploy time, one CfnJson renders the whole
    // trust policy (aws-cdk-lib's eks.ServiceAccount does the same, with one per service account).
    const cfnRole = this.node.defaultChild as iam.CfnRole | undefined;
    if (cfnRole) cfnRole.assumeRolePolicyDocument = Lazy.any({ produce: () => this.deployTimeTrust ?? this.trustPolicy() });
    this.node.addValidation({ validate: () => this.validateTrust() });
    if (this.node.tryGetContext(CUSTOMIZE_ROLES_CONTEXT_KEY) !== undefined) {
      this.node.addValidation({ validate: () => this.reportTrust() });
    }
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
    validateBinding(this.subject, binding);
    assertOptionalBoolean(this.subject, 'sessionTags', options.sessionTags);
    this.podIdentityTrust.push({ binding, sessionTags: options.sessionTags ?? true });
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
    validateBinding(this.subject, binding);
    const audience = options.audience ?? binding.cluster.defaultAudience ?? DEFAULT_AUDIENCE;
    this.addIrsaEntry(binding.cluster, binding.namespace, binding.serviceAccount, audience);
  }

  /**
   * Trust every service account of a namespace, present and future, through IRSA:
   * `StringLike` `<issuer>:sub` = `system:serviceaccount:<namespace>:*`. Wider than `addIrsaTrust()`; use it when a
   * namespace belongs to one workload, or when listing its service accounts would exceed the trust policy size limit.
   */
  public addIrsaNamespaceTrust(binding: NamespaceBinding, options: IrsaTrustOptions = {}): void {
    assertDns1123Label(this.subject, 'namespace', binding.namespace);
    this.addIrsaEntry(binding.cluster, binding.namespace, undefined, options.audience ?? binding.cluster.defaultAudience ?? DEFAULT_AUDIENCE);
    Annotations.of(this).addInfo(`IRSA trust for every service account in namespace ${binding.namespace} of cluster ` +
      `"${clusterLabel(binding.cluster)}"`);
  }

  /**
   * Trust a Pod Identity association role that uses this role as its target role (role chaining,
   * typically across accounts): the principal is the cluster account, narrowed to `associationRole`
   * and to `binding`'s session tags (or, with session tags disabled, to the external id EKS sets,
   * `<region>/<account>/<cluster>/<namespace>/<service account>`).
   */
  public addPodIdentityTargetTrust(associationRole: iam.IRole, binding: ServiceAccountBinding, options: PodIdentityTrustOptions = {}): void {
    validateBinding(this.subject, binding);
    this.chains.push({ associationRole, binding, sessionTags: options.sessionTags ?? true });
  }

  private addIrsaEntry(cluster: IWorkloadCluster, namespace: string, serviceAccount: string | undefined, audience: string): void {
    if (typeof audience !== 'string' || audience.length === 0 || (!Token.isUnresolved(audience) && (audience.length > MAX_AUDIENCE || /\s/.test(audience)))) {
      fail(this.subject, `IRSA audience ${show(audience)} is not an IAM OIDC provider client id`,
        `1 to ${MAX_AUDIENCE} characters without whitespace, such as ${DEFAULT_AUDIENCE}`);
    }
    if (cluster.oidcIssuerUrl === undefined) {
      fail(this.subject, `IRSA for ${namespace}/${serviceAccount ?? '*'} on cluster "${clusterLabel(cluster)}", which has no oidcIssuerUrl`,
        'a cluster with an OIDC issuer', 'set oidcIssuerUrl when importing the cluster ' +
        '(aws eks describe-cluster --query cluster.identity.oidc.issuer), or use Pod Identity');
    }
    // Creates (once per issuer and account) or imports the cluster's IAM OIDC provider.
    const provider = ClusterOidcProvider.forCluster(cluster);
    provider.addAudience(audience);
    const roleAccount = Stack.of(this).account;
    const providerAccount = provider.account;
    if (!Token.isUnresolved(roleAccount) && !Token.isUnresolved(providerAccount) && roleAccount !== providerAccount) {
      fail(this.subject, `IRSA for cluster "${clusterLabel(cluster)}" uses an IAM OIDC provider in account ${providerAccount}, ` +
        `but the role is in account ${roleAccount}`, `the provider in the role's account ${roleAccount}`,
      `create the provider in account ${roleAccount} and import the cluster there with its oidcProviderArn, or use Pod Identity with a target role`);
    }
    if (provider.literalProviderArn !== undefined) {
      assertSamePartition(this.subject, 'the IAM OIDC provider', provider.literalProviderArn, Stack.of(this));
    }
    // Settles how the provider is referenced now (a stack dependency when it is created in another stack).
    provider.providerArnFor(this);
    const entry: IrsaEntry = { cluster, provider, namespace, serviceAccount, audience };
    this.irsaTrust.push(entry);
    if (!this.deployTimeTrust && this.node.defaultChild && needsDeployTimeKeys([entry])) {
      this.deployTimeTrust = new CfnJson(this, 'TrustPolicy', { value: Lazy.any({ produce: () => this.trustPolicy() }) });
    }
  }

  /** The Pod Identity bindings whose associations pass session tags, and those whose associations do not. */
  private podIdentityScoping(): { tagged: ServiceAccountBinding[]; untagged: ServiceAccountBinding[] } {
    return {
      tagged: uniqueBindings(this.podIdentityTrust.filter(t => t.sessionTags).map(t => t.binding)),
      untagged: uniqueBindings(this.podIdentityTrust.filter(t => !t.sessionTags).map(t => t.binding)),
    };
  }

  /** The trust policy document, rendered from the bindings. */
  private trustPolicy(): iam.PolicyDocument {
    return new iam.PolicyDocument({ minimize: false, statements: this.trustStatements() });
  }

  /** The statements of the trust policy. */
  private trustStatements(): iam.PolicyStatement[] {
    const { tagged, untagged } = this.podIdentityScoping();
    const clusterTag = this.clusterScope === ClusterScope.NAME ? 'name' : 'arn';
    // Statements someone added to `assumeRolePolicy` (inherited from iam.Role) are kept, after ours.
    const added = (this.assumeRolePolicy?.toJSON()?.Statement ?? []) as unknown[];
    return [
      ...irsaStatements(this, this.irsaTrust),
      // The tag-scoped statements stay next to an unscoped one: they document the intent, and scoping returns as
      // soon as the last association without session tags goes.
      ...podIdentityStatements(tagged, clusterTag),
      ...(untagged.length > 0 ? [unscopedPodIdentityStatement()] : []),
      ...targetRoleStatements(this.chains, clusterTag),
      ...added.map(statement => iam.PolicyStatement.fromJson(statement)),
    ];
  }

  private validateTrust(): string[] {
    const { tagged, untagged } = this.podIdentityScoping();
    if (tagged.length === 0 && untagged.length === 0 && this.chains.length === 0 && this.irsaTrust.length === 0 &&
        (this.assumeRolePolicy?.isEmpty ?? true)) {
      return [errorMessage(this.subject, 'the role trusts no service account', 'at least one',
        'add one with addPodIdentityTrust(), addIrsaTrust() or the podIdentity and irsa props')];
    }
    const errors: string[] = [];
    if (untagged.length > 0) {
      const all = [...untagged.map(b => `${bindingLabel(b)} (session tags disabled)`), ...tagged.map(b => `${bindingLabel(b)} (session tags passed)`)];
      if (this.allowUnscopedPodIdentityTrust) {
        Annotations.of(this).addInfo('Pod Identity trust without conditions (allowUnscopedPodIdentityTrust): any Pod Identity ' +
          `association in the account that names this role can assume it. Service accounts named: ${listed(all)}.`);
      } else {
        errors.push(errorMessage(this.subject,
          `the Pod Identity association of ${listed(untagged.map(bindingLabel))} disables session tags, so the trust needs a statement ` +
          'without conditions, which lets any Pod Identity association in the account that names this role assume it. ' +
          `Service accounts that lose their scoping: ${listed(all)}`,
          'session tags on every association of the role',
          'keep session tags (drop disableSessionTags; a session policy needs them off), give those service accounts a role of their ' +
          'own, or accept the wider trust with allowUnscopedPodIdentityTrust: true on the role (or on the WorkloadIdentity or ' +
          'PodIdentityAssociation that creates it)'));
      }
    }
    const size = policySize(Stack.of(this), this.trustPolicy(), this.knownValues());
    if (size.characters > this.maxTrustPolicySize) {
      const irsa = this.irsaTrust.map(e => e.serviceAccount === undefined
        ? `${e.namespace}/*@${clusterLabel(e.cluster)} (IRSA)` : `${bindingLabel({ ...e, serviceAccount: e.serviceAccount })} (IRSA)`);
      const podIdentity = [...tagged, ...untagged, ...this.chains.map(c => c.binding)].map(b => `${bindingLabel(b)} (Pod Identity)`);
      const tuples = [...new Set([...irsa, ...podIdentity])];
      const advice = this.irsaTrust.length > 0
        ? 'use Pod Identity (its trust does not grow with clusters), trust whole namespaces with addIrsaNamespaceTrust(), or split them over a second role'
        : 'split them over a second role, or use ClusterScope.NAME';
      errors.push(errorMessage(this.subject,
        `the trust policy is ${size.estimated ? 'about ' : ''}${size.characters} characters (whitespace removed) for ` +
        `${tuples.length} service account(s): ${listed(tuples)}`,
        `at most maxTrustPolicySize, ${this.maxTrustPolicySize}`,
        `${advice}; or, if your account's trust policy quota was raised, set maxTrustPolicySize (at most ${MAX_TRUST_SIZE})`));
    }
    return errors;
  }

  /** Deploy-time values of the trust whose literal value is known: the ARNs of the OIDC providers. */
  private knownValues(): Map<string, string> {
    const stack = Stack.of(this);
    const known = new Map<string, string>();
    for (const { provider } of this.irsaTrust) {
      const arn = provider.providerArnFor(this);
      if (provider.literalProviderArn !== undefined && Token.isUnresolved(arn)) {
        known.set(JSON.stringify(stack.resolve(arn)), provider.literalProviderArn);
      }
    }
    return known;
  }

  /** The name of the pre-created role that stands in for this one under `iam.Role.customizeRoles()`, if any. */
  private precreatedRoleName(): string | undefined {
    const context = this.customizeRoles();
    if (context === undefined || context.preventSynthesis === false) return undefined;
    const name = context.usePrecreatedRoles?.[this.node.path];
    return typeof name === 'string' && !Token.isUnresolved(name) ? name : undefined;
  }

  /** The settings of `iam.Role.customizeRoles()` that apply to this role, if any. */
  private customizeRoles(): { preventSynthesis?: boolean; usePrecreatedRoles?: Record<string, unknown> } | undefined {
    return this.node.tryGetContext(CUSTOMIZE_ROLES_CONTEXT_KEY);
  }

  /**
   * Under `iam.Role.customizeRoles()`, aws-cdk-lib records a role's trust in its policy report when the role is
   * constructed, before any binding is added. The report is written after validation, so the complete trust is put there
   * now (aws-cdk-lib core/lib/helpers-internal/customize-roles.ts: the `PolicySynthesizer` at the app root, one
   * `roleReport` entry per role path).
   */
  private reportTrust(): string[] {
    if (this.customizeRoles()?.preventSynthesis === false) {
      // aws-cdk-lib 2.257 then gives every role the ARN of a pre-created role without a name (`arn:<partition>:iam::<account>:role`)
      // and sends its permissions to the report only: associations and ServiceAccounts would name a role that does not exist.
      return [errorMessage(this.subject, 'iam.Role.customizeRoles() is active with preventSynthesis: false, where aws-cdk-lib gives ' +
        `roles the ARN ${show(Stack.of(this).resolve(this.roleArn))} without a role name and keeps their permissions out of the template`,
      'a role ARN that associations and ServiceAccounts can name',
      'use preventSynthesis: true with this role\'s name in usePrecreatedRoles, or leave customizeRoles out')];
    }
    type Report = { roleReport?: Record<string, { assumeRolePolicy?: unknown }> };
    const synthesizer = this.node.root.node.tryFindChild(POLICY_SYNTHESIZER_ID) as Report | undefined;
    const entry = synthesizer?.roleReport?.[this.node.path];
    if (!entry || typeof entry !== 'object') {
      return [errorMessage(this.subject, 'iam.Role.customizeRoles() is active, but aws-cdk-lib\'s policy report has no entry for this role',
        'the report of aws-cdk-lib 2.257 or a compatible version', 'report this with your aws-cdk-lib version')];
    }
    // Rendered here, keys included (aws-cdk-lib resolves only values), with the OIDC providers' ARNs as literals where
    // they are known, and other deploy-time values as <construct path.attribute> placeholders.
    entry.assumeRolePolicy = (JSON.parse(statementsAsJson(this, this.trustStatements(), this.knownValues(), true)) as unknown[]);
    return [];
  }
}
