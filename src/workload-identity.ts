import { aws_iam as iam } from 'aws-cdk-lib';
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { IWorkloadCluster } from './cluster/workload-cluster';
import { IdentityMechanism } from './identity-mechanism';
import { ServiceAccount, ServiceAccountOptions } from './k8s/service-account';
import { PodIdentityAssociation, PodIdentityAssociationOptions } from './pod-identity/pod-identity-association';
import { bindingLabel, validateBinding } from './private/bindings';
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
   * A cdk8s chart to add the Kubernetes ServiceAccount to.
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
   * A name for the new role. Only without `role`.
   *
   * @default - a name CloudFormation generates
   */
  readonly roleName?: string;

  /**
   * Which session tag identifies the cluster in the new role's trust. Only without `role`.
   *
   * @default ClusterScope.ARN
   */
  readonly clusterScope?: ClusterScope;
}

/**
 * An AWS identity for one Kubernetes workload, from one definition: the IAM role with exact trust, the Pod Identity
 * association (and the cluster's agent add-on when the cluster says so), and the ServiceAccount in a cdk8s chart.
 *
 * It is an `IGrantable`: `bucket.grantRead(identity)` gives the workload read access. With a `targetRole`,
 * grants go to the target role, whose credentials the pods get.
 */
export class WorkloadIdentity extends Construct implements iam.IGrantable {
  public readonly grantPrincipal: iam.IPrincipal;

  /** The role the association names. */
  public readonly role: iam.IRole;

  /** The Pod Identity association. */
  public readonly association: PodIdentityAssociation;

  /** The ServiceAccount, when a chart was given. */
  public readonly serviceAccount?: ServiceAccount;

  /** The mechanism the workload uses. */
  public readonly mechanism: IdentityMechanism;

  constructor(scope: Construct, id: string, props: WorkloadIdentityProps) {
    super(scope, id);
    validateBinding(props);
    if (props.role && (props.roleName !== undefined || props.clusterScope !== undefined)) {
      throw new Error(`WorkloadIdentity ${this.node.path}: roleName and clusterScope configure a new role; ` +
        `they cannot be combined with role (${props.role.node.path})`);
    }
    this.mechanism = props.mechanism ?? IdentityMechanism.POD_IDENTITY;

    this.role = props.role ?? new WorkloadRole(this, 'Role', { roleName: props.roleName, clusterScope: props.clusterScope });
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
    this.grantPrincipal = (props.targetRole ?? this.role).grantPrincipal;

    if (props.chart) {
      const saId = `${props.namespace}-${props.serviceAccount}`;
      const existing = props.chart.node.tryFindChild(saId);
      if (existing) {
        throw new Error(`WorkloadIdentity ${this.node.path}: chart ${props.chart.node.path} already has ServiceAccount ` +
          `${bindingLabel(props)} (construct ${existing.node.path}); one chart holds each service account once`);
      }
      this.serviceAccount = new ServiceAccount(props.chart, saId, {
        ...props.serviceAccountOptions,
        name: props.serviceAccount,
        namespace: props.namespace,
      });
    } else if (props.serviceAccountOptions) {
      throw new Error(`WorkloadIdentity ${this.node.path}: serviceAccountOptions are set but there is no chart to write the ServiceAccount to`);
    }
  }
}
