// Moving a workload from IRSA to EKS Pod Identity without downtime, in three deployments:
//   1. `irsa`          the starting point: IRSA trust, annotated ServiceAccount;
//   2. `both`          the role trusts both, the association exists, the annotation stays;
//                      new pods get Pod Identity credentials, running pods keep IRSA ones;
//   3. `pod-identity`  once every pod has restarted: IRSA trust and annotation removed.
// The phase comes from the CDK context: `npx cdk synth -c phase=both`. The role keeps its logical id and name
// in every phase, so no deployment replaces it under running pods.
import * as path from 'path';
import { App, Stack, aws_dynamodb as dynamodb } from 'aws-cdk-lib';
import * as cdk8s from 'cdk8s';
import { EksCluster, IdentityMechanism, WorkloadIdentity } from '../../src';

/** The three deployments, in order. */
export const MIGRATION_PHASES: Record<string, IdentityMechanism> = {
  'irsa': IdentityMechanism.IRSA,
  'both': IdentityMechanism.BOTH,
  'pod-identity': IdentityMechanism.POD_IDENTITY,
};

/** The example's two halves. */
export interface MigrationExample {
  readonly app: App;
  readonly stack: Stack;
  readonly k8sApp: cdk8s.App;
  readonly identity: WorkloadIdentity;
}

/** Builds phase `phase` (default: the `phase` context value, else `both`); with `outdir`, writes `<outdir>/{cloudformation,kubernetes}`. */
export function migrationExample(outdir?: string, phase?: string): MigrationExample {
  const app = new App(outdir ? { outdir: path.join(outdir, 'cloudformation') } : {});
  const k8sApp = new cdk8s.App({ outdir: path.join(outdir ?? app.outdir, 'kubernetes'), outputFileExtension: '.yaml' });
  const chosen = phase ?? app.node.tryGetContext('phase') ?? 'both';
  const mechanism = MIGRATION_PHASES[chosen];
  if (!mechanism) {
    throw new Error(`Unknown phase ${JSON.stringify(chosen)}: expected one of ${Object.keys(MIGRATION_PHASES).join(', ')}`);
  }
  const stack = new Stack(app, 'MigrationExample', { env: { account: '111122223333', region: 'eu-central-1' } });
  const chart = new cdk8s.Chart(k8sApp, 'orders');

  const cluster = EksCluster.fromClusterAttributes(stack, 'Prod', {
    clusterName: 'prod',
    oidcIssuerUrl: 'https://oidc.eks.eu-central-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF',
    oidcProviderArn: 'arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF',
  });

  const identity = new WorkloadIdentity(stack, 'OrdersApi', {
    cluster,
    namespace: 'orders',
    serviceAccount: 'orders-api',
    mechanism,
    roleName: 'orders-api',
    chart,
  });
  dynamodb.Table.fromTableName(stack, 'Orders', 'orders').grantReadWriteData(identity);

  return { app, stack, k8sApp, identity };
}

if (require.main === module) {
  const example = migrationExample(process.argv[2]);
  example.app.synth();
  example.k8sApp.synth();
}
