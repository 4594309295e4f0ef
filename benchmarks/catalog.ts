// The add-on identity catalog (src/policies): for each add-on, its service account, the resource inputs given here
// (one of each kind), its policy's size in characters (whitespace removed, as IAM counts) against the 6,144 of a
// managed policy, and the resources one identity adds to a stack.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { Construct } from 'constructs';
import { AddonIdentity, EksCluster, type IWorkloadCluster, type WorkloadIdentity } from '../src';
import { resolveIntrinsics } from '../test/util/intrinsics';

const env = { account: '111122223333', region: 'eu-west-1' };
const arn = (service: string, resource: string, region = env.region) => `arn:aws:${service}:${region}:${env.account}:${resource}`;
const KEY = arn('kms', 'key/0b6c7c3e-1b7e-4a53-9c6d-8f0e1d2c3b4a');

/** One add-on of the catalog: how to give it an identity with one input of each kind, and what those inputs are. */
export interface CatalogEntry {
  readonly addon: string;
  readonly inputs: string;
  readonly create: (scope: Construct, cluster: IWorkloadCluster) => WorkloadIdentity;
}

const ZONE = 'arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ';

export const CATALOG: CatalogEntry[] = [
  {
    addon: 'amazonManagedPrometheus',
    inputs: '1 workspace',
    create: (s, cluster) => AddonIdentity.amazonManagedPrometheus(s, 'Id', { cluster, workspaceArns: [arn('aps', 'workspace/ws-0b6c7c3e-1b7e-4a53-9c6d-8f0e1d2c3b4a')] }),
  },
  { addon: 'appMeshController', inputs: '1 mesh', create: (s, cluster) => AddonIdentity.appMeshController(s, 'Id', { cluster, meshNames: ['shop'] }) },
  { addon: 'appMeshEnvoyProxy', inputs: '1 mesh', create: (s, cluster) => AddonIdentity.appMeshEnvoyProxy(s, 'Id', { cluster, meshNames: ['shop'] }) },
  { addon: 'certManager', inputs: '1 hosted zone', create: (s, cluster) => AddonIdentity.certManager(s, 'Id', { cluster, hostedZoneArns: [ZONE] }) },
  { addon: 'cloudWatchObservability', inputs: '-', create: (s, cluster) => AddonIdentity.cloudWatchObservability(s, 'Id', { cluster }) },
  { addon: 'clusterAutoscaler', inputs: '1 cluster name', create: (s, cluster) => AddonIdentity.clusterAutoscaler(s, 'Id', { cluster }) },
  { addon: 'ebsCsiDriver', inputs: '1 KMS key', create: (s, cluster) => AddonIdentity.ebsCsiDriver(s, 'Id', { cluster, kmsKeyArns: [KEY] }) },
  {
    addon: 'efsCsiDriver',
    inputs: '1 file system',
    create: (s, cluster) => AddonIdentity.efsCsiDriver(s, 'Id', { cluster, fileSystemArns: [arn('elasticfilesystem', 'file-system/fs-0123456789abcdef0')] }),
  },
  { addon: 'externalDns', inputs: '1 hosted zone', create: (s, cluster) => AddonIdentity.externalDns(s, 'Id', { cluster, hostedZoneArns: [ZONE] }) },
  {
    addon: 'externalSecrets',
    inputs: '1 secret prefix, 1 parameter path, 1 KMS key',
    create: (s, cluster) => AddonIdentity.externalSecrets(s, 'Id', { cluster, secretNamePrefixes: ['platform/'], parameterPaths: ['/platform/'], kmsKeyArns: [KEY] }),
  },
  {
    addon: 'fsxLustreCsiDriver',
    inputs: '1 data repository bucket',
    create: (s, cluster) => AddonIdentity.fsxLustreCsiDriver(s, 'Id', { cluster, dataRepositoryBucketArns: ['arn:aws:s3:::datasets-111122223333'] }),
  },
  { addon: 'fsxOpenZfsCsiDriver', inputs: '-', create: (s, cluster) => AddonIdentity.fsxOpenZfsCsiDriver(s, 'Id', { cluster }) },
  { addon: 'gatewayApiController', inputs: '-', create: (s, cluster) => AddonIdentity.gatewayApiController(s, 'Id', { cluster }) },
  { addon: 'loadBalancerController', inputs: '- (its cluster tag)', create: (s, cluster) => AddonIdentity.loadBalancerController(s, 'Id', { cluster }) },
  {
    addon: 'loadBalancerControllerTargetGroupBinding',
    inputs: '1 target group',
    create: (s, cluster) => AddonIdentity.loadBalancerControllerTargetGroupBinding(s, 'Id', {
      cluster, targetGroupArns: [arn('elasticloadbalancing', 'targetgroup/web/0123456789abcdef')],
    }),
  },
  {
    addon: 'mountpointS3CsiDriver',
    inputs: '1 bucket prefix',
    create: (s, cluster) => AddonIdentity.mountpointS3CsiDriver(s, 'Id', { cluster, bucketPathArns: ['arn:aws:s3:::data-111122223333/models/*'] }),
  },
  { addon: 'nodeTerminationHandler', inputs: '1 queue', create: (s, cluster) => AddonIdentity.nodeTerminationHandler(s, 'Id', { cluster, queueArns: [arn('sqs', 'nth-events')] }) },
  { addon: 'pgAnalyze', inputs: '1 DB instance', create: (s, cluster) => AddonIdentity.pgAnalyze(s, 'Id', { cluster, dbInstanceArns: [arn('rds', 'db:orders')] }) },
  {
    addon: 'privateCaIssuer',
    inputs: '1 private CA',
    create: (s, cluster) => AddonIdentity.privateCaIssuer(s, 'Id', {
      cluster, certificateAuthorityArns: [arn('acm-pca', 'certificate-authority/0b6c7c3e-1b7e-4a53-9c6d-8f0e1d2c3b4a')],
    }),
  },
  {
    addon: 'velero',
    inputs: '1 bucket prefix',
    create: (s, cluster) => AddonIdentity.velero(s, 'Id', { cluster, bucketPathArns: ['arn:aws:s3:::backups-111122223333/cluster-a/*'] }),
  },
  { addon: 'vpcCni', inputs: '-', create: (s, cluster) => AddonIdentity.vpcCni(s, 'Id', { cluster }) },
];

/** The figures of one entry. */
export interface CatalogFigures {
  readonly addon: string;
  readonly serviceAccount: string;
  readonly inputs: string;
  /** Characters of each customer managed policy, whitespace removed; none when the add-on uses AWS managed policies only. */
  readonly policySizes: number[];
  readonly awsManagedPolicies: string[];
  readonly resources: string;
}

export function catalogFigures(entry: CatalogEntry): CatalogFigures {
  const stack = new Stack(new App(), 'Catalog', { env });
  const cluster = EksCluster.fromClusterAttributes(stack, 'Demo', { clusterName: 'demo' });
  const identity = entry.create(stack, cluster);
  const template = Template.fromStack(stack).toJSON();
  const resources = Object.values(template.Resources as Record<string, { Type: string; Properties: any }>);
  const policies = resources.filter(r => r.Type === 'AWS::IAM::ManagedPolicy');
  const role = resources.find(r => r.Type === 'AWS::IAM::Role')!;
  const awsManaged = (role.Properties.ManagedPolicyArns ?? [])
    .map((a: unknown) => JSON.stringify(a))
    .filter((a: string) => a.includes(':aws:policy/'))
    .map((a: string) => a.replace(/.*:aws:policy\/([^"\]]+).*/, '$1'));
  const counts = new Map<string, number>();
  for (const r of resources) counts.set(r.Type, (counts.get(r.Type) ?? 0) + 1);
  return {
    addon: entry.addon,
    serviceAccount: identity.bindings.map(b => `${b.namespace}/${b.serviceAccount}`).join(', '),
    inputs: entry.inputs,
    // As IAM counts them: intrinsics resolved (partition aws), whitespace removed.
    policySizes: policies.map(p => JSON.stringify(resolveIntrinsics(p.Properties.PolicyDocument, env)).length),
    awsManagedPolicies: awsManaged,
    resources: [...counts].sort().map(([t, n]) => `${n} ${t.replace(/^AWS::/, '')}`).join(', '),
  };
}

export function printCatalog(): void {
  console.log('\nAdd-on identity catalog (AddonIdentity.<add-on>, Pod Identity; one input of each kind; policy characters without whitespace, limit 6,144)');
  for (const entry of CATALOG) {
    const f = catalogFigures(entry);
    const policy = f.policySizes.length > 0 ? f.policySizes.join(' + ') : '-';
    const managed = f.awsManagedPolicies.length > 0 ? ` + AWS managed ${f.awsManagedPolicies.join(', ')}` : '';
    console.log(`  ${f.addon.padEnd(42)} ${f.serviceAccount.padEnd(58)} ${f.inputs.padEnd(46)} ${policy.padStart(12)}${managed}  [${f.resources}]`);
  }
}
