// The add-ons every cluster runs, each with its own least-privilege identity, on two clusters:
// - platform (EKS nodes on EC2, agent as the EKS add-on): the AWS Load Balancer Controller, the EBS CSI driver
//   (installed as the EKS managed add-on, encrypting volumes with one KMS key), external-dns and cert-manager on one
//   hosted zone, External Secrets on one secret prefix, and the Cluster Autoscaler;
// - edge (EKS Hybrid Nodes): the Pod Identity Agent written as YAML (the EKS add-on does not configure hybrid nodes),
//   and External Secrets on the edge's own prefix.
// One definition produces the CloudFormation template and the Kubernetes YAML.
import * as path from 'path';
import { App, Stack, aws_kms as kms, aws_route53 as route53 } from 'aws-cdk-lib';
import * as cdk8s from 'cdk8s';
import { AddonIdentity, EksCluster, PodIdentityAgent, k8s, type WorkloadIdentity } from '../../src';

/** The example's two halves. */
export interface ClusterAddonsExample {
  readonly app: App;
  readonly stack: Stack;
  readonly k8sApp: cdk8s.App;
  /** The edge cluster's Pod Identity Agent (hybrid nodes). */
  readonly agentChart: cdk8s.Chart;
  /** Every add-on identity, by construct id. */
  readonly identities: Record<string, WorkloadIdentity>;
}

/** Builds the example; with `outdir`, synthesis writes `<outdir>/cloudformation` and `<outdir>/kubernetes`. */
export function clusterAddonsExample(outdir?: string): ClusterAddonsExample {
  const app = new App(outdir ? { outdir: path.join(outdir, 'cloudformation') } : {});
  return defineClusterAddonsExample(app, new cdk8s.App({ outdir: path.join(outdir ?? app.outdir, 'kubernetes'), outputFileExtension: '.yaml' }));
}

function defineClusterAddonsExample(app: App, k8sApp: cdk8s.App): ClusterAddonsExample {
  const stack = new Stack(app, 'ClusterAddonsExample', { env: { account: '111122223333', region: 'eu-west-1' } });

  // --- platform: an EKS cluster whose Pod Identity Agent is the EKS add-on (the default).
  const platform = EksCluster.fromClusterAttributes(stack, 'Platform', { clusterName: 'platform' });
  const zone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'apps.example.com' });
  const volumeKey = new kms.Key(stack, 'VolumeKey', { description: 'EBS volumes of the platform cluster', enableKeyRotation: true });

  const identities: Record<string, WorkloadIdentity> = {
    LoadBalancerController: AddonIdentity.loadBalancerController(stack, 'LoadBalancerController', { cluster: platform }),
    EbsCsiDriver: AddonIdentity.ebsCsiDriver(stack, 'EbsCsiDriver', { cluster: platform, kmsKeys: [volumeKey], installAddon: {} }),
    ExternalDns: AddonIdentity.externalDns(stack, 'ExternalDns', { cluster: platform, hostedZones: [zone] }),
    CertManager: AddonIdentity.certManager(stack, 'CertManager', { cluster: platform, hostedZones: [zone] }),
    ExternalSecrets: AddonIdentity.externalSecrets(stack, 'ExternalSecrets', { cluster: platform, secretNamePrefixes: ['platform/'] }),
    ClusterAutoscaler: AddonIdentity.clusterAutoscaler(stack, 'ClusterAutoscaler', { cluster: platform }),
  };

  // --- edge: EKS Hybrid Nodes. The agent comes from the manifests below, never from the EKS add-on.
  const edge = EksCluster.fromClusterAttributes(stack, 'Edge', { clusterName: 'edge', podIdentityAgent: PodIdentityAgent.manifests() });
  const agentChart = new cdk8s.Chart(k8sApp, 'edge-pod-identity-agent');
  new k8s.PodIdentityAgent(agentChart, 'agent', {
    cluster: edge,
    variants: [k8s.PodIdentityAgentVariant.HYBRID],
    // Hybrid nodes in this example run with IPv6 disabled: the agent must not try to bind [fd00:ec2::23].
    ipv4Only: true,
  });
  identities.EdgeExternalSecrets = AddonIdentity.externalSecrets(stack, 'EdgeExternalSecrets', { cluster: edge, secretNamePrefixes: ['edge/'] });

  return { app, stack, k8sApp, agentChart, identities };
}

// `ts-node app.ts <outdir>` writes <outdir>/cloudformation and <outdir>/kubernetes; under `cdk synth`
// (see cdk.json) the CloudFormation goes where the CLI says and the YAML into <cdk outdir>/kubernetes.
if (require.main === module) {
  const example = clusterAddonsExample(process.argv[2]);
  example.app.synth();
  example.k8sApp.synth();
}
