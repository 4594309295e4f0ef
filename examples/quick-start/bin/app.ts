// One workload, both halves: an IAM role that only my-app/api on the EKS cluster "demo" can assume (through EKS
// Pod Identity), allowed to read one S3 bucket, and the Kubernetes ServiceAccount it is bound to, written as YAML
// that Argo CD or Flux can apply as it is.
//
//   npx cdk synth    -> cdk.out/Identities.template.json (deploy it with npx cdk deploy)
//                       dist/workloads.yaml              (commit it to your GitOps repository)
import { App, Stack, aws_s3 as s3 } from 'aws-cdk-lib';
import { EksCluster, IdentityMechanism, WorkloadIdentity } from 'cdk-workload-identity';
import * as cdk8s from 'cdk8s';

const app = new App();
const k8sApp = new cdk8s.App({ outdir: 'dist', outputFileExtension: '.yaml' });

// An explicit account and region: IAM role ARNs in the YAML must be literals.
const stack = new Stack(app, 'Identities', { env: { account: '111122223333', region: 'eu-west-1' } });
const chart = new cdk8s.Chart(k8sApp, 'workloads');

// The cluster exists already; this app never creates one. Its OIDC issuer is only needed for IRSA:
// aws eks describe-cluster --name demo --query cluster.identity.oidc.issuer --output text
const cluster = EksCluster.fromClusterAttributes(stack, 'Demo', {
  clusterName: 'demo',
  oidcIssuerUrl: 'https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE',
});

// The role with exact trust, the Pod Identity association, the eks-pod-identity-agent add-on (once per cluster),
// and the ServiceAccount (with its Namespace) in the chart.
const api = new WorkloadIdentity(stack, 'Api', {
  cluster,
  namespace: 'my-app',
  serviceAccount: 'api',
  mechanism: IdentityMechanism.POD_IDENTITY,
  chart,
  serviceAccountOptions: { createNamespace: true },
});
s3.Bucket.fromBucketName(stack, 'Uploads', 'my-app-uploads-111122223333').grantRead(api);

// The same for a workload that must use IRSA (for example on Fargate): the ServiceAccount gets the
// eks.amazonaws.com/role-arn annotation, with the role's ARN as a literal.
new WorkloadIdentity(stack, 'Reports', {
  cluster,
  namespace: 'my-app',
  serviceAccount: 'reports',
  mechanism: IdentityMechanism.IRSA,
  chart,
});

app.synth();
k8sApp.synth();
