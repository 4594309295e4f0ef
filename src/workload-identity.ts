import { Annotations, aws_iam as iam } from 'aws-cdk-lib';
import { Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { IWorkloadCluster } from './cluster/workload-cluster';
import { IdentityMechanism } from './identity-mechanism';
import { ServiceAccount, ServiceAccountOptions } from './k8s/service-account';
import { PodIdentityAssociation, PodIdentityAssociationOptions } from './pod-identity/pod-identity-association';
import { bindingLabel, validateBinding } from './private/bindings';
import { literalRoleArn } from './private/role-arn';
import { ClusterScope } from './trust/cluster-scope';
import { WorkloadRole } from './workload-role';

/**
 * Properties of a `WorkloadIdentity`.
 */
export interface WorkloadIdentityProps extends PodIdentityAssociationOptions {
  /**
   * The cluster the workload runs on.
   */
  readonly cluster: IWorkloadCluster;

  /**
   * The namespace of the workload's service account (a DNS-1123 label).
   */
  readonly namespace: string;

  /**
   * The name of the workload's service account (a DNS-1123 subdomain).
   */
  readonly serviceAccount: string;

  /**
   * How the pods get credentials.
   *
   * @default IdentityMechanism.POD_IDENTITY
   */
  readonly mechanism?: IdentityMechanism;

  /**
   * A cdk8s chart to add the Kubernetes ServiceAccount to. Written as YAML, it may hold only literal values: with IRSA
   * the role ARN must then be known at synthesis (see `WorkloadRole.literalRoleArn`), else synthesis fails naming the
   * ServiceAccount. To deploy the chart through CloudFormation instead, where the ARN may be a token, call
   * `k8s.ServiceAccount.allowDeployTimeValues(chart)` and then `cluster.addCdk8sChart(id, chart)`.
   *
   * @default - no Kubernetes objects (the ServiceAccount is managed elsewhere)
   */
  readonly chart?: Chart;

  /**
   * Settings of the ServiceAccount written to `chart` (labels, annotations, image pull secrets, the Namespace).
   *
   * @default - a plain ServiceAccount
   */
  readonly serviceAccountOptions?: ServiceAccountOptions;

  /**
   * The role the workload gets. A `WorkloadRole` (for example one shared by several workloads) gets this
   * service account added to its trust; any other role's trust must already admit it.
   *
   * @default - a new `WorkloadRole` (construct id `Role`) trusting exactly this service account
   */
  readonly role?: iam.IRole;

  /**
   * A name for the new role. Only without `role`. With IRSA and a chart written as YAML, give one: the
   * ServiceAccount's annotation needs the role's ARN at synthesis.
   *
   * @default - a name CloudFormation generates
   */
  readonly roleName?: string;

  /**
   * Which session tag identifies the cluster in the new role's Pod Identity trust. Only without `role`.
   *
   * @default ClusterScope.ARN
   */
  readonly clusterScope?: ClusterScope;

  /**
   * IRSA: the audience of the pod's token, trusted by the role, listed by the IAM OIDC provider, and annotated on
   * the ServiceAccount (`eks.amazonaws.com/audience`) when it is not the default.
   *
   * @default sts.amazonaws.com
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
 * An AWS identity for one Kubernetes workload, from one definition: the IAM role with exact trust, and
 * - for Pod Identity, the association (and the cluster's agent add-on when the cluster says so);
 * - for IRSA, the cluster's IAM OIDC provider (once per issuer) and the role ARN annotation;
 * - for both (a migration), all of it;
 * and the ServiceAccount in a cdk8s chart.
 *
 * It is an `IGrantable`: `bucket.grantRead(identity)` gives the workload read access. With a `targetRole`,
 * grants go to the target role, whose credentials the pods get.
 */
export class WorkloadIdentity extends Construct implements iam.IGrantable {
  public readonly grantPrincipal: iam.IPrincipal;

  /** The role the workload gets (for Pod Identity with a target role: the association role). */
  public readonly role: iam.IRole;

  /** The Pod Identity association, for `POD_IDENTITY` and `BOTH`. */
  public readonly association?: PodIdentityAssociation;

  /** The ServiceAccount, when a chart was given. */
  public readonly serviceAccount?: ServiceAccount;

  /** The mechanism the workload uses. */
  public readonly mechanism: IdentityMechanism;

  constructor(scope: Construct, id: string, props: WorkloadIdentityProps) {
    super(scope, id);
    validateBinding(props);
    this.mechanism = props.mechanism ?? IdentityMechanism.POD_IDENTITY;
    const podIdentity = this.mechanism !== IdentityMechanism.IRSA;
    const irsa = this.mechanism !== IdentityMechanism.POD_IDENTITY;
    this.assertOptionsFit(props, podIdentity, irsa);

    this.role = props.role ?? new WorkloadRole(this, 'Role', { roleName: props.roleName, clusterScope: props.clusterScope });
    if (irsa) {
      if (WorkloadRole.isWorkloadRole(this.role)) {
        this.role.addIrsaTrust(props, { audience: props.audience });
      } else {
        Annotations.of(this).addInfo(`The trust policy of ${this.role.node.path} is not managed here: it must admit ` +
          `sts:AssumeRoleWithWebIdentity from the cluster's OIDC provider for ${bindingLabel(props)}.`);
      }
    }
    if (podIdentity) {
      this.association = new PodIdentityAssociation(this, 'Association', {
        cluster: props.cluster,
        namespace: props.namespace,
        serviceAccount: props.serviceAccount,
        role: this.role,
        targetRole: props.targetRole,
        disableSessionTags: props.disableSessionTags,
        sessionPolicy: props.sessionPolicy,
        tags: props.tags,
      });
    }
    this.grantPrincipal = (props.targetRole ?? this.role).grantPrincipal;

    if (props.chart) {
      this.serviceAccount = this.addServiceAccount(props.chart, props, irsa);
    } else if (props.serviceAccountOptions) {
      throw new Error(`WorkloadIdentity ${this.node.path}: serviceAccountOptions are set but there is no chart to write the ServiceAccount to`);
    }
  }

  private addServiceAccount(chart: Chart, props: WorkloadIdentityProps, irsa: boolean): ServiceAccount {
    const saId = `${props.namespace}-${props.serviceAccount}`;
    const existing = chart.node.tryFindChild(saId);
    if (existing) {
      throw new Error(`WorkloadIdentity ${this.node.path}: chart ${chart.node.path} already has ServiceAccount ` +
        `${bindingLabel(props)} (construct ${existing.node.path}); one chart holds each service account once`);
    }
    return new ServiceAccount(chart, saId, {
      ...props.serviceAccountOptions,
      name: props.serviceAccount,
      namespace: props.namespace,
      ...(irsa ? {
        // A literal ARN when it is known at synthesis, so the chart can be written as YAML; else the token, which
        // resolves when the chart is deployed through CloudFormation (the ServiceAccount refuses it in YAML).
        roleArn: literalRoleArn(this.role) ?? this.role.roleArn,
        audience: props.audience,
        stsRegionalEndpoints: props.stsRegionalEndpoints,
        tokenExpiration: props.tokenExpiration,
      } : {}),
    });
  }

  private assertOptionsFit(props: WorkloadIdentityProps, podIdentity: boolean, irsa: boolean): void {
    const where = `WorkloadIdentity ${this.node.path}`;
    if (props.role && (props.roleName !== undefined || props.clusterScope !== undefined)) {
      throw new Error(`${where}: roleName and clusterScope configure a new role; they cannot be combined with role (${props.role.node.path})`);
    }
    const set = (names: Array<keyof WorkloadIdentityProps>) => names.filter(n => props[n] !== undefined);
    const podIdentityOnly = set(['targetRole', 'disableSessionTags', 'sessionPolicy', 'tags']);
    if (!podIdentity && podIdentityOnly.length > 0) {
      throw new Error(`${where}: ${podIdentityOnly.join(', ')} configure the Pod Identity association, which mechanism ${this.mechanism} does not create`);
    }
    const irsaOnly = set(['audience', 'stsRegionalEndpoints', 'tokenExpiration']);
    if (!irsa && irsaOnly.length > 0) {
      throw new Error(`${where}: ${irsaOnly.join(', ')} configure IRSA, which mechanism ${this.mechanism} does not use`);
    }
    if (irsa && props.targetRole) {
      throw new Error(`${where}: targetRole is a Pod Identity feature; with mechanism ${this.mechanism}, IRSA pods would get ` +
        'the association role instead. Grant what the workload needs to the role itself.');
    }
  }
}
