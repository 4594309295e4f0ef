import type { ApiObject } from 'cdk8s';
import { k8s, type ContainerResources } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { daemonSetProps } from './daemon-set';
import { PodIdentityAgentVariant, type PodIdentityAgentVerbosity } from './enums';
import { metricsServiceProps } from './service';
import { agentSettings, DEFAULT_IMAGE } from './settings';
import { agentManifestsOf, assertAgentManifestsAllowed, registerAgentManifests } from '../../cluster/pod-identity-support';
import type { IWorkloadCluster } from '../../cluster/workload-cluster';
import { clusterLabel } from '../../private/app-registry';
import { fail, subjectFor, subjectOf, type Subject } from '../../private/errors';
import { deployTimeValueErrors } from '../token-boundary';

export * from './enums';

/**
 * Properties of a `k8s.PodIdentityAgent`.
 */
export interface PodIdentityAgentProps {
  /**
   * The cluster the agent runs on, for defaults (its name and, when it is a literal, its region) and for the rule that
   * one cluster runs either the EKS add-on or these DaemonSets: its `podIdentityAgent` must be
   * `PodIdentityAgent.manifests()` (or `preinstalled()`), and no `PodIdentityAgentAddon` may exist for it in the app.
   *
   * @default - none: `clusterName` and `region` are required
   */
  readonly cluster?: IWorkloadCluster;

  /**
   * The name of the EKS cluster (the agent's `--cluster-name`): EKS Auth issues credentials only for pods of this cluster.
   *
   * @default - the name of `cluster`
   */
  readonly clusterName?: string;

  /**
   * The namespace of the DaemonSets (a DNS-1123 label). It must exist.
   *
   * @default kube-system
   */
  readonly namespace?: string;

  /**
   * The cluster's AWS region (the agent's `AWS_REGION`): the agent calls EKS Auth there. In regions of the ISO
   * partitions (names with `-iso`), the agent also trusts the node's CA bundle, as the chart does.
   *
   * @default - the region of `cluster` when it is a literal; else required
   */
  readonly region?: string;

  /**
   * The DaemonSets to emit, one per kind of node (the chart's `daemonsets`). Each is emitted once, in the chart's order.
   *
   * @default [PodIdentityAgentVariant.CLOUD]
   */
  readonly variants?: PodIdentityAgentVariant[];

  /**
   * The container image of both containers: an image reference with a tag or a digest, built like upstream's (with
   * `/go-runner` and `/eks-pod-identity-agent`).
   *
   * @default public.ecr.aws/eks/eks-pod-identity-agent:0.1.37
   */
  readonly image?: string;

  /**
   * The log level of both containers (`-v`).
   *
   * @default PodIdentityAgentVerbosity.INFO (the agent's own default; the chart sets trace, which logs every probe and
   * cache lookup on every node)
   */
  readonly verbosity?: PodIdentityAgentVerbosity;

  /**
   * Serve only `169.254.170.23` (`-b 169.254.170.23`). By default the agent also binds `[fd00:ec2::23]:80`, and exits
   * when it cannot: on nodes where IPv6 is disabled it crash-loops (aws/eks-pod-identity-agent#16). Pods then get
   * credentials only through the IPv4 address, which is what EKS injects in IPv4 clusters.
   *
   * @default false (as upstream)
   */
  readonly ipv4Only?: boolean;

  /**
   * Also emit a ClusterIP Service `eks-pod-identity-agent` for the agents' metrics (port 2705, `/metrics`), and give
   * the agent `--metrics-port 2705` and a `metrics` container port, as the chart's `metrics.enabled` does. Without
   * it the agent serves metrics on port 2705 of each node anyway.
   *
   * @default false
   */
  readonly metricsService?: boolean;

  /**
   * The server container's resources.
   *
   * @default - none (as the chart): the agent is small, and a limit would put credentials of every pod on the node at
   * risk of an OOM kill
   */
  readonly resources?: ContainerResources;
}

/**
 * The EKS Pod Identity Agent as Kubernetes objects: the DaemonSets of the upstream chart (aws/eks-pod-identity-agent
 * `charts/eks-pod-identity-agent`, release 0.1.37), typed, for clusters whose agent is not the EKS add-on: EKS Hybrid
 * Nodes (the `hybrid` and `hybrid-bottlerocket` variants, which the add-on does not configure), or GitOps setups that
 * manage node components as YAML. Declare such a cluster with `podIdentityAgent: PodIdentityAgent.manifests()`.
 *
 * Emits, in `namespace`: one DaemonSet per variant (`eks-pod-identity-agent`, `eks-pod-identity-agent-hybrid`,
 * `eks-pod-identity-agent-hybrid-bottlerocket`; the cloud one has the construct id `Resource`), and, with
 * `metricsService`, the Service `eks-pod-identity-agent`.
 *
 * Privileges, and why: the pods use the host network, because the agent serves the link-local addresses
 * `169.254.170.23` and `fd00:ec2::23` on the node itself. The init container `eks-pod-identity-agent-init` is
 * privileged: it creates the dummy link `pod-id-link0` in the node's network namespace, adds `169.254.170.23/32` and
 * `fd00:ec2::23/128` to it and routes to them, then exits (upstream's chart and the EKS add-on run it privileged as
 * well). The server container only adds `CAP_NET_BIND_SERVICE`, to listen on port 80. Neither gets a Kubernetes API
 * token (`automountServiceAccountToken: false`): the agent reads each pod's token from its request and exchanges it
 * with EKS Auth (`eks-auth:AssumeRoleForPodIdentity`), using the node's IAM role, or on hybrid nodes the node's
 * credentials file, mounted read-only from the host.
 *
 * Differences from the chart's output, on purpose: log level `info` (the agent's default) instead of `trace`; the
 * image from public ECR (release 0.1.37) instead of the chart's private EKS registry (`v0.1.20`, which needs ECR
 * credentials for account 602401143452); `imagePullPolicy: IfNotPresent` instead of `Always` (the tag is pinned, and
 * with `Always` an agent cannot restart while the registry is unreachable, which leaves every pod on its node without
 * credentials); no Helm labels (`helm.sh/chart`, `app.kubernetes.io/managed-by: Helm`, and `app.kubernetes.io/version`,
 * which the chart fills with its stale appVersion 0.1.6), and `app.kubernetes.io/instance` is `eks-pod-identity-agent`
 * (the release name of the chart's README) rather than a release name.
 */
export class PodIdentityAgent extends Construct {
  /** The default image: release 0.1.37 in public ECR. */
  public static readonly DEFAULT_IMAGE = DEFAULT_IMAGE;

  /** The name of the EKS cluster (`--cluster-name`). */
  public readonly clusterName: string;
  /** The namespace of the DaemonSets. */
  public readonly namespace: string;
  /** The cluster's region (`AWS_REGION`). */
  public readonly region: string;
  /** The container image. */
  public readonly image: string;
  /** The variants emitted, in the chart's order. */
  public readonly variants: PodIdentityAgentVariant[];
  /** The DaemonSets (`k8s.KubeDaemonSet`), one per variant, in the order of `variants`. */
  public readonly daemonSets: ApiObject[];
  /** The metrics Service (`k8s.KubeService`), when `metricsService` is true. */
  public readonly metricsService?: ApiObject;

  private readonly byVariant = new Map<PodIdentityAgentVariant, ApiObject>();
  private readonly subject: Subject;

  public constructor(scope: Construct, id: string, props: PodIdentityAgentProps) {
    // Every check runs before anything is added to the tree.
    const subject = subjectFor('k8s.PodIdentityAgent', scope, id);
    const settings = agentSettings(subject, props ?? {});
    const cluster = props?.cluster ?? undefined;
    if (cluster !== undefined) {
      assertAgentManifestsAllowed(subject, cluster);
      const existing = agentManifestsOf(cluster);
      if (existing) {
        fail(subject, `cluster "${clusterLabel(cluster)}" already has a k8s.PodIdentityAgent at ${existing.node.path}`,
          'one per cluster: each binds port 80 of 169.254.170.23 on every node',
          'give the first one every variant the cluster needs (variants)');
      }
    }
    super(scope, id);
    this.subject = subjectOf('k8s.PodIdentityAgent', this);
    if (cluster !== undefined) registerAgentManifests(this, cluster);

    this.clusterName = settings.clusterName;
    this.namespace = settings.namespace;
    this.region = settings.region;
    this.image = settings.image;
    this.variants = settings.variants;
    this.daemonSets = settings.variants.map(variant => {
      const object = new k8s.KubeDaemonSet(this, variant === PodIdentityAgentVariant.CLOUD ? 'Resource' : constructId(variant),
        daemonSetProps(settings, variant));
      this.byVariant.set(variant, object);
      return object;
    });
    if (settings.metricsService) {
      this.metricsService = new k8s.KubeService(this, 'MetricsService', metricsServiceProps(settings));
    }

    const literals: Array<[string, string]> = [
      ['clusterName', settings.clusterName],
      ['namespace', settings.namespace],
      ['region', settings.region],
      ['image', settings.image],
    ];
    this.node.addValidation({
      validate: () => deployTimeValueErrors(this, literals,
        (field, value) => `${this.subject.kind} ${this.subject.path}: ${field} is known only at deploy time (${value}), expected a ` +
          'literal value in a chart written as YAML; use a literal value; or, to keep the token, deploy the chart through ' +
          'CloudFormation: call ServiceAccount.allowDeployTimeValues(chart), then cluster.addCdk8sChart(id, chart)'),
    });
  }

  /** The DaemonSet of `variant`, if it is one of `variants`. */
  public daemonSetOf(variant: PodIdentityAgentVariant): ApiObject | undefined {
    return this.byVariant.get(variant);
  }
}

/** `hybrid-bottlerocket` → `HybridBottlerocket`. */
function constructId(variant: PodIdentityAgentVariant): string {
  return variant.split('-').map(part => part.charAt(0).toUpperCase() + part.slice(1)).join('');
}
