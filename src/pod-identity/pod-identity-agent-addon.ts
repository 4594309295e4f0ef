import { Resource, Token, aws_eks as eks } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { AddonConflictResolution, PodIdentityAgentSupport, type PodIdentityAgentAddonOptions } from '../cluster/pod-identity-agent';
import {
  AGENT_ADDON_NAME, agentAddonOf, assertAgentAddonAllowed, assertPodIdentitySupported, registerAgentAddon,
} from '../cluster/pod-identity-support';
import type { IWorkloadCluster } from '../cluster/workload-cluster';
import { clusterLabel } from '../private/app-registry';
import { fail, show, subjectFor, type Subject } from '../private/errors';
import { assertEnumValue, assertOptionalBoolean } from '../private/names';

/**
 * Properties of a `PodIdentityAgentAddon`.
 */
export interface PodIdentityAgentAddonProps extends PodIdentityAgentAddonOptions {
  /**
   * The EKS cluster to install the agent on.
   */
  readonly cluster: IWorkloadCluster;
}

const ADDON_NAME = AGENT_ADDON_NAME;
// Address the agent binds for IPv4 (FACTS.md; EKS user guide, "Disable IPv6 in the EKS Pod Identity Agent").
const IPV4_LINK_LOCAL = '169.254.170.23';
// Add-on versions look like v1.3.4-eksbuild.1.
const ADDON_VERSION = /^v\d+\.\d+\.\d+-eksbuild\.\d+$/;

/**
 * The `eks-pod-identity-agent` EKS add-on (`AWS::EKS::Addon`).
 *
 * At most one exists per cluster in an app. Pod Identity associations on a cluster whose
 * `podIdentityAgent` is `PodIdentityAgent.addon()` create it through `PodIdentityAgentAddon.forCluster()`,
 * however many there are.
 *
 * A cluster whose agent is installed from manifests (`PodIdentityAgent.manifests()`) never gets the add-on: creating
 * one for it is an error, and so is creating one for a cluster that has a `k8s.PodIdentityAgent` in the app (one
 * cluster must not run both).
 */
export class PodIdentityAgentAddon extends Resource {
  /** The EKS add-on name, `eks-pod-identity-agent`. */
  public static readonly ADDON_NAME = ADDON_NAME;

  /**
   * The agent add-on of `cluster` in this app, if one was created.
   */
  public static of(cluster: IWorkloadCluster): PodIdentityAgentAddon | undefined {
    return agentAddonOf(cluster) as PodIdentityAgentAddon | undefined;
  }

  /**
   * The agent add-on the cluster needs: created on the first call (as child `PodIdentityAgent` of the cluster
   * construct, with the cluster's `podIdentityAgent` options) when the cluster's agent is provided as an add-on,
   * the existing one after that, and `undefined` when the agent is preinstalled or installed from manifests.
   * Throws when the cluster cannot run Pod Identity.
   */
  public static forCluster(cluster: IWorkloadCluster): PodIdentityAgentAddon | undefined {
    assertPodIdentitySupported(subjectFor('PodIdentityAgentAddon', cluster, 'PodIdentityAgent'), cluster);
    const agent = cluster.podIdentityAgent;
    if (agent.support !== PodIdentityAgentSupport.ADDON) return undefined;
    return PodIdentityAgentAddon.of(cluster)
      ?? new PodIdentityAgentAddon(cluster, 'PodIdentityAgent', { ...agent.addonOptions, cluster });
  }

  /** The cluster the add-on is installed on. */
  public readonly cluster: IWorkloadCluster;

  /**
   * The add-on's ARN.
   *
   * @attribute
   */
  public readonly addonArn: string;

  /**
   * The add-on's name, `eks-pod-identity-agent`.
   *
   * @attribute
   */
  public readonly addonName: string;

  constructor(scope: Construct, id: string, props: PodIdentityAgentAddonProps) {
    const subject = subjectFor('PodIdentityAgentAddon', scope, id);
    assertPodIdentitySupported(subject, props.cluster);
    assertAgentAddonAllowed(subject, props.cluster);
    if (props.addonVersion !== undefined && (typeof props.addonVersion !== 'string' ||
        (!Token.isUnresolved(props.addonVersion) && !ADDON_VERSION.test(props.addonVersion)))) {
      fail(subject, `addonVersion is ${show(props.addonVersion)}`, 'an EKS add-on version like "v1.3.4-eksbuild.1"',
        'list them with aws eks describe-addon-versions --addon-name eks-pod-identity-agent');
    }
    if (props.resolveConflicts !== undefined) {
      assertEnumValue(subject, 'resolveConflicts', props.resolveConflicts, AddonConflictResolution, 'AddonConflictResolution');
    }
    assertOptionalBoolean(subject, 'ipv4Only', props.ipv4Only);
    assertOptionalBoolean(subject, 'preserveOnDelete', props.preserveOnDelete);
    const configurationValues = renderConfiguration(subject, props);
    super(scope, id);
    const existing = registerAgentAddon(this, props.cluster);
    if (existing) {
      fail(subject, `cluster "${clusterLabel(props.cluster)}" already has the ${ADDON_NAME} add-on at ${existing.node.path}`,
        'one add-on per EKS cluster', 'use PodIdentityAgentAddon.forCluster(cluster) to share it');
    }
    this.cluster = props.cluster;

    const resource = new eks.CfnAddon(this, 'Resource', {
      addonName: ADDON_NAME,
      clusterName: props.cluster.clusterName,
      addonVersion: props.addonVersion,
      configurationValues,
      resolveConflicts: props.resolveConflicts,
      preserveOnDelete: props.preserveOnDelete,
    });
    this.addonArn = resource.attrArn;
    this.addonName = ADDON_NAME;
  }
}

function renderConfiguration(subject: Subject, props: PodIdentityAgentAddonOptions): string | undefined {
  const args: Record<string, string> = { ...props.additionalArgs };
  for (const [flag, value] of Object.entries(args)) {
    if (!/^--?[A-Za-z0-9][A-Za-z0-9-]*$/.test(flag)) {
      fail(subject, `additionalArgs has key ${show(flag)}`, 'agent flags like "-b" or "--metrics-port"');
    }
    if (typeof value !== 'string') fail(subject, `additionalArgs ${show(flag)} is ${show(value)}`, 'a string');
  }
  if (props.ipv4Only) {
    const bind = args['-b'];
    if (bind !== undefined && bind !== IPV4_LINK_LOCAL) {
      fail(subject, `ipv4Only binds "-b ${IPV4_LINK_LOCAL}", but additionalArgs sets "-b" to ${show(bind)}`, 'one of them', 'remove one');
    }
    args['-b'] = IPV4_LINK_LOCAL;
  }
  if (Object.keys(args).length === 0) return undefined;
  return JSON.stringify({ agent: { additionalArgs: args } });
}
