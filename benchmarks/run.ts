// Figures for the closing notes and the README: resources per identity, trust policy sizes and how many
// service accounts fit in IAM's limits, and how long the example takes to synthesize. Prints; asserts nothing.
import { App, Stack, aws_dynamodb as dynamodb, aws_s3 as s3 } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { printCatalog } from './catalog';
import { printPeers } from './peers';
import { podIdentityExample } from '../examples/pod-identity/app';
import { ClusterScope, EksCluster, IdentityMechanism, WorkloadIdentity, WorkloadRole } from '../src';

const env = { account: '111122223333', region: 'ap-south-1' };
// An EKS issuer has a 32-character id.
const ISSUER = 'https://oidc.eks.ap-south-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF';

function resourceTypes(stack: Stack): string {
  const counts = new Map<string, number>();
  for (const r of Object.values(Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string }>)) {
    counts.set(r.Type, (counts.get(r.Type) ?? 0) + 1);
  }
  return [...counts].sort().map(([t, n]) => `${n} ${t}`).join(', ');
}

function resourcesPerIdentity(): void {
  console.log('Resources per Pod Identity workload');
  for (const [label, identities, grant] of [['1 identity, no permissions', 1, false], ['1 identity, bucket.grantRead', 1, true], ['10 identities, one cluster', 10, false]] as const) {
    const stack = new Stack(new App(), 'Bench', { env });
    const cluster = EksCluster.fromClusterAttributes(stack, 'Demo', { clusterName: 'demo' });
    for (let i = 0; i < identities; i++) {
      const identity = new WorkloadIdentity(stack, `Id${i}`, { cluster, namespace: `team-${i}`, serviceAccount: 'app' });
      if (grant) s3.Bucket.fromBucketName(stack, `B${i}`, `bucket-${i}`).grantRead(identity);
    }
    console.log(`  ${label.padEnd(32)} ${resourceTypes(stack)}`);
  }
}

/** Trust policy size (characters, no whitespace) of a role trusting `n` service accounts. */
function trustSize(n: number, sameNamespace: boolean, clusterScope: ClusterScope): number {
  const stack = new Stack(new App(), 'Bench', { env });
  const cluster = EksCluster.fromClusterAttributes(stack, 'Demo', { clusterName: 'production-eu' });
  const podIdentity = Array.from({ length: n }, (_, i) => ({
    cluster, namespace: sameNamespace ? 'workloads' : `team-${i}`, serviceAccount: `service-account-${i}`,
  }));
  new WorkloadRole(stack, 'Role', { podIdentity, clusterScope, maxTrustPolicySize: 4096 });
  const roles = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role')) as any[];
  return JSON.stringify(roles[0].Properties.AssumeRolePolicyDocument).length;
}

function mostThatFit(limit: number, sameNamespace: boolean, clusterScope: ClusterScope): number {
  let n = 1;
  while (true) {
    try {
      if (trustSize(n + 1, sameNamespace, clusterScope) > limit) return n;
    } catch {
      return n;
    }
    n++;
  }
}

function trustSizes(): void {
  console.log('\nPod Identity trust policy size (characters without whitespace; SA names "service-account-<i>", cluster "production-eu")');
  for (const sameNamespace of [false, true]) {
    for (const scope of [ClusterScope.ARN, ClusterScope.NAME]) {
      const sizes = [1, 2, 5].map(n => `${n}: ${trustSize(n, sameNamespace, scope)}`).join(', ');
      console.log(`  ${sameNamespace ? 'one namespace      ' : 'distinct namespaces'} scope ${scope.padEnd(4)}  ${sizes};` +
        ` most within 2,048: ${mostThatFit(2048, sameNamespace, scope)}, within 4,096: ${mostThatFit(4096, sameNamespace, scope)}`);
    }
  }
}

function synthTimes(): void {
  const runs = 10;
  const times: number[] = [];
  let bytes = { template: 0, yaml: 0 };
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const example = podIdentityExample();
    const template = JSON.stringify(Template.fromStack(example.stack).toJSON());
    const yaml = example.k8sApp.synthYaml();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    bytes = { template: template.length, yaml: yaml.length };
  }
  times.sort((a, b) => a - b);
  console.log(`\nexamples/pod-identity: synthesis median ${times[Math.floor(runs / 2)].toFixed(1)} ms, min ${times[0].toFixed(1)} ms over ${runs} runs` +
    ` (in-process, the first run cold); template ${bytes.template} bytes, YAML ${bytes.yaml} bytes`);
}

function irsaFigures(): void {
  console.log('\nIRSA');
  for (const [label, identities, grant] of [['1 identity, no permissions', 1, false], ['1 identity, table.grantReadData', 1, true], ['10 identities, one cluster', 10, false]] as const) {
    const stack = new Stack(new App(), 'Bench', { env });
    const cluster = EksCluster.fromClusterAttributes(stack, 'Demo', { clusterName: 'demo', oidcIssuerUrl: ISSUER });
    for (let i = 0; i < identities; i++) {
      const identity = new WorkloadIdentity(stack, `Id${i}`, { cluster, namespace: `team-${i}`, serviceAccount: 'app', mechanism: IdentityMechanism.IRSA });
      if (grant) dynamodb.Table.fromTableName(stack, `T${i}`, `table-${i}`).grantReadData(identity);
    }
    console.log(`  ${label.padEnd(32)} ${resourceTypes(stack)}`);
  }
  const size = (n: number) => {
    const stack = new Stack(new App(), 'Bench', { env });
    const cluster = EksCluster.fromClusterAttributes(stack, 'Demo', {
      clusterName: 'demo', oidcIssuerUrl: ISSUER, oidcProviderArn: `arn:aws:iam::${env.account}:oidc-provider/${ISSUER.slice(8)}`,
    });
    const irsa = Array.from({ length: n }, (_, i) => ({ cluster, namespace: `team-${i}`, serviceAccount: `service-account-${i}` }));
    new WorkloadRole(stack, 'Role', { irsa, maxTrustPolicySize: 4096 });
    const roles = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role')) as any[];
    return JSON.stringify(roles[0].Properties.AssumeRolePolicyDocument).length;
  };
  const most = (limit: number) => {
    let n = 1;
    const fits = (k: number) => { try { return size(k) <= limit; } catch { return false; } };
    while (fits(n + 1)) n++;
    return n;
  };
  console.log(`  trust size (one EKS issuer, SA "service-account-<i>" in "team-<i>"): ${[1, 2, 10].map(n => `${n}: ${size(n)}`).join(', ')};` +
    ` most within 2,048: ${most(2048)}, within 4,096: ${most(4096)}`);

  // With a provider created in the same stack the template holds a Ref; the size check counts the provider's real ARN,
  // so the most service accounts it accepts must deploy within the limit.
  const providerArn = `arn:aws:iam::${env.account}:oidc-provider/${ISSUER.slice(8)}`;
  const accepted = (n: number, limit: number): number | undefined => {
    const stack = new Stack(new App(), 'Bench', { env });
    const cluster = EksCluster.fromClusterAttributes(stack, 'Demo', { clusterName: 'demo', oidcIssuerUrl: ISSUER });
    const irsa = Array.from({ length: n }, (_, i) => ({ cluster, namespace: `team-${i}`, serviceAccount: `service-account-${i}` }));
    new WorkloadRole(stack, 'Role', { irsa, maxTrustPolicySize: limit });
    try {
      const roles = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role')) as any[];
      const doc = roles[0].Properties.AssumeRolePolicyDocument;
      return JSON.stringify(doc).replace(/\{"Ref":"DemoOidcProvider[0-9A-F]+"\}/, JSON.stringify(providerArn)).length;
    } catch {
      return undefined;
    }
  };
  for (const limit of [2048, 4096]) {
    let n = 1;
    while (accepted(n + 1, limit) !== undefined) n++;
    console.log(`  created provider (ARN ${providerArn.length} characters): the check accepts ${n} service accounts within ${limit}; ` +
      `deployed size ${accepted(n, limit)} characters`);
  }
}

resourcesPerIdentity();
trustSizes();
irsaFigures();
synthTimes();
printCatalog();
printPeers();
