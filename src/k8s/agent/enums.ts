/**
 * A DaemonSet of the EKS Pod Identity Agent, as the upstream chart defines them (`daemonsets` in its values.yaml):
 * one per kind of node.
 */
export enum PodIdentityAgentVariant {
  /**
   * EKS nodes on EC2 (managed and self-managed node groups, Karpenter): DaemonSet `eks-pod-identity-agent`. Its node
   * affinity leaves out Fargate, hybrid and Auto Mode nodes (`eks.amazonaws.com/compute-type` NotIn
   * [fargate, hybrid, auto]).
   */
  CLOUD = 'cloud',

  /**
   * EKS Hybrid Nodes other than Bottlerocket: DaemonSet `eks-pod-identity-agent-hybrid`. The agent reads the node's
   * AWS credentials from the host's `/eks-hybrid/.aws` (written by nodeadm) and re-reads them as they rotate
   * (`--rotate-credentials true`).
   */
  HYBRID = 'hybrid',

  /**
   * EKS Hybrid Nodes running Bottlerocket: DaemonSet `eks-pod-identity-agent-hybrid-bottlerocket`. The credentials are
   * in the host's `/var/eks-hybrid/.aws`, and the server runs with the SELinux type `spc_t` to read them.
   */
  HYBRID_BOTTLEROCKET = 'hybrid-bottlerocket',
}

/**
 * The agent's log level (its `-v` / `--verbosity` flag; the agent parses it with logrus, which knows these levels).
 */
export enum PodIdentityAgentVerbosity {
  /** Only panics. */
  PANIC = 'panic',
  /** Fatal errors and panics. */
  FATAL = 'fatal',
  /** Errors. */
  ERROR = 'error',
  /** Warnings and errors. */
  WARN = 'warn',
  /** The agent's own default: start-up, link set-up, each credential request and EKS Auth call, cache changes, errors. */
  INFO = 'info',
  /** Debug messages. */
  DEBUG = 'debug',
  /** Everything: also every probe and every cache lookup (the upstream chart's setting). */
  TRACE = 'trace',
}
