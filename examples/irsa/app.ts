// IRSA on an existing EKS cluster: `my-serviceaccount` in `default` may read one DynamoDB table.
// The cluster is imported by name and OIDC issuer; its IAM OIDC provider is created here (natively, once).
// The role has a name, so the ServiceAccount's role-arn annotation is a literal and the YAML can go to GitOps.
import * as path from 'path';
import { App, Stack, aws_dynamodb as dynamodb } from 'aws-cdk-lib';
import * as cdk8s from 'cdk8s';
import { EksCluster, IdentityMechanism, WorkloadIdentity } from '../../src';

/** The example's two halves. */
export interface IrsaExample {
  readonly app: App;
  readonly stack: Stack;
  readonly k8sApp: cdk8s.App;
  readonly chart: cdk8s.Chart;
}

/** Builds the example; with `outdir`, synthesis writes `<outdir>/cloudformation` and `<outdir>/kubernetes`. */
export function irsaExample(outdir?: string): IrsaExample {
  const app = new App(outdir ? { outdir: path.join(outdir, 'cloudformation') } : {});
  const k8sApp = new cdk8s.App({ outdir: path.join(outdir ?? app.outdir, 'kubernetes'), outputFileExtension: '.yaml' });
  const stack = new Stack(app, 'IrsaExample', { env: { account: '111122223333', region: 'eu-west-1' } });
  const chart = new cdk8s.Chart(k8sApp, 'default-namespace');

  const cluster = EksCluster.fromClusterAttributes(stack, 'Demo', {
    clusterName: 'demo',
    oidcIssuerUrl: 'https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE',
  });

  const identity = new WorkloadIdentity(stack, 'MyServiceAccount', {
    cluster,
    namespace: 'default',
    serviceAccount: 'my-serviceaccount',
    mechanism: IdentityMechanism.IRSA,
    roleName: 'my-serviceaccount',
    stsRegionalEndpoints: true,
    chart,
  });

  const table = dynamodb.Table.fromTableName(stack, 'Orders', 'orders');
  table.grantReadData(identity);

  return { app, stack, k8sApp, chart };
}

if (require.main === module) {
  const example = irsaExample(process.argv[2]);
  example.app.synth();
  example.k8sApp.synth();
}
