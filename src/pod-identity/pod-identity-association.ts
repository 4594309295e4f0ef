import { Annotations, ArnFormat, Fn, IResource, Resource, Stack, Tags, Token, aws_eks as eks, aws_iam as iam } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { PodIdentityAgentAddon } from './pod-identity-agent-addon';
import { clusterLabel, register } from '../private/app-registry';
import { bindingKey, bindingLabel, validateBinding } from '../private/bindings';
import { POD_IDENTITY_ACTIONS } from '../private/pod-identity-statements';
import { assertPodIdentitySupported } from '../private/pod-identity-support';
import { policySize } from '../private/policy-size';
import { ServiceAccountBinding } from '../trust/service-account-binding';
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
   * its trust admits the association role for this service account.
   *
   * @default - pods get the association role's credentials
   */
  readonly targetRole?: iam.IRole;

  /**
   * Do not pass the six EKS session tags. The role's trust then cannot name the service account.
   *
   * @default false
   */
  readonly disableSessionTags?: boolean;

  /**
   * A session policy that narrows what the credentials allow. Requires `disableSessionTags: true`
   * (an EKS rule); at most 2,048 characters (the STS limit for session policies).
   *
   * @default - none
   */
  readonly sessionPolicy?: iam.PolicyDocument;

  /**
   * Tags for the association.
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
   * trust must already admit `pods.eks.amazonaws.com` for this service account.
   *
   * @default - a new `WorkloadRole` trusting exactly this service account
   */
  readonly role?: iam.IRole;
}

// Association ARNs: arn:<partition>:eks:<region>:<account>:podidentityassociation/<cluster>/<id>.
const ASSOCIATION_ARN = /^arn:aws[a-z0-9-]*:eks:[a-z0-9-]+:\d{12}:podidentityassociation\/[^/]+\/(a-[a-z0-9]+)$/;
// STS AssumeRole `Policy` parameter: at most 2,048 characters (STS API reference).
const MAX_SESSION_POLICY = 2048;

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
    if (Token.isUnresolved(associationArn)) {
      const resourceName = Stack.of(scope).splitArn(associationArn, ArnFormat.SLASH_RESOURCE_NAME).resourceName!;
      associationId = Fn.select(1, Fn.split('/', resourceName));
    } else {
      const match = ASSOCIATION_ARN.exec(associationArn);
      if (!match) {
        throw new Error(`Invalid Pod Identity association ARN ${JSON.stringify(associationArn)}: expected ` +
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
   * The unique id to put in a target role's trust as `sts:ExternalId` (EKS fills it in when a target role is set).
   *
   * @attribute
   */
  public readonly externalId: string;

  /** The role the association names. */
  public readonly role: iam.IRole;

  /** The target role, when the association chains into one. */
  public readonly targetRole?: iam.IRole;

  constructor(scope: Construct, id: string, props: PodIdentityAssociationProps) {
    super(scope, id);
    const where = `PodIdentityAssociation ${this.node.path}`;
    validateBinding(props);
    assertPodIdentitySupported(props.cluster, where);
    const existing = register(this, `pod-identity-association:${bindingKey(props)}`);
    if (existing) {
      throw new Error(`${where}: service account ${bindingLabel(props)} already has a Pod Identity association at ` +
        `${existing.node.path}. EKS allows one association per cluster, namespace and service account.`);
    }
    this.assertSameEnvironment(props);

    const sessionTags = !props.disableSessionTags;
    let sessionPolicy: string | undefined;
    if (props.sessionPolicy) {
      if (sessionTags) {
        throw new Error(`${where}: sessionPolicy requires disableSessionTags: true (EKS rejects a session policy ` +
          'when session tags are enabled)');
      }
      const size = policySize(Stack.of(this), props.sessionPolicy);
      if (size.characters > MAX_SESSION_POLICY) {
        throw new Error(`${where}: sessionPolicy is ${size.characters} characters, over the STS limit of ${MAX_SESSION_POLICY}`);
      }
      sessionPolicy = Stack.of(this).toJsonString(props.sessionPolicy);
    }

    this.role = props.role ?? new WorkloadRole(this, 'Role');
    if (WorkloadRole.isWorkloadRole(this.role)) {
      this.role.addPodIdentityTrust(props, { sessionTags });
    } else {
      Annotations.of(this).addInfo(`The trust policy of ${this.role.node.path} is not managed here: it must admit ` +
        `pods.eks.amazonaws.com (sts:AssumeRole, sts:TagSession) for ${bindingLabel(props)}.`);
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
      policy: sessionPolicy,
    });
    for (const [key, value] of Object.entries(props.tags ?? {})) Tags.of(resource).add(key, value);

    this.associationArn = resource.attrAssociationArn;
    this.associationId = resource.attrAssociationId;
    this.externalId = resource.attrExternalId;
  }

  private chainInto(target: iam.IRole, binding: ServiceAccountBinding, sessionTags: boolean): void {
    const grant = iam.Grant.addToPrincipal({ grantee: this.role, actions: POD_IDENTITY_ACTIONS, resourceArns: [target.roleArn] });
    if (!grant.success) {
      Annotations.of(this).addWarningV2('cdk-workload-identity:targetRoleNotGranted',
        `Could not add sts:AssumeRole and sts:TagSession on the target role to ${this.role.node.path} (an immutable ` +
        'role): grant them yourself, or pods cannot chain into the target role.');
    }
    if (WorkloadRole.isWorkloadRole(target)) {
      target.addPodIdentityTargetTrust(this.role, binding, { sessionTags });
    }
  }

  /** The association lives in the cluster's account and region, and its role in the cluster's account (EKS rules). */
  private assertSameEnvironment(props: PodIdentityAssociationProps): void {
    const cluster = props.cluster.env;
    const here = this.env;
    const differs = (a: string, b: string) => !Token.isUnresolved(a) && !Token.isUnresolved(b) && a !== b;
    if (differs(cluster.region, here.region) || differs(cluster.account, here.account)) {
      throw new Error(`PodIdentityAssociation ${this.node.path}: cluster "${clusterLabel(props.cluster)}" is in ` +
        `${cluster.account}/${cluster.region}, but the association's stack deploys to ${here.account}/${here.region}. ` +
        'Create the association in a stack of the cluster\'s account and region.');
    }
    if (props.role && differs(props.role.env.account, cluster.account)) {
      throw new Error(`PodIdentityAssociation ${this.node.path}: role ${props.role.roleArn} is in account ` +
        `${props.role.env.account}, but EKS requires the association role in the cluster's account ${cluster.account}. ` +
        'Use targetRole for a role in another account.');
    }
  }
}
