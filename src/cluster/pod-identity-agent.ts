/**
 * How a cluster gets the EKS Pod Identity Agent, which serves credentials to pods on each node.
 */
export enum PodIdentityAgentSupport {
  /** This app installs the `eks-pod-identity-agent` EKS add-on (once per cluster). */
  ADDON = 'ADDON',
  /** The agent is already there: installed outside this app, or built in (EKS Auto Mode). */
  PREINSTALLED = 'PREINSTALLED',
  /**
   * The agent is installed from Kubernetes manifests: this library's `k8s.PodIdentityAgent` (or equivalent manifests,
   * such as the upstream Helm chart), not the EKS add-on.
   */
  MANIFESTS = 'MANIFESTS',
  /** The cluster cannot run the agent (Fargate-only, Windows-only, Outposts, EKS Anywhere, not EKS). */
  UNAVAILABLE = 'UNAVAILABLE',
}

/**
 * What EKS does when the add-on's settings conflict with objects already in the cluster.
 * Values of `AWS::EKS::Addon` `ResolveConflicts`.
 */
export enum AddonConflictResolution {
  /** Fail when a field would be overwritten. */
  NONE = 'NONE',
  /** Overwrite conflicting fields with the add-on's defaults. */
  OVERWRITE = 'OVERWRITE',
  /** Keep the values already in the cluster. */
  PRESERVE = 'PRESERVE',
}

/**
 * Settings of the `eks-pod-identity-agent` add-on.
 */
export interface PodIdentityAgentAddonOptions {
  /**
   * Add-on version, for example `v1.3.4-eksbuild.1`.
   *
   * @default - the default version EKS picks for the cluster's Kubernetes version
   */
  readonly addonVersion?: string;

  /**
   * Bind only the IPv4 link-local address `169.254.170.23`.
   * Needed on nodes where IPv6 is disabled, where the agent otherwise cannot start.
   * Sets the add-on configuration `{"agent":{"additionalArgs":{"-b":"169.254.170.23"}}}`.
   *
   * @default false
   */
  readonly ipv4Only?: boolean;

  /**
   * Extra arguments for the agent's server (`agent.additionalArgs` in the add-on configuration).
   *
   * @default - none
   */
  readonly additionalArgs?: Record<string, string>;

  /**
   * How to resolve conflicts with an agent already in the cluster.
   *
   * @default - EKS' default (`NONE`)
   */
  readonly resolveConflicts?: AddonConflictResolution;

  /**
   * Keep the agent running in the cluster when the add-on resource is deleted.
   *
   * @default false
   */
  readonly preserveOnDelete?: boolean;
}

/**
 * How the EKS Pod Identity Agent is provided on a cluster.
 */
export class PodIdentityAgent {
  /**
   * This app installs the `eks-pod-identity-agent` add-on, at most once per cluster.
   */
  public static addon(options: PodIdentityAgentAddonOptions = {}): PodIdentityAgent {
    return new PodIdentityAgent(PodIdentityAgentSupport.ADDON, options, undefined);
  }

  /**
   * The agent is already running on the cluster's nodes (installed elsewhere, or EKS Auto Mode).
   */
  public static preinstalled(): PodIdentityAgent {
    return new PodIdentityAgent(PodIdentityAgentSupport.PREINSTALLED, undefined, undefined);
  }

  /**
   * The agent is installed from Kubernetes manifests: the DaemonSets of this library's `k8s.PodIdentityAgent` (in a
   * chart written as YAML for GitOps, or deployed with `cluster.addCdk8sChart()`), or equivalent manifests such as the
   * upstream Helm chart's. Needed for EKS Hybrid Nodes, whose agent the add-on does not configure, and for people who
   * manage every node component through GitOps.
   *
   * Pod Identity on such a cluster works, and no EKS add-on is created for it. One cluster must never run both the
   * add-on and these DaemonSets (both bind port 80 of 169.254.170.23 on each node), so these are errors at synthesis:
   * a `PodIdentityAgentAddon` for this cluster; a `k8s.PodIdentityAgent` for a cluster declared `addon()` or
   * `unavailable()`; a `k8s.PodIdentityAgent` for a cluster that already has a `PodIdentityAgentAddon` in the app.
   */
  public static manifests(): PodIdentityAgent {
    return new PodIdentityAgent(PodIdentityAgentSupport.MANIFESTS, undefined, undefined);
  }

  /**
   * The cluster cannot run the agent; Pod Identity on it is an error at synthesis.
   *
   * @param reason why, for the error message (for example "Fargate-only cluster")
   */
  public static unavailable(reason: string): PodIdentityAgent {
    return new PodIdentityAgent(PodIdentityAgentSupport.UNAVAILABLE, undefined, reason);
  }

  private constructor(
    /** How the agent is provided. */
    public readonly support: PodIdentityAgentSupport,
    /** Add-on settings, when `support` is `ADDON`. */
    public readonly addonOptions: PodIdentityAgentAddonOptions | undefined,
    /** Why the agent is unavailable, when `support` is `UNAVAILABLE`. */
    public readonly reason: string | undefined,
  ) {}
}
