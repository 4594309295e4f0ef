// One IAM role shared by five service accounts in different namespaces of two EKS clusters, through IRSA.
// The trust admits exactly those five (cluster issuer, namespace, service account) tuples, never their cross product:
// one statement per cluster's OIDC provider, with the list of subjects. Cluster `blue`'s provider is created here;
// cluster `green`'s already exists and is imported by ARN. Each cluster gets its own chart of ServiceAccounts.
import * as path from 'path';
import { App, Stack, aws_iam as iam, aws_s3 as s3 } from 'aws-cdk-lib';
import * as cdk8s from 'cdk8s';
import { EksCluster, IdentityMechanism, WorkloadIdentity, WorkloadRole } from '../../src';

/** The example's two halves. */
export interface SharedRoleExample {
  readonly app: App;
  readonly stack: Stack;
  readonly k8sApp: cdk8s.App;
  readonly role: WorkloadRole;
}

export const BLUE_ISSUER = 'https://oidc.eks.us-east-1.amazonaws.com/id/B1UE0000000000000000000000000000';
export const GREEN_ISSUER = 'https://oidc.eks.us-east-1.amazonaws.com/id/6REE0000000000000000000000000000';

/** The five service accounts: [cluster, namespace, service account]. */
export const SHARED_ROLE_USERS: Array<[cluster: 'blue' | 'green', namespace: string, serviceAccount: string]> = [
  ['blue', 'reports', 'generator'],
  ['blue', 'billing', 'exporter'],
  ['blue', 'analytics', 'notebook'],
  ['green', 'reports', 'generator'],
  ['green', 'audit', 'collector'],
];

/** Builds the example; with `outdir`, synthesis writes `<outdir>/cloudformation` and `<outdir>/kubernetes`. */
export function sharedRoleExample(outdir?: string): SharedRoleExample {
  const app = new App(outdir ? { outdir: path.join(outdir, 'cloudformation') } : {});
  const k8sApp = new cdk8s.App({ outdir: path.join(outdir ?? app.outdir, 'kubernetes'), outputFileExtension: '.yaml' });
  const stack = new Stack(app, 'SharedRoleExample', { env: { account: '111122223333', region: 'us-east-1' } });

  const clusters = {
    blue: EksCluster.fromClusterAttributes(stack, 'Blue', { clusterName: 'blue', oidcIssuerUrl: BLUE_ISSUER }),
    green: EksCluster.fromClusterAttributes(stack, 'Green', {
      clusterName: 'green',
      oidcIssuerUrl: GREEN_ISSUER,
      oidcProviderArn: 'arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/6REE0000000000000000000000000000',
    }),
  };
  const charts = { blue: new cdk8s.Chart(k8sApp, 'blue'), green: new cdk8s.Chart(k8sApp, 'green') };

  const role = new WorkloadRole(stack, 'ReportsReader', { roleName: 'reports-reader' });
  for (const [cluster, namespace, serviceAccount] of SHARED_ROLE_USERS) {
    new WorkloadIdentity(stack, `${cluster}-${namespace}-${serviceAccount}`, {
      cluster: clusters[cluster],
      namespace,
      serviceAccount,
      mechanism: IdentityMechanism.IRSA,
      role,
      chart: charts[cluster],
      serviceAccountOptions: { createNamespace: true },
    });
  }
  // Least privilege: the five workloads read one report object.
  const reports = s3.Bucket.fromBucketName(stack, 'Reports', 'reports-111122223333');
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [reports.arnForObjects('daily/latest.csv')] }));

  return { app, stack, k8sApp, role };
}

if (require.main === module) {
  const example = sharedRoleExample(process.argv[2]);
  example.app.synth();
  example.k8sApp.synth();
}
