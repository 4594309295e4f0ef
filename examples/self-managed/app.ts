// IRSA on a cluster that is not EKS: a kubeadm cluster on EC2.
// - Its service account issuer is hosted in S3 under a prefix (the discovery document and the JWKS, computed here from
//   the apiserver's public key, sa.pub), with an IAM OIDC provider whose client id is `awssts`.
// - The pod identity webhook runs in the cluster, in namespace `irsa-webhook`, injecting tokens for `awssts`.
// - `read-s3-hello` in `default` may read one object of one bucket.
// The main job writes the CloudFormation, the Kubernetes YAML (the webhook and the ServiceAccount) and the
// kube-apiserver flags as kubeadm and k3s snippets, next to the template.
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, aws_iam as iam, aws_s3 as s3 } from 'aws-cdk-lib';
import * as cdk8s from 'cdk8s';
import { DiscoveryHosting, IdentityMechanism, SelfManagedCluster, WorkloadIdentity, k8s } from '../../src';

/** The example's two halves. */
export interface SelfManagedExample {
  readonly app: App;
  readonly stack: Stack;
  readonly cluster: SelfManagedCluster;
  readonly k8sApp: cdk8s.App;
  readonly webhookChart: cdk8s.Chart;
  readonly workloadsChart: cdk8s.Chart;
}

/** The public half of the apiserver's service account key (/etc/kubernetes/pki/sa.pub on a kubeadm control plane). */
export const SERVICE_ACCOUNT_PUBLIC_KEY = fs.readFileSync(path.join(__dirname, 'sa.pub'), 'utf8');

/** Builds the example; with `outdir`, synthesis writes `<outdir>/cloudformation` and `<outdir>/kubernetes`. */
export function selfManagedExample(outdir?: string): SelfManagedExample {
  const app = new App(outdir ? { outdir: path.join(outdir, 'cloudformation') } : {});
  const k8sApp = new cdk8s.App({ outdir: path.join(outdir ?? app.outdir, 'kubernetes'), outputFileExtension: '.yaml' });
  const stack = new Stack(app, 'SelfManagedExample', { env: { account: '111122223333', region: 'eu-central-1' } });

  const cluster = new SelfManagedCluster(stack, 'Kubeadm', {
    clusterName: 'kubeadm-lab',
    serviceAccountPublicKeys: [SERVICE_ACCOUNT_PUBLIC_KEY],
    discovery: DiscoveryHosting.s3Bucket({ prefix: 'kubeadm-lab' }),
    audiences: ['awssts'],
    // The issuer kubeadm gave the cluster: accepted after the new one, so running pods keep their tokens.
    previousIssuerUrls: ['https://kubernetes.default.svc.cluster.local'],
  });

  const webhookChart = new cdk8s.Chart(k8sApp, 'pod-identity-webhook');
  new k8s.PodIdentityWebhook(webhookChart, 'Webhook', { namespace: 'irsa-webhook', cluster });

  const workloadsChart = new cdk8s.Chart(k8sApp, 'workloads');
  const hello = new WorkloadIdentity(stack, 'ReadS3Hello', {
    cluster,
    namespace: 'default',
    serviceAccount: 'read-s3-hello',
    mechanism: IdentityMechanism.IRSA,
    chart: workloadsChart,
  });
  // Least privilege: one action on one object (bucket.grantRead would add s3:GetObject*, s3:GetBucket* and s3:List*).
  const bucket = s3.Bucket.fromBucketName(stack, 'Greetings', 'greetings-111122223333');
  hello.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects('hello.txt')] }));

  return { app, stack, cluster, k8sApp, webhookChart, workloadsChart };
}

if (require.main === module) {
  const example = selfManagedExample(process.argv[2]);
  example.app.synth();
  example.k8sApp.synth();
}
