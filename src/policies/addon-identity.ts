import type { Construct } from 'constructs';
import { addonSubject, createAddonIdentity } from './addon-policy';
import { amazonManagedPrometheusPolicy, type AmazonManagedPrometheusIdentityProps } from './amazon-managed-prometheus';
import { appMeshControllerPolicy, type AppMeshControllerIdentityProps } from './app-mesh-controller';
import { appMeshEnvoyProxyPolicy, type AppMeshEnvoyProxyIdentityProps } from './app-mesh-envoy-proxy';
import { certManagerPolicy, type CertManagerIdentityProps } from './cert-manager';
import { cloudWatchObservabilityPolicy, type CloudWatchObservabilityIdentityProps } from './cloudwatch-observability';
import { clusterAutoscalerPolicy, type ClusterAutoscalerIdentityProps } from './cluster-autoscaler';
import { ebsCsiDriverPolicy, type EbsCsiDriverIdentityProps } from './ebs-csi-driver';
import { efsCsiDriverPolicy, type EfsCsiDriverIdentityProps } from './efs-csi-driver';
import { externalDnsPolicy, type ExternalDnsIdentityProps } from './external-dns';
import { externalSecretsPolicy, type ExternalSecretsIdentityProps } from './external-secrets';
import { fsxLustreCsiDriverPolicy, type FsxLustreCsiDriverIdentityProps } from './fsx-lustre-csi-driver';
import { fsxOpenZfsCsiDriverPolicy, type FsxOpenZfsCsiDriverIdentityProps } from './fsx-openzfs-csi-driver';
import { gatewayApiControllerPolicy, type GatewayApiControllerIdentityProps } from './gateway-api-controller';
import { loadBalancerControllerPolicy, type LoadBalancerControllerIdentityProps } from './load-balancer-controller';
import { loadBalancerControllerTargetGroupBindingPolicy, type LoadBalancerControllerTargetGroupBindingIdentityProps } from './load-balancer-controller-target-group-binding';
import { mountpointS3CsiDriverPolicy, type MountpointS3CsiDriverIdentityProps } from './mountpoint-s3-csi-driver';
import { nodeTerminationHandlerPolicy, type NodeTerminationHandlerIdentityProps } from './node-termination-handler';
import { pgAnalyzePolicy, type PgAnalyzeIdentityProps } from './pganalyze';
import { privateCaIssuerPolicy, type PrivateCaIssuerIdentityProps } from './private-ca-issuer';
import { veleroPolicy, type VeleroIdentityProps } from './velero';
import { vpcCniPolicy, type VpcCniIdentityProps } from './vpc-cni';
import type { WorkloadIdentity } from '../workload-identity';

/**
 * Identities for the add-ons every cluster runs, one line each: the add-on's least-privilege IAM policy (scoped to the
 * resources you give: hosted zones, keys, buckets, queues, ...), its conventional namespace and service account (both
 * overridable), and the `WorkloadIdentity` that binds them, by Pod Identity or IRSA.
 *
 * Each returns the `WorkloadIdentity`; the add-on's policy is its child `Policy` (a customer managed policy), checked
 * at synthesis against IAM's limits.
 */
export class AddonIdentity {
  /**
   * An identity for Amazon Managed Service for Prometheus: Prometheus or the ADOT collector writing to (and Grafana querying) AMP workspaces: its least-privilege policy, its conventional service account, and a `WorkloadIdentity`
   * (Pod Identity by default, or IRSA).
   */
  public static amazonManagedPrometheus(scope: Construct, id: string, props: AmazonManagedPrometheusIdentityProps): WorkloadIdentity {
    const subject = addonSubject('amazonManagedPrometheus', scope, id);
    return createAddonIdentity(subject, scope, id, props, amazonManagedPrometheusPolicy(subject, scope, props));
  }

  /**
   * An identity for the AWS App Mesh controller (App Mesh reaches end of support on 2026-09-30): its least-privilege policy, its conventional service account, and a `WorkloadIdentity`
   * (Pod Identity by default, or IRSA).
   */
  public static appMeshController(scope: Construct, id: string, props: AppMeshControllerIdentityProps): WorkloadIdentity {
    const subject = addonSubject('appMeshController', scope, id);
    return createAddonIdentity(subject, scope, id, props, appMeshControllerPolicy(subject, scope, props));
  }

  /**
   * An identity for the App Mesh Envoy proxy sidecars (App Mesh reaches end of support on 2026-09-30): its least-privilege policy, its conventional service account, and a `WorkloadIdentity`
   * (Pod Identity by default, or IRSA).
   */
  public static appMeshEnvoyProxy(scope: Construct, id: string, props: AppMeshEnvoyProxyIdentityProps): WorkloadIdentity {
    const subject = addonSubject('appMeshEnvoyProxy', scope, id);
    return createAddonIdentity(subject, scope, id, props, appMeshEnvoyProxyPolicy(subject, scope, props));
  }

  /**
   * An identity for cert-manager solving ACME DNS-01 challenges in Route 53: its least-privilege policy, its conventional service account, and a `WorkloadIdentity`
   * (Pod Identity by default, or IRSA).
   */
  public static certManager(scope: Construct, id: string, props: CertManagerIdentityProps): WorkloadIdentity {
    const subject = addonSubject('certManager', scope, id);
    return createAddonIdentity(subject, scope, id, props, certManagerPolicy(subject, scope, props));
  }

  /**
   * An identity for the Amazon CloudWatch Observability add-on (CloudWatch agent, Fluent Bit, X-Ray): its least-privilege policy, its conventional service account, and a `WorkloadIdentity`
   * (Pod Identity by default, or IRSA) or, with `installAddon`, the EKS managed add-on that names the role.
   */
  public static cloudWatchObservability(scope: Construct, id: string, props: CloudWatchObservabilityIdentityProps): WorkloadIdentity {
    const subject = addonSubject('cloudWatchObservability', scope, id);
    return createAddonIdentity(subject, scope, id, props, cloudWatchObservabilityPolicy(subject, scope, props));
  }

  /**
   * An identity for the Kubernetes Cluster Autoscaler on Auto Scaling groups: its least-privilege policy, its conventional service account, and a `WorkloadIdentity`
   * (Pod Identity by default, or IRSA).
   */
  public static clusterAutoscaler(scope: Construct, id: string, props: ClusterAutoscalerIdentityProps): WorkloadIdentity {
    const subject = addonSubject('clusterAutoscaler', scope, id);
    return createAddonIdentity(subject, scope, id, props, clusterAutoscalerPolicy(subject, scope, props));
  }

  /**
   * An identity for the Amazon EBS CSI driver's controller: its least-privilege policy, its conventional service account, and a `WorkloadIdentity`
   * (Pod Identity by default, or IRSA) or, with `installAddon`, the EKS managed add-on that names the role.
   */
  public static ebsCsiDriver(scope: Construct, id: string, props: EbsCsiDriverIdentityProps): WorkloadIdentity {
    const subject = addonSubject('ebsCsiDriver', scope, id);
    return createAddonIdentity(subject, scope, id, props, ebsCsiDriverPolicy(subject, scope, props));
  }

  /**
   * An identity for the Amazon EFS CSI driver's controller: its least-privilege policy, its conventional service account, and a `WorkloadIdentity`
   * (Pod Identity by default, or IRSA) or, with `installAddon`, the EKS managed add-on that names the role.
   */
  public static efsCsiDriver(scope: Construct, id: string, props: EfsCsiDriverIdentityProps): WorkloadIdentity {
    const subject = addonSubject('efsCsiDriver', scope, id);
    return createAddonIdentity(subject, scope, id, props, efsCsiDriverPolicy(subject, scope, props));
  }

  /**
   * An identity for external-dns, which writes DNS records for Services and Ingresses: its least-privilege policy, its conventional service account, and a `WorkloadIdentity`
   * (Pod Identity by default, or IRSA).
   */
  public static externalDns(scope: Construct, id: string, props: ExternalDnsIdentityProps): WorkloadIdentity {
    const subject = addonSubject('externalDns', scope, id);
    return createAddonIdentity(subject, scope, id, props, externalDnsPolicy(subject, scope, props));
  }

  /**
   * An identity for External Secrets Operator reading Secrets Manager secrets and SSM parameters: its least-privilege policy, its conventional service account, and a `WorkloadIdentity`
   * (Pod Identity by default, or IRSA).
   */
  public static externalSecrets(scope: Construct, id: string, props: ExternalSecretsIdentityProps): WorkloadIdentity {
    const subject = addonSubject('externalSecrets', scope, id);
    return createAddonIdentity(subject, scope, id, props, externalSecretsPolicy(subject, scope, props));
  }

  /**
   * An identity for the Amazon FSx for Lustre CSI driver's controller: its least-privilege policy, its conventional service account, and a `WorkloadIdentity`
   * (Pod Identity by default, or IRSA) or, with `installAddon`, the EKS managed add-on that names the role.
   */
  public static fsxLustreCsiDriver(scope: Construct, id: string, props: FsxLustreCsiDriverIdentityProps): WorkloadIdentity {
    const subject = addonSubject('fsxLustreCsiDriver', scope, id);
    return createAddonIdentity(subject, scope, id, props, fsxLustreCsiDriverPolicy(subject, scope, props));
  }

  /**
   * An identity for the Amazon FSx for OpenZFS CSI driver's controller: its least-privilege policy, its conventional service account, and a `WorkloadIdentity`
   * (Pod Identity by default, or IRSA).
   */
  public static fsxOpenZfsCsiDriver(scope: Construct, id: string, props: FsxOpenZfsCsiDriverIdentityProps): WorkloadIdentity {
    const subject = addonSubject('fsxOpenZfsCsiDriver', scope, id);
    return createAddonIdentity(subject, scope, id, props, fsxOpenZfsCsiDriverPolicy(subject, scope, props));
  }

  /**
   * An identity for the AWS Gateway API Controller for Amazon VPC Lattice: its least-privilege policy, its conventional service account, and a `WorkloadIdentity`
   * (Pod Identity by default, or IRSA).
   */
  public static gatewayApiController(scope: Construct, id: string, props: GatewayApiControllerIdentityProps): WorkloadIdentity {
    const subject = addonSubject('gatewayApiController', scope, id);
    return createAddonIdentity(subject, scope, id, props, gatewayApiControllerPolicy(subject, scope, props));
  }

  /**
   * An identity for the AWS Load Balancer Controller: its least-privilege policy, its conventional service account, and a `WorkloadIdentity`
   * (Pod Identity by default, or IRSA).
   */
  public static loadBalancerController(scope: Construct, id: string, props: LoadBalancerControllerIdentityProps): WorkloadIdentity {
    const subject = addonSubject('loadBalancerController', scope, id);
    return createAddonIdentity(subject, scope, id, props, loadBalancerControllerPolicy(subject, scope, props));
  }

  /**
   * An identity for the AWS Load Balancer Controller limited to TargetGroupBindings on given target groups: its least-privilege policy, its conventional service account, and a `WorkloadIdentity`
   * (Pod Identity by default, or IRSA).
   */
  public static loadBalancerControllerTargetGroupBinding(scope: Construct, id: string,
    props: LoadBalancerControllerTargetGroupBindingIdentityProps): WorkloadIdentity {
    const subject = addonSubject('loadBalancerControllerTargetGroupBinding', scope, id);
    return createAddonIdentity(subject, scope, id, props, loadBalancerControllerTargetGroupBindingPolicy(subject, scope, props));
  }

  /**
   * An identity for the Mountpoint for Amazon S3 CSI driver: its least-privilege policy, its conventional service account, and a `WorkloadIdentity`
   * (Pod Identity by default, or IRSA) or, with `installAddon`, the EKS managed add-on that names the role.
   */
  public static mountpointS3CsiDriver(scope: Construct, id: string, props: MountpointS3CsiDriverIdentityProps): WorkloadIdentity {
    const subject = addonSubject('mountpointS3CsiDriver', scope, id);
    return createAddonIdentity(subject, scope, id, props, mountpointS3CsiDriverPolicy(subject, scope, props));
  }

  /**
   * An identity for the AWS Node Termination Handler in queue processor mode: its least-privilege policy, its conventional service account, and a `WorkloadIdentity`
   * (Pod Identity by default, or IRSA).
   */
  public static nodeTerminationHandler(scope: Construct, id: string, props: NodeTerminationHandlerIdentityProps): WorkloadIdentity {
    const subject = addonSubject('nodeTerminationHandler', scope, id);
    return createAddonIdentity(subject, scope, id, props, nodeTerminationHandlerPolicy(subject, scope, props));
  }

  /**
   * An identity for the pganalyze collector for Amazon RDS and Aurora PostgreSQL: its least-privilege policy, its conventional service account, and a `WorkloadIdentity`
   * (Pod Identity by default, or IRSA).
   */
  public static pgAnalyze(scope: Construct, id: string, props: PgAnalyzeIdentityProps): WorkloadIdentity {
    const subject = addonSubject('pgAnalyze', scope, id);
    return createAddonIdentity(subject, scope, id, props, pgAnalyzePolicy(subject, scope, props));
  }

  /**
   * An identity for the AWS Private CA Issuer for cert-manager: its least-privilege policy, its conventional service account, and a `WorkloadIdentity`
   * (Pod Identity by default, or IRSA).
   */
  public static privateCaIssuer(scope: Construct, id: string, props: PrivateCaIssuerIdentityProps): WorkloadIdentity {
    const subject = addonSubject('privateCaIssuer', scope, id);
    return createAddonIdentity(subject, scope, id, props, privateCaIssuerPolicy(subject, scope, props));
  }

  /**
   * An identity for Velero backing up to S3 and EBS snapshots: its least-privilege policy, its conventional service account, and a `WorkloadIdentity`
   * (Pod Identity by default, or IRSA).
   */
  public static velero(scope: Construct, id: string, props: VeleroIdentityProps): WorkloadIdentity {
    const subject = addonSubject('velero', scope, id);
    return createAddonIdentity(subject, scope, id, props, veleroPolicy(subject, scope, props));
  }

  /**
   * An identity for the Amazon VPC CNI plugin (aws-node): its least-privilege policy, its conventional service account, and a `WorkloadIdentity`
   * (Pod Identity by default, or IRSA) or, with `installAddon`, the EKS managed add-on that names the role.
   */
  public static vpcCni(scope: Construct, id: string, props: VpcCniIdentityProps): WorkloadIdentity {
    const subject = addonSubject('vpcCni', scope, id);
    return createAddonIdentity(subject, scope, id, props, vpcCniPolicy(subject, scope, props));
  }

  private constructor() {}
}
