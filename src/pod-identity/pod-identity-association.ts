import { Annotations, ArnFormat, Fn, Resource, Stack, Tags, Token, aws_eks as eks, aws_iam as iam } from 'aws-cdk-lib';
import type { IResource, TagManager } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { PodIdentityAgentAddon } from './pod-identity-agent-addon';
import { assertPodIdentitySupported } from '../cluster/pod-identity-support';
import { clusterLabel, register } from '../private/app-registry';
import { assertSamePartition, parseArn } from '../private/arns';
import { errorMessage, fail, show, subjectFor, subjectOf, type Subject } from '../private/errors';
import { assertOptionalBoolean } from '../private/names';
import { bindingKey, bindingLabel, validateBinding } from '../trust/bindings';
import {
  POD_IDENTITY_ACTIONS, podIdentityExternalId, podIdentityStatements, targetRoleStatements, unscopedPodIdentityStatement,
} from '../trust/pod-identity-statements';
import { policySize } from '../trust/policy-size';
import { warnUnmanagedTrust } from '../trust/required-trust';
import type { ServiceAccountBinding } from '../trust/service-account-binding';
import { WorkloadRole } from '../workload-role';

/**
 * An EKS Pod Identity association.
 */
export interface IPodIdentityAssociation extends IResource {
  /**
   * The association's ARN.
   *
   * @attribute
   */
  readonly associationArn: string;

  /**
   * The association's id (`a-...`).
   *
   * @attribute
   */
  readonly associationId: string;
}

/**
 * Settings of a Pod Identity association beyond its service account and role.
 */
export interface PodIdentityAssociationOptions {
  /**
   * A role to assume with the association role's credentials (role chaining, usually into another account).
   * The association role is granted `sts:AssumeRole` and `sts:TagSession` on it; when it is a `WorkloadRole`,
   * its trust admits the association role for this service account. Any other role gets a warning with the
   * statement its trust needs.
   *
   * @default - pods get the association role's credentials
   */
  readonly targetRole?: iam.IRole;

  /**
   * Do not pass the six EKS session tags. Nothing in the request then names the service account, so the role's
   * trust cannot be scoped to it: that needs `allowUnscopedPodIdentityTrust: true`.
   *
   * @default false
   */
  readonly disableSessionTags?: boolean;

  /**
   * Accept, for a role this construct creates, a Pod Identity trust statement without conditions, which
   * `disableSessionTags: true` needs: any Pod Identity association in the account that names the role can then assume
   * it. For a role you pass (`role`), set `allowUnscopedPodIdentityTrust` on that `WorkloadRole` instead.
   *
   * @default false
   */
  readonly allowUnscopedPodIdentityTrust?: boolean;

  /**
   * A session policy that narrows what the credentials allow. Requires `disableSessionTags: true`
   * (an EKS rule); at most 2,048 characters (the STS limit for session policies), checked at synthesis.
   *
   * @default - none
   */
  readonly sessionPolicy?: iam.PolicyDocument;

  /**
   * Tags for the association: at most 50, keys of 1 to 128 and values of at most 256 characters, neither starting
   * with `aws:`.
   *
   * @default - none
   */
  readonly tags?: Record<string, string>;
}

/**
 * Properties of a `PodIdentityAssociation`.
 */
export interface PodIdentityAssociationProps extends ServiceAccountBinding, PodIdentityAssociationOptions {
  /**
   * The role pods of the service account get. A `WorkloadRole` gets the trust it needs added; any other role's
   * trust must already admit `pods.eks.amazonaws.com` for this service account (a warning prints the statement).
   *
   * @default - a new `WorkloadRole` trusting exactly this service account
   */
  readonly role?: iam.IRole;
}

// Association ARNs: arn:<partition>:eks:<region>:<account>:podidentityassociation/<cluster>/<id>.
const ASSOCIATION_ARN = /^arn:aws[a-z0-9-]*:eks:[a-z0-9-]+:\d{12}:podidentityassociation\/[^/]+\/(a-[a-z0-9]+)$/;
// STS AssumeRole `Policy` parameter: at most 2,048 characters (STS API reference).
const MAX_SESSION_POLICY = 2048;
// EKS tags (EKS API reference, TagResource; "Tagging your Amazon EKS resources"): at most 50 per resource, keys of
// 1 to 128 and values of at most 256 Unicode characters, letters, numbers, spaces and + - = . _ : / @, and no `aws:`
// prefix in any case on keys or values (reserved for AWS).
const MAX_TAGS = 50;
const MAX_TAG_KEY = 128;
const MAX_TAG_VALUE = 256;
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const RESERVED_TAG_PREFIX = /^aws:/i;
// IAM role ARNs: arn:<partition>:iam::<account>:role/<path><name>.
const ROLE_RESOURCE = /^role\/[\w+=,.@/-]+$/;

/**
 * An EKS Pod Identity association (`AWS::EKS::PodIdentityAssociation`): pods that use the service account
 * get the role's credentials through the Pod Identity Agent.
 *
 * At most one association exists per (cluster, namespace, service account) in an app. When the cluster's agent
 * is provided as an add-on, the add-on is created once for the cluster.
 */
export class PodIdentityAssociation extends Resource implements IPodIdentityAssociation {
  /**
   * Import an existing association by ARN.
   */
  public static fromAssociationArn(scope: Construct, id: string, associationArn: string): IPodIdentityAssociation {
    let associationId: string;
    if (typeof associationArn !== 'string') {
      fail(subjectFor('PodIdentityAssociation', scope, id), `associationArn is ${show(associationArn)}`, 'a Pod Identity association ARN');
    }
    if (Token.isUnresolved(associationArn)) {
      const resourceName = Stack.of(scope).splitArn(associationArn, ArnFormat.SLASH_RESOURCE_NAME).resourceName!;
      associationId = Fn.select(1, Fn.split('/', resourceName));
    } else {
      const match = ASSOCIATION_ARN.exec(associationArn);
      if (!match) {
        fail(subjectFor('PodIdentityAssociation', scope, id), `associationArn ${show(associationArn)} is not a Pod Identity association ARN`,
          'arn:<partition>:eks:<region>:<account>:podidentityassociation/<cluster>/a-<id>');
      }
      associationId = match[1];
    }
    class Import extends Resource implements IPodIdentityAssociation {
      public readonly associationArn = associationArn;
      public readonly associationId = associationId;
    }
    return new Import(scope, id, Token.isUnresolved(associationArn) ? {} : { environmentFromArn: associationArn });
  }

  public readonly associationArn: string;
  public readonly associationId: string;

  /**
   * The `sts:ExternalId` EKS Pod Identity sets when it assumes the target role, in the form the EKS User Guide gives
   * ("Assign a target IAM role to an EKS Pod Identity association"): `<region>/<account>/<cluster>/<namespace>/<service
   * account>`. A target `WorkloadRole`'s trust uses exactly this value when session tags are disabled. It is known at
   * synthesis when the cluster's region, account and name are, so another account's role can name it.
   *
   * The EKS API reference describes the association's `ExternalId` attribute (`associationExternalId`) as "the unique
   * identifier for this EKS Pod Identity association for a target IAM role"; whether EKS sends that value or this one
   * is not confirmed (see the README's limitations).
   */
  public readonly externalId: string;

  /**
   * The association's `ExternalId` attribute, as EKS reports it (CloudFormation `Fn::GetAtt`), when it has a target role.
   *
   * @attribute
   */
  public readonly associationExternalId: string;

  /** The role the association names. */
  public readonly role: iam.IRole;

  /** The target role, when the association chains into one. */
  public readonly targetRole?: iam.IRole;

  private readonly subject: Subject;
  private readonly sessionPolicy?: iam.PolicyDocument;

  constructor(scope: Construct, id: string, props: PodIdentityAssociationProps) {
    const subject = subjectFor('PodIdentityAssociation', scope, id);
    validateBinding(subject, props);
    assertOptionalBoolean(subject, 'disableSessionTags', props.disableSessionTags);
    assertOptionalBoolean(subject, 'allowUnscopedPodIdentityTrust', props.allowUnscopedPodIdentityTrust);
    assertPodIdentitySupported(subject, props.cluster);
    if (props.role && props.allowUnscopedPodIdentityTrust) {
      fail(subject, `allowUnscopedPodIdentityTrust is set together with role ${props.role.node.path}`,
        'it only for a role this association creates', 'set allowUnscopedPodIdentityTrust on that WorkloadRole instead');
    }
    validateTags(subject, props.tags);
    super(scope, id);
    this.subject = subjectOf('PodIdentityAssociation', this);
    const existing = register(this, `pod-identity-association:${bindingKey(props)}`);
    if (existing) {
      fail(subject, `service account ${bindingLabel(props)} already has a Pod Identity association at ${existing.node.path}`,
        'one association per cluster, namespace and service account (an EKS rule)', 'share that association\'s role instead');
    }
    this.assertSameEnvironment(props);

    const sessionTags = !props.disableSessionTags;
    if (props.sessionPolicy && sessionTags) {
      fail(subject, 'sessionPolicy is set while session tags are enabled', 'disableSessionTags: true with a session policy',
        'EKS rejects a session policy when session tags are enabled');
    }
    this.sessionPolicy = props.sessionPolicy;

    this.role = props.role ?? new WorkloadRole(this, 'Role', { allowUnscopedPodIdentityTrust: props.allowUnscopedPodIdentityTrust });
    if (WorkloadRole.isWorkloadRole(this.role)) {
      this.role.addPodIdentityTrust(props, { sessionTags });
    } else {
      const statement = sessionTags ? podIdentityStatements([props], 'arn') : [unscopedPodIdentityStatement()];
      warnUnmanagedTrust(this, this.role, `Pod Identity for ${bindingLabel(props)}`, statement);
    }

    this.targetRole = props.targetRole;
    if (props.targetRole) this.chainInto(props.targetRole, props, sessionTags);

    PodIdentityAgentAddon.forCluster(props.cluster);
    const resource = new eks.CfnPodIdentityAssociation(this, 'Resource', {
      clusterName: props.cluster.clusterName,
      namespace: props.namespace,
      serviceAccount: props.serviceAccount,
      roleArn: this.role.roleArn,
      targetRoleArn: props.targetRole?.roleArn,
      disableSessionTags: props.disableSessionTags,
      policy: props.sessionPolicy ? Stack.of(this).toJsonString(props.sessionPolicy) : undefined,
    });
    for (const [key, value] of Object.entries(props.tags ?? {})) Tags.of(resource).add(key, value);

    this.associationArn = resource.attrAssociationArn;
    this.associationId = resource.attrAssociationId;
    this.associationExternalId = resource.attrExternalId;
    this.externalId = podIdentityExternalId(props);
    this.node.addValidation({ validate: () => [...this.validateSessionPolicy(), ...this.validateTagCount(resource.cdkTagManager)] });
  }

  private chainInto(target: iam.IRole, binding: ServiceAccountBinding, sessionTags: boolean): void {
    const targetArn = parseArn(target.roleArn);
    if (targetArn && (targetArn.service !== 'iam' || !ROLE_RESOURCE.test(targetArn.resource))) {
      fail(this.subject, `targetRole ${show(target.roleArn)} is not an IAM role ARN`, 'arn:<partition>:iam::<account>:role/<name>',
        'import the role with iam.Role.fromRoleArn() using its role ARN');
    }
    assertSamePartition(this.subject, 'targetRole', target.roleArn, Stack.of(this));
    if (target === this.role || (!Token.isUnresolved(target.roleArn) && target.roleArn === this.role.roleArn)) {
      fail(this.subject, `targetRole is the association role itself (${Token.isUnresolved(target.roleArn) ? target.node.path : target.roleArn})`,
        'a different role to chain into', 'omit targetRole to give pods the association role\'s credentials');
    }
    const grant = iam.Grant.addToPrincipal({ grantee: this.role, actions: POD_IDENTITY_ACTIONS, resourceArns: [target.roleArn] });
    if (!grant.success) {
      Annotations.of(this).addWarningV2('cdk-workload-identity:targetRoleNotGranted',
        `Could not add sts:AssumeRole and sts:TagSession on the target role to ${this.role.node.path} (an immutable ` +
        'role): grant them yourself, or pods cannot chain into the target role.');
    }
    if (WorkloadRole.isWorkloadRole(target)) {
      target.addPodIdentityTargetTrust(this.role, binding, { sessionTags });
    } else {
      warnUnmanagedTrust(this, target, `the target role of ${bindingLabel(binding)}`,
        targetRoleStatements([{ associationRole: this.role, binding, sessionTags }], 'arn'));
    }
  }

  /** The session policy, as it is at synthesis (statements may have been added after construction). */
  private validateSessionPolicy(): string[] {
    const policy = this.sessionPolicy;
    if (!policy) return [];
    if (policy.isEmpty) {
      return [errorMessage(this.subject, 'sessionPolicy has no statements, so the credentials would allow nothing',
        'at least one statement', 'remove sessionPolicy, or add the statements the workload needs')];
    }
    const invalid = policy.validateForIdentityPolicy();
    if (invalid.length > 0) {
      return invalid.map(e => errorMessage(this.subject, `sessionPolicy has a statement a session policy cannot have (${e.replace(/\.$/, '')})`,
        'statements with actions and resources, without principals'));
    }
    const size = policySize(Stack.of(this), policy);
    if (size.characters > MAX_SESSION_POLICY) {
      return [errorMessage(this.subject, `sessionPolicy is ${size.estimated ? 'about ' : ''}${size.characters} characters (whitespace removed)`,
        `at most ${MAX_SESSION_POLICY} characters (the STS limit for session policies)`, 'narrow it, or use fewer resources with wildcards')];
    }
    return [];
  }

  /** The tags of the association at synthesis, including those applied with `Tags.of()` to a scope above it. */
  private validateTagCount(tags: TagManager): string[] {
    const all = tags.tagValues();
    const count = Object.keys(all).length;
    if (count > MAX_TAGS) {
      return [errorMessage(this.subject, `the association has ${count} tags (its own and those applied with Tags.of() above it)`,
        `at most ${MAX_TAGS} (an EKS limit)`)];
    }
    return Object.entries(all).flatMap(([key, value]) => {
      try {
        validateTags(this.subject, { [key]: value });
        return [];
      } catch (e) {
        return [(e as Error).message];
      }
    });
  }

  /** The association lives in the cluster's account and region, and its role in the cluster's account (EKS rules). */
  private assertSameEnvironment(props: PodIdentityAssociationProps): void {
    const cluster = props.cluster.env;
    const here = this.env;
    const differs = (a: string, b: string) => !Token.isUnresolved(a) && !Token.isUnresolved(b) && a !== b;
    if (differs(cluster.region, here.region) || differs(cluster.account, here.account)) {
      fail(this.subject, `cluster "${clusterLabel(props.cluster)}" is in ${cluster.account}/${cluster.region}, but the association's ` +
        `stack deploys to ${here.account}/${here.region}`, 'the association in the cluster\'s account and region',
      'create the association in a stack of the cluster\'s account and region');
    }
    if (props.role) {
      const arn = parseArn(props.role.roleArn);
      if (arn && (arn.service !== 'iam' || !ROLE_RESOURCE.test(arn.resource))) {
        fail(this.subject, `role ${show(props.role.roleArn)} is not an IAM role ARN`, 'arn:<partition>:iam::<account>:role/<name>');
      }
      assertSamePartition(this.subject, 'role', props.role.roleArn, Stack.of(this));
      if (differs(props.role.env.account, cluster.account)) {
        fail(this.subject, `role ${show(props.role.roleArn)} is in account ${props.role.env.account}`,
          `the association role in the cluster's account ${cluster.account} (an EKS rule)`, 'use targetRole for a role in another account');
      }
    }
  }
}

/** Throws unless `tags` are tags EKS accepts (see the limits above). Tokens are not checked. */
function validateTags(subject: Subject, tags: Record<string, string> | undefined): void {
  if (tags === undefined) return;
  if (tags === null || typeof tags !== 'object') fail(subject, `tags is ${show(tags)}`, 'an object of tag keys and values');
  const entries = Object.entries(tags);
  if (entries.length > MAX_TAGS) fail(subject, `tags has ${entries.length} tags`, `at most ${MAX_TAGS} (an EKS limit)`);
  for (const [key, value] of entries) {
    if (typeof value !== 'string') fail(subject, `tag ${show(key)} has value ${show(value)}`, 'a string');
    if (Token.isUnresolved(key) || Token.isUnresolved(value)) continue;
    const rule = `keys of 1 to ${MAX_TAG_KEY} and values of at most ${MAX_TAG_VALUE} characters: letters, digits, spaces and + - = . _ : / @, ` +
      'neither starting with aws: (reserved for AWS)';
    if (key.length === 0 || [...key].length > MAX_TAG_KEY) fail(subject, `tag key ${show(key)} has ${[...key].length} characters`, rule);
    if ([...value].length > MAX_TAG_VALUE) fail(subject, `the value of tag ${show(key)} has ${[...value].length} characters`, rule);
    if (RESERVED_TAG_PREFIX.test(key)) fail(subject, `tag key ${show(key)} starts with aws:, which is reserved for AWS`, rule);
    if (RESERVED_TAG_PREFIX.test(value)) fail(subject, `the value of tag ${show(key)}, ${show(value)}, starts with aws:, which is reserved for AWS`, rule);
    if (!TAG_CHARACTERS.test(key)) fail(subject, `tag key ${show(key)} has characters EKS does not accept`, rule);
    if (!TAG_CHARACTERS.test(value)) fail(subject, `the value of tag ${show(key)}, ${show(value)}, has characters EKS does not accept`, rule);
  }
}
