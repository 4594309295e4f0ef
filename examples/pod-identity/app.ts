// Two workloads on an existing EKS cluster get AWS identities through EKS Pod Identity:
// - metrics-server in kube-system: a role and an association, no permissions;
// - catalog-api in its own namespace: may list one existing S3 bucket.
// One definition produces the CloudFormation template and the Kubernetes YAML.
import * as path from 'path';
import { App, Stack, aws_iam as iam, aws_s3 as s3 } from 'aws-cdk-lib';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { EksCluster, WorkloadIdentity } from '../../src';

/** The example's two halves. */
export interface PodIdentityExample {
  readonly app: App;
  readonly stack: Stack;
  readonly k8sApp: cdk8s.App;
  readonly chart: cdk8s.Chart;
}

/** Builds the example; with `outdir`, synthesis writes `<outdir>/cloudformation` and `<outdir>/kubernetes`. */
export function podIdentityExample(outdir?: string): PodIdentityExample {
  const app = new App(outdir ? { outdir: path.join(outdir, 'cloudformation') } : {});
  return definePodIdentityExample(app, new cdk8s.App({ outdir: path.join(outdir ?? app.outdir, 'kubernetes'), outputFileExtension: '.yaml' }));
}

function definePodIdentityExample(app: App, k8sApp: cdk8s.App): PodIdentityExample {
  const stack = new Stack(app, 'PodIdentityExample', { env: { account: '111122223333', region: 'ap-south-1' } });
  const chart = new cdk8s.Chart(k8sApp, 'workloads');

  const cluster = EksCluster.fromClusterAttributes(stack, 'Demo', { clusterName: 'demo' });

  new WorkloadIdentity(stack, 'MetricsServer', {
    cluster,
    namespace: 'kube-system',
    serviceAccount: 'metrics-server',
    chart,
  });

  const catalog = new WorkloadIdentity(stack, 'CatalogApi', {
    cluster,
    namespace: 'catalog',
    serviceAccount: 'catalog-api',
    chart,
    serviceAccountOptions: { createNamespace: true, automountServiceAccountToken: false },
  });
  const bucket = s3.Bucket.fromBucketName(stack, 'Catalog', 'catalog-images-111122223333');
  catalog.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['s3:ListBucket'],
    resources: [bucket.bucketArn],
  }));

  new kplus.Deployment(chart, 'catalog-api', {
    metadata: { name: 'catalog-api', namespace: 'catalog' },
    serviceAccount: catalog.serviceAccount,
    automountServiceAccountToken: false,
    containers: [{
      image: 'public.ecr.aws/aws-cli/aws-cli:2.15.0',
      args: ['s3', 'ls', `s3://${bucket.bucketName}`],
      securityContext: { user: 1000, group: 1000 },
    }],
  });

  return { app, stack, k8sApp, chart };
}

// `ts-node app.ts <outdir>` writes <outdir>/cloudformation and <outdir>/kubernetes; under `cdk synth`
// (see cdk.json) the CloudFormation goes where the CLI says and the YAML into <cdk outdir>/kubernetes.
if (require.main === module) {
  const example = podIdentityExample(process.argv[2]);
  example.app.synth();
  example.k8sApp.synth();
}
