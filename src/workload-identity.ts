import { Names, Stack, Token, aws_eks as eks } from 'aws-cdk-lib';
import type { aws_iam as iam } from 'aws-cdk-lib';
import type { Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { AddonConflictResolution } from './cluster/pod-identity-agent';
import { assertPodIdentitySupported } from './cluster/pod-identity-support';
import type { IWorkloadCluster } from './cluster/workload-cluster';
import { IdentityMechanism } from './identity-mechanism';
import { ServiceAccount, type ServiceAccountOptions } from './k8s/service-account';
import { explainDeployTimeValue } from './k8s/token-boundary';
import { ClusterOidcProvider } from './oidc/cluster-oidc-provider';
import type { EksAddonOptions } from './pod-identity/eks-addon-options';
import { PodIdentityAgentAddon } from './pod-identity/pod-identity-agent-addon';
import { PodIdentityAssociation, type PodIdentityAssociationOptions } from './pod-identity/pod-identity-association';
import { clusterKey, clusterLabel, register } from './private/app-registry';
import { assertSamePartition } from './private/arns';
import { fail, show, subjectFor, subjectOf, type Subject } from './private/errors';
import { assertEnumValue, assertOptionalBoolean } from './private/names';
import { generateRoleName } from './private/physical-names';
import { literalRoleArn, missingForLiteralArn } from './private/role-arn';
import { bindingKey, bindingLabel, uniqueBindings, validateBinding } from './trust/bindings';
import { ClusterScope } from './trust/cluster-scope';
import { DEFAULT_AUDIENCE, irsaStatements } from './trust/irsa-statements';
import { podIdentityStatements } from './trust/pod-identity-statements';
import { warnUnmanagedTrust } from './trust/required-trust';
import type { ServiceAccountBinding } from './trust/service-account-binding';
import { WorkloadRole } from './workload-role';

/**
 * Properties of a `WorkloadIdentity`.
 *
 * Name the workload's service account with `cluster`, `namespace` and `serviceAccount`, or several service accounts
 * that share the role with `serviceAccounts`.
 */
export interface WorkloadIdentityProps extends PodIdentityAssociationOptions {
  /**
   * The cluster the workload runs on. Required with `namespace` and `serviceAccount`; not used with `serviceAccounts`.
   *
   * @default - none: give `serviceAccounts` instead
   */
  readonly cluster?: IWorkloadCluster;

  /**
   * The namespace of the workload's service account (a DNS-1123 label).
   *
   * @default - none: give `serviceAccounts` instead
   */
  readonly namespace?: string;

  /**
   * The name of the workload's service account (a DNS-1123 subdomain).
   *
   * @default - none: give `serviceAccounts` instead
   */
  readonly serviceAccount?: string;

  /**
   * Several service accounts, on one or several clusters, that share the workload's role: one role with exact trust,
   * one Pod Identity association per service account (construct id `Association.<cluster>.<namespace>.<name>`), and one
   * ServiceAccount per namespace and name in `chart`. Instead of `cluster`, `namespace` and `serviceAccount`.
   *
   * @default - the one service account of `cluster`, `namespace` and `serviceAccount`
   */
  readonly serviceAccounts?: ServiceAccountBinding[];

  /**
   * How the pods get credentials.
   *
   * @default IdentityMechanism.POD_IDENTITY
   */
  readonly mechanism?: IdentityMechanism;

  /**
   * A cdk8s chart to add the Kubernetes ServiceAccount to. Written as YAML, it may hold only literal values: with IRSA
   * the role ARN must then be known at synthesis. A new role gets a generated, stable name for that (unless `roleName`
   * is given), so the stack only needs an explicit account and region. To deploy the chart through CloudFormation
   * instead, where the ARN may be a token, call `k8s.ServiceAccount.allowDeployTimeValues(chart)` and then
   * `cluster.addCdk8sChart(id, chart)`.
   *
   * @default - no Kubernetes objects (the ServiceAccount is managed elsewhere)
   */
  readonly chart?: Chart;

  /**
   * Settings of the ServiceAccount(s) written to `chart` (labels, annotations, image pull secrets, the Namespace).
   *
   * @default - a plain ServiceAccount
   */
  readonly serviceAccountOptions?: ServiceAccountOptions;

  /**
   * The role the workload gets. A `WorkloadRole` (for example one shared by several workloads) gets these
   * service accounts added to its trust; any other role's trust must already admit them (a warning prints the
   * statements it needs).
   *
   * @default - a new `WorkloadRole` (construct id `Role`) trusting exactly these service accounts
   */
  readonly role?: iam.IRole;

  /**
   * A name for the new role. Only without `role`.
   *
   * @default - a name CloudFormation generates; with IRSA and a `chart`, a name generated at synthesis from the
   * stack name, the construct id and a hash of the account, region, stack name and construct path (stable, at most
   * 64 characters), so that the ServiceAccount's role ARN is a literal
   */
  readonly roleName?: string;

  /**
   * Which session tag identifies the cluster in the new role's Pod Identity trust. Only without `role`.
   *
   * @default ClusterScope.ARN
   */
  readonly clusterScope?: ClusterScope;

  /**
   * An EKS managed add-on to create and give the role to, instead of a separate Pod Identity association: the add-on's
   * own `PodIdentityAssociations` (Pod Identity) or `ServiceAccountRoleArn` (IRSA) names the role. The service account
   * is the add-on's own (give its namespace and name). Only with one service account and mechanism `POD_IDENTITY` or
   * `IRSA`, and without the options of a separate association (`targetRole`, `disableSessionTags`, `sessionPolicy`,
   * `tags`).
   *
   * @default - no add-on; Pod Identity gets a separate association
   */
  readonly eksAddon?: EksAddonOptions;

  /**
   * IRSA: the audience of the pod's token, trusted by the role, listed by the IAM OIDC provider, and annotated on
   * the ServiceAccount (`eks.amazonaws.com/audience`) when it is not the one the cluster's webhook injects.
   *
   * @default - the cluster's `defaultAudience` (`sts.amazonaws.com` on EKS)
   */
  readonly audience?: string;

  /**
   * IRSA: annotate the ServiceAccount with `eks.amazonaws.com/sts-regional-endpoints: "true"`, so pods call their
   * region's STS endpoint.
   *
   * @default false
   */
  readonly stsRegionalEndpoints?: boolean;

  /**
   * IRSA: lifetime of the pod's token (`eks.amazonaws.com/token-expiration`), 600 to 86,400 seconds.
   *
   * @default - the webhook's default, 86,400 seconds
   */
  readonly tokenExpiration?: Duration;
}

/**
 * An AWS identity for a Kubernetes workload, from one definition: the IAM role with exact trust, and
 * - for Pod Identity, the association (and the cluster's agent add-on when the cluster says so);
 * - for IRSA, the cluster's IAM OIDC provider (once per issuer) and the role ARN annotation;
 * - for both (a migration), all of it;
 * and the ServiceAccount in a cdk8s chart. One service account, or several sharing the role.
 *
 * It is an `IGrantable`: `bucket.grantRead(identity)` gives the workload read access. With a `targetRole`,
 * grants go to the target role, whose credentials the pods get.
 */
export class WorkloadIdentity extends Construct implements iam.IGrantable {
  public readonly grantPrincipal: iam.IPrincipal;

  /** The role the workload gets (for Pod Identity with a target role: the association role). */
  public readonly role: iam.IRole;

  /** The Pod Identity association, for `POD_IDENTITY` and `BOTH` with one service account (the first, with several). */
  public readonly association?: PodIdentityAssociation;

  /** Every Pod Identity association, one per service account, for `POD_IDENTITY` and `BOTH`. */
  public readonly associations: PodIdentityAssociation[];

  /** The EKS add-on created with `eksAddon`, which names the role. */
  public readonly eksAddon?: eks.CfnAddon;

  /** The ServiceAccount, when a chart was given (the first, with several). */
  public readonly serviceAccount?: ServiceAccount;

  /** Every ServiceAccount written to the chart: one per namespace and name. */
  public readonly serviceAccountObjects: ServiceAccount[];

  /** The service accounts this identity names. */
  public readonly bindings: ServiceAccountBinding[];

  /** The mechanism the workload uses. */
  public readonly mechanism: IdentityMechanism;

  private readonly subject: Subject;

  constructor(scope: Construct, id: string, props: WorkloadIdentityProps) {
    const subject = subjectFor('WorkloadIdentity', scope, id);
    if (props === null || typeof props !== 'object') fail(subject, `props is ${show(props)}`, 'an object');
    for (const flag of ['stsRegionalEndpoints', 'disableSessionTags', 'allowUnscopedPodIdentityTrust'] as const) {
      assertOptionalBoolean(subject, flag, props[flag]);
    }
    const mechanism = props.mechanism ?? IdentityMechanism.POD_IDENTITY;
    assertEnumValue(subject, 'mechanism', mechanism, IdentityMechanism, 'IdentityMechanism');
    const bindings = bindingsOf(subject, props);
    const podIdentity = mechanism !== IdentityMechanism.IRSA;
    const irsa = mechanism !== IdentityMechanism.POD_IDENTITY;
    assertOptionsFit(subject, props, mechanism, podIdentity, irsa);
    super(scope, id);
    this.subject = subjectOf('WorkloadIdentity', this);
    this.mechanism = mechanism;
    this.bindings = bindings;
    const single = props.serviceAccounts === undefined;

    if (props.role) {
      assertSamePartition(this.subject, 'role', props.role.roleArn, Stack.of(this));
    }
    this.role = props.role ?? new WorkloadRole(this, 'Role', {
      roleName: props.roleName ?? (irsa && props.chart ? generateRoleName(this) : undefined),
      clusterScope: props.clusterScope,
      allowUnscopedPodIdentityTrust: props.allowUnscopedPodIdentityTrust,
    });

    if (irsa) {
      for (const binding of bindings) {
        const audience = props.audience ?? binding.cluster.defaultAudience ?? DEFAULT_AUDIENCE;
        if (WorkloadRole.isWorkloadRole(this.role)) {
          this.role.addIrsaTrust(binding, { audience });
        } else {
          const provider = ClusterOidcProvider.forCluster(binding.cluster);
          provider.addAudience(audience);
          const arn = provider.providerArnFor(this.role);
          const known = new Map(provider.literalProviderArn && Token.isUnresolved(arn)
            ? [[JSON.stringify(Stack.of(this).resolve(arn)), provider.literalProviderArn]] : []);
          warnUnmanagedTrust(this, this.role, `IRSA for ${bindingLabel(binding)}`,
            irsaStatements(this.role, [{ ...binding, provider, audience }]), known);
        }
      }
    }

    this.associations = podIdentity && !props.eksAddon ? bindings.map(binding => new PodIdentityAssociation(this,
      single ? 'Association' : associationId(binding), {
        ...binding,
        role: this.role,
        targetRole: props.targetRole,
        disableSessionTags: props.disableSessionTags,
        sessionPolicy: props.sessionPolicy,
        tags: props.tags,
      })) : [];
    if (props.eksAddon) this.eksAddon = this.createEksAddon(props.eksAddon, bindings[0], podIdentity);
    this.association = this.associations[0];
    this.grantPrincipal = (props.targetRole ?? this.role).grantPrincipal;

    this.serviceAccountObjects = props.chart ? this.addServiceAccounts(props.chart, props, irsa) : [];
    this.serviceAccount = this.serviceAccountObjects[0];
    // The ServiceAccounts' own checks (a deploy-time role ARN in a chart written as YAML) run at CDK synthesis too, so
    // that `app.synth()` fails before it writes a template whose YAML half cannot be written.
    this.node.addValidation({ validate: () => this.serviceAccountObjects.flatMap(sa => sa.node.validate()) });
  }

  /**
   * The EKS add-on that names the role itself: `PodIdentityAssociations` for Pod Identity (EKS creates the association;
   * there is still at most one per service account in the app), `ServiceAccountRoleArn` for IRSA.
   */
  private createEksAddon(options: EksAddonOptions, binding: ServiceAccountBinding, podIdentity: boolean): eks.CfnAddon {
    const cluster = binding.cluster;
    if (podIdentity) {
      assertPodIdentitySupported(this.subject, cluster);
      const existing = register(this, `pod-identity-association:${bindingKey(binding)}`);
      if (existing) {
        fail(this.subject, `service account ${bindingLabel(binding)} already has a Pod Identity association at ${existing.node.path}`,
          'one association per cluster, namespace and service account (an EKS rule)');
      }
      if (WorkloadRole.isWorkloadRole(this.role)) {
        this.role.addPodIdentityTrust(binding);
      } else {
        warnUnmanagedTrust(this, this.role, `Pod Identity for ${bindingLabel(binding)}`, podIdentityStatements([binding], 'arn'));
      }
    }
    const other = register(this, `eks-addon:${clusterKey(cluster)}:${options.addonName}`);
    if (other) {
      fail(this.subject, `cluster "${clusterLabel(cluster)}" already has the EKS add-on ${show(options.addonName)} at ${other.node.path}`,
        'each EKS add-on once per cluster', 'give the add-on its identity once');
    }
    const addon = new eks.CfnAddon(this, 'Addon', {
      addonName: options.addonName,
      clusterName: cluster.clusterName,
      addonVersion: options.addonVersion,
      configurationValues: options.configurationValues,
      resolveConflicts: options.resolveConflicts,
      preserveOnDelete: options.preserveOnDelete,
      ...(podIdentity
        ? { podIdentityAssociations: [{ serviceAccount: binding.serviceAccount, roleArn: this.role.roleArn }] }
        : { serviceAccountRoleArn: this.role.roleArn }),
    });
    if (podIdentity) {
      const agent = PodIdentityAgentAddon.forCluster(cluster);
      if (agent) addon.node.addDependency(agent);
    }
    return addon;
  }

  private addServiceAccounts(chart: Chart, props: WorkloadIdentityProps, irsa: boolean): ServiceAccount[] {
    // One ServiceAccount per namespace and name: the same object serves every cluster the chart is applied to.
    const seen = new Map<string, ServiceAccountBinding>();
    for (const b of this.bindings) {
      const key = `${b.namespace}/${b.serviceAccount}`;
      if (!seen.has(key)) seen.set(key, b);
    }
    const roleArn = irsa ? this.literalOrTokenRoleArn() : undefined;
    return [...seen.values()].map(binding => {
      const saId = `${binding.namespace}-${binding.serviceAccount}`;
      const existing = chart.node.tryFindChild(saId);
      if (existing) {
        fail(this.subject, `chart ${chart.node.path} already has ServiceAccount ${binding.namespace}/${binding.serviceAccount} ` +
          `(construct ${existing.node.path})`, 'each service account once per chart',
        'give both workloads one WorkloadIdentity with serviceAccounts, or share a WorkloadRole through role');
      }
      const sa = new ServiceAccount(chart, saId, {
        ...props.serviceAccountOptions,
        name: binding.serviceAccount,
        namespace: binding.namespace,
        ...(irsa ? {
          roleArn: roleArn!.arn,
          audience: props.audience,
          webhookAudience: binding.cluster.defaultAudience,
          stsRegionalEndpoints: props.stsRegionalEndpoints,
          tokenExpiration: props.tokenExpiration,
        } : {}),
      });
      if (roleArn?.whyToken) explainDeployTimeValue(sa, 'annotation eks.amazonaws.com/role-arn', roleArn.whyToken);
      return sa;
    });
  }

  /**
   * The role's ARN for the ServiceAccount's annotation: a literal when it is known at synthesis, so the chart can be
   * written as YAML; else the token (which resolves when the chart is deployed through CloudFormation, and which the
   * ServiceAccount refuses in YAML), with the reason, naming only what the user can set.
   */
  private literalOrTokenRoleArn(): { arn: string; whyToken?: string } {
    const literal = literalRoleArn(this.role);
    if (literal !== undefined) return { arn: literal };
    const stack = Stack.of(this.role);
    // iam.Role's physical name: the roleName prop, or a token when CloudFormation names the role.
    const name = (this.role as unknown as { physicalName?: string }).physicalName;
    if (WorkloadRole.isWorkloadRole(this.role) && this.role.node.scope === this) {
      // The role's name is generated whenever the stack's account and region are known: only those can be missing.
      const missing = missingForLiteralArn(stack, name === undefined || Token.isUnresolved(name) ? 'generated' : name);
      return { arn: this.role.roleArn, whyToken: `WorkloadIdentity ${this.node.path} creates its role in a stack without ${missing ?? 'a literal ARN'}` };
    }
    const missing = WorkloadRole.isWorkloadRole(this.role) ? missingForLiteralArn(stack, name) : undefined;
    return {
      arn: this.role.roleArn,
      whyToken: `the role ${this.role.node.path} (passed as role) has no literal ARN: ` +
        (missing ? `${missing.replace('the role\'s name (set roleName)', 'its name (set roleName on that role)')} is not known at synthesis`
          : 'import it with its ARN (iam.Role.fromRoleArn)'),
    };
  }
}

/** The service accounts `props` names, checked: one (cluster, namespace, serviceAccount) or the list. */
function bindingsOf(subject: Subject, props: WorkloadIdentityProps): ServiceAccountBinding[] {
  const singleProps = (['cluster', 'namespace', 'serviceAccount'] as const).filter(p => props[p] !== undefined);
  if (props.serviceAccounts !== undefined) {
    if (!Array.isArray(props.serviceAccounts)) fail(subject, `serviceAccounts is ${show(props.serviceAccounts)}`, 'a list of service accounts');
    if (singleProps.length > 0) {
      fail(subject, `${singleProps.join(', ')} ${singleProps.length === 1 ? 'is' : 'are'} set together with serviceAccounts`,
        'either cluster, namespace and serviceAccount, or serviceAccounts', 'put each service account, with its cluster, in serviceAccounts');
    }
    if (props.serviceAccounts.length === 0) fail(subject, 'serviceAccounts is empty', 'at least one service account');
    props.serviceAccounts.forEach(b => validateBinding(subject, b));
    const unique = uniqueBindings(props.serviceAccounts);
    if (unique.length !== props.serviceAccounts.length) {
      const counts = new Map<string, number>();
      props.serviceAccounts.forEach(b => counts.set(bindingKey(b), (counts.get(bindingKey(b)) ?? 0) + 1));
      const twice = unique.filter(b => (counts.get(bindingKey(b)) ?? 0) > 1).map(bindingLabel);
      fail(subject, `serviceAccounts names ${twice.join(', ')} more than once`, 'each service account once');
    }
    return unique;
  }
  const missing = (['cluster', 'namespace', 'serviceAccount'] as const).filter(p => props[p] === undefined);
  if (missing.length > 0) {
    fail(subject, `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set`,
      'cluster, namespace and serviceAccount (one service account), or serviceAccounts (several)');
  }
  const binding = { cluster: props.cluster!, namespace: props.namespace!, serviceAccount: props.serviceAccount! };
  validateBinding(subject, binding);
  return [binding];
}

function assertOptionsFit(subject: Subject, props: WorkloadIdentityProps, mechanism: string, podIdentity: boolean, irsa: boolean): void {
  if (!props.chart && props.serviceAccountOptions) {
    fail(subject, 'serviceAccountOptions are set but chart is not', 'a chart to write the ServiceAccount to',
      'pass chart, or remove serviceAccountOptions');
  }
  const set = (names: Array<keyof WorkloadIdentityProps>) => names.filter(n => props[n] !== undefined);
  const newRoleOnly = [...set(['roleName', 'clusterScope']), ...(props.allowUnscopedPodIdentityTrust ? ['allowUnscopedPodIdentityTrust' as const] : [])];
  if (props.role && newRoleOnly.length > 0) {
    fail(subject, `${newRoleOnly.join(', ')} ${newRoleOnly.length === 1 ? 'is' : 'are'} set together with role ${props.role.node.path}`,
      'them only for the new role this identity creates', 'set them on that WorkloadRole instead, or remove role');
  }
  if (props.clusterScope !== undefined) assertEnumValue(subject, 'clusterScope', props.clusterScope, ClusterScope, 'ClusterScope');
  const podIdentityOnly = set(['targetRole', 'disableSessionTags', 'sessionPolicy', 'tags', 'allowUnscopedPodIdentityTrust', 'clusterScope']);
  if (!podIdentity && podIdentityOnly.length > 0) {
    fail(subject, `${podIdentityOnly.join(', ')} ${podIdentityOnly.length === 1 ? 'is' : 'are'} set with mechanism ${mechanism}`,
      'them only with POD_IDENTITY or BOTH: they configure the Pod Identity association or its trust', 'remove them, or change mechanism');
  }
  const irsaOnly = set(['audience', 'stsRegionalEndpoints', 'tokenExpiration']);
  if (!irsa && irsaOnly.length > 0) {
    fail(subject, `${irsaOnly.join(', ')} ${irsaOnly.length === 1 ? 'is' : 'are'} set with mechanism ${mechanism}`,
      'them only with IRSA or BOTH: they configure IRSA', 'remove them, or change mechanism');
  }
  if (props.eksAddon !== undefined) assertEksAddonFits(subject, props, mechanism);
  if (irsa && props.targetRole) {
    fail(subject, `targetRole is set with mechanism ${mechanism}`, 'targetRole only with POD_IDENTITY: IRSA pods would get the association role',
      'grant what the workload needs to the role itself');
  }
}

// EKS add-on names: lowercase letters, digits and '-' (aws eks describe-addon-versions); versions like v1.41.0-eksbuild.1.
const ADDON_NAME = /^[a-z0-9][a-z0-9-]{0,99}$/;
const ADDON_VERSION = /^v\d+\.\d+\.\d+-eksbuild\.\d+$/;

function assertEksAddonFits(subject: Subject, props: WorkloadIdentityProps, mechanism: string): void {
  const options = props.eksAddon!;
  if (options === null || typeof options !== 'object') fail(subject, `eksAddon is ${show(options)}`, 'EksAddonOptions');
  if (typeof options.addonName !== 'string' || (!Token.isUnresolved(options.addonName) && !ADDON_NAME.test(options.addonName))) {
    fail(subject, `eksAddon.addonName is ${show(options.addonName)}`, 'an EKS add-on name such as aws-ebs-csi-driver');
  }
  if (options.addonName === 'eks-pod-identity-agent') {
    fail(subject, 'eksAddon.addonName is "eks-pod-identity-agent"', 'an add-on that runs a workload',
      'the agent add-on comes from the cluster\'s podIdentityAgent (PodIdentityAgent.addon())');
  }
  if (options.addonVersion !== undefined && !Token.isUnresolved(options.addonVersion) && !ADDON_VERSION.test(options.addonVersion)) {
    fail(subject, `eksAddon.addonVersion is ${show(options.addonVersion)}`, 'an EKS add-on version like "v1.41.0-eksbuild.1"');
  }
  if (options.resolveConflicts !== undefined) {
    assertEnumValue(subject, 'eksAddon.resolveConflicts', options.resolveConflicts, AddonConflictResolution, 'AddonConflictResolution');
  }
  assertOptionalBoolean(subject, 'eksAddon.preserveOnDelete', options.preserveOnDelete);
  if (props.serviceAccounts !== undefined) {
    fail(subject, 'eksAddon is set together with serviceAccounts', 'eksAddon with one service account (the add-on\'s own)');
  }
  if (mechanism === IdentityMechanism.BOTH) {
    fail(subject, 'eksAddon is set with mechanism BOTH', 'POD_IDENTITY or IRSA: an add-on names its role one way',
      'move the add-on from IRSA to Pod Identity in one deployment; it restarts its pods itself');
  }
  const associationOnly = (['targetRole', 'disableSessionTags', 'sessionPolicy', 'tags'] as const).filter(n => props[n] !== undefined);
  if (associationOnly.length > 0) {
    fail(subject, `${associationOnly.join(', ')} ${associationOnly.length === 1 ? 'is' : 'are'} set together with eksAddon`,
      'them only with a separate association: an EKS add-on\'s PodIdentityAssociations take a service account and a role only');
  }
}

/** A construct id for the association of `binding`, stable when other service accounts are added or reordered. */
function associationId(binding: ServiceAccountBinding): string {
  const cluster = Token.isUnresolved(binding.cluster.clusterName) ? Names.uniqueId(binding.cluster) : binding.cluster.clusterName;
  return `Association.${cluster}.${binding.namespace}.${binding.serviceAccount}`;
}
