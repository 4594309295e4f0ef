// This library against the peers, N workloads in one stack, each its own namespace and service account, each granted
// read on one imported bucket: resources, template bytes, Lambda functions and custom resources, and in-process synth
// time (the variants interleaved, at least 5 runs each). Prints; asserts nothing.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, aws_eks as eksv1, aws_eks_v2 as eks, aws_iam as iam, aws_s3 as s3 } from 'aws-cdk-lib';
import { EksCluster, IdentityMechanism, WorkloadIdentity } from '../src';

const env = { account: '111122223333', region: 'eu-west-1' };
const CLUSTER = 'demo';
const CLUSTER_ARN = `arn:aws:eks:${env.region}:${env.account}:cluster/${CLUSTER}`;
const ISSUER_HOST = 'oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF';
const PROVIDER_ARN = `arn:aws:iam::${env.account}:oidc-provider/${ISSUER_HOST}`;
const bucketOf = (stack: Stack, i: number) => s3.Bucket.fromBucketName(stack, `Bucket${i}`, `data-${i}-111122223333`);

/** One way of giving N workloads an identity. */
interface Variant {
  readonly name: string;
  readonly build: (stack: Stack, n: number) => void;
}

const VARIANTS: Variant[] = [
  {
    name: 'ours, Pod Identity',
    build: (stack, n) => {
      const cluster = EksCluster.fromClusterAttributes(stack, 'Demo', { clusterName: CLUSTER });
      for (let i = 0; i < n; i++) bucketOf(stack, i).grantRead(new WorkloadIdentity(stack, `W${i}`, { cluster, namespace: `team-${i}`, serviceAccount: 'app' }));
    },
  },
  {
    name: 'ours, IRSA (literal issuer)',
    build: (stack, n) => {
      const cluster = EksCluster.fromClusterAttributes(stack, 'Demo', { clusterName: CLUSTER, oidcIssuerUrl: `https://${ISSUER_HOST}`, oidcProviderArn: PROVIDER_ARN });
      for (let i = 0; i < n; i++) {
        bucketOf(stack, i).grantRead(new WorkloadIdentity(stack, `W${i}`, {
          cluster, namespace: `team-${i}`, serviceAccount: 'app', mechanism: IdentityMechanism.IRSA,
        }));
      }
    },
  },
  {
    name: 'eks.ServiceAccount, Pod Identity',
    build: (stack, n) => {
      const cluster = importedV2Cluster(stack);
      for (let i = 0; i < n; i++) {
        bucketOf(stack, i).grantRead(new eks.ServiceAccount(stack, `W${i}`, {
          cluster, namespace: `team-${i}`, name: 'app', identityType: eks.IdentityType.POD_IDENTITY,
        }));
      }
    },
  },
  {
    name: 'eks.ServiceAccount, IRSA',
    build: (stack, n) => {
      const cluster = importedV2Cluster(stack);
      for (let i = 0; i < n; i++) bucketOf(stack, i).grantRead(new eks.ServiceAccount(stack, `W${i}`, { cluster, namespace: `team-${i}`, name: 'app' }));
    },
  },
  {
    name: 'hand-written, Pod Identity',
    build: (stack, n) => {
      for (let i = 0; i < n; i++) {
        const tags = {
          'aws:RequestTag/eks-cluster-arn': CLUSTER_ARN,
          'aws:RequestTag/kubernetes-namespace': `team-${i}`,
          'aws:RequestTag/kubernetes-service-account': 'app',
        };
        // One statement, sts:AssumeRole and sts:TagSession, with the session tags EKS sets (as the EKS user guide writes it).
        const role = new iam.Role(stack, `W${i}`, {
          assumedBy: new iam.SessionTagsPrincipal(new iam.ServicePrincipal('pods.eks.amazonaws.com').withConditions({ StringEquals: tags })),
        });
        bucketOf(stack, i).grantRead(role);
        new eksv1.CfnPodIdentityAssociation(stack, `A${i}`, { clusterName: CLUSTER, namespace: `team-${i}`, serviceAccount: 'app', roleArn: role.roleArn });
      }
    },
  },
  {
    name: 'hand-written, IRSA',
    build: (stack, n) => {
      for (let i = 0; i < n; i++) {
        const role = new iam.Role(stack, `W${i}`, {
          assumedBy: new iam.WebIdentityPrincipal(PROVIDER_ARN, {
            StringEquals: { [`${ISSUER_HOST}:sub`]: `system:serviceaccount:team-${i}:app`, [`${ISSUER_HOST}:aud`]: 'sts.amazonaws.com' },
          }),
        });
        bucketOf(stack, i).grantRead(role);
      }
    },
  },
];

function importedV2Cluster(stack: Stack): eks.ICluster {
  return eks.Cluster.fromClusterAttributes(stack, 'Demo', {
    clusterName: CLUSTER,
    kubectlProvider: eks.KubectlProvider.fromKubectlProviderAttributes(stack, 'Kubectl', {
      serviceToken: `arn:aws:lambda:${env.region}:${env.account}:function:kubectl-provider`,
    }),
    openIdConnectProvider: iam.OidcProviderNative.fromOidcProviderArn(stack, 'Provider', PROVIDER_ARN),
  });
}

interface Figures {
  readonly resources: number;
  readonly lambdas: number;
  readonly customResources: number;
  readonly bytes: number;
  readonly times: number[];
}

function synthOnce(variant: Variant, n: number): { ms: number; template: any } {
  const start = process.hrtime.bigint();
  // The 500-resource limit is lifted to measure past it; `max/stack` reports where each variant meets it.
  const app = new App({ context: { '@aws-cdk/core:stackResourceLimit': 0 } });
  const stack = new Stack(app, 'Bench', { env });
  variant.build(stack, n);
  const template = app.synth().getStackByName('Bench').template;
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, template };
}

function measure(n: number, runs: number): Map<string, Figures> {
  const times = new Map<string, number[]>(VARIANTS.map(v => [v.name, []]));
  const templates = new Map<string, any>();
  // Interleaved: every run synthesizes each variant once, in turn.
  for (let run = 0; run < runs; run++) {
    for (const variant of VARIANTS) {
      const { ms, template } = synthOnce(variant, n);
      times.get(variant.name)!.push(ms);
      templates.set(variant.name, template);
    }
  }
  const result = new Map<string, Figures>();
  for (const variant of VARIANTS) {
    const resources = Object.values(templates.get(variant.name).Resources as Record<string, { Type: string }>);
    result.set(variant.name, {
      resources: resources.length,
      lambdas: resources.filter(r => r.Type === 'AWS::Lambda::Function').length,
      customResources: resources.filter(r => r.Type.startsWith('Custom::') || r.Type === 'AWS::CloudFormation::CustomResource').length,
      bytes: JSON.stringify(templates.get(variant.name)).length,
      times: times.get(variant.name)!.sort((a, b) => a - b),
    });
  }
  return result;
}

const median = (xs: number[]) => xs[Math.floor(xs.length / 2)];

/** The most workloads one stack holds (500 resources), from the resources at N and at 2N. */
function perStack(at: (n: number) => number): number {
  const fixed = 2 * at(1) - at(2);
  const per = at(2) - at(1);
  return Math.floor((500 - fixed) / per);
}

/** Whole-process wall time of synthesizing `variant` once at `n` in a fresh Node.js process (ts-node, transpile only). */
function wallTime(variant: Variant, n: number): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['-r', 'ts-node/register', __filename, '--one', variant.name, String(n)], {
    cwd: path.join(__dirname, '..'),
    env: { ...process.env, TS_NODE_PROJECT: path.join(__dirname, 'tsconfig.json'), TS_NODE_TRANSPILE_ONLY: 'true' },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`${variant.name} at ${n}: ${result.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export function printPeers(): void {
  const runs = 5;
  const pkg = JSON.parse(fs.readFileSync(require.resolve('aws-cdk-lib/package.json'), 'utf8')) as { version: string };
  console.log(`\nThis library against the peers (aws-cdk-lib ${pkg.version}; N workloads, each its own namespace, service account and ` +
    `bucket.grantRead; ${runs} interleaved in-process runs each)`);
  const small = new Map(VARIANTS.map(v => [v.name, (k: number) => Object.keys(synthOnce(v, k).template.Resources).length]));
  for (const n of [50, 240]) {
    const figures = measure(n, runs);
    console.log(`  N = ${n}`);
    console.log(`    ${'variant'.padEnd(34)} ${'resources'.padStart(9)} ${'/wl'.padStart(5)} ${'λ'.padStart(3)} ${'CR'.padStart(4)} ` +
      `${'bytes'.padStart(9)} ${'/wl'.padStart(6)} ${'min ms'.padStart(8)} ${'median ms'.padStart(10)} ${'process ms'.padStart(11)} ${'max/stack'.padStart(10)}`);
    for (const [name, f] of figures) {
      console.log(`    ${name.padEnd(34)} ${String(f.resources).padStart(9)} ${(f.resources / n).toFixed(2).padStart(5)} ${String(f.lambdas).padStart(3)} ` +
        `${String(f.customResources).padStart(4)} ${String(f.bytes).padStart(9)} ${(f.bytes / n).toFixed(0).padStart(6)} ` +
        `${f.times[0].toFixed(0).padStart(8)} ${median(f.times).toFixed(0).padStart(10)} ` +
        `${wallTime(VARIANTS.find(v => v.name === name)!, n).toFixed(0).padStart(11)} ${String(perStack(small.get(name)!)).padStart(10)}`);
    }
    const ratio = (a: string, b: string, pick: (f: Figures) => number) => (pick(figures.get(a)!) / pick(figures.get(b)!)).toFixed(2);
    for (const mechanism of ['Pod Identity', 'IRSA']) {
      const ours = mechanism === 'IRSA' ? 'ours, IRSA (literal issuer)' : 'ours, Pod Identity';
      const hand = `hand-written, ${mechanism}`;
      const peer = `eks.ServiceAccount, ${mechanism}`;
      console.log(`    ${mechanism}: bytes/workload ${ratio(ours, hand, f => f.bytes)}x hand-written (target <= 1.05), ` +
        `synth median ${ratio(ours, hand, f => median(f.times))}x hand-written (target <= 1.1), ` +
        `${ratio(ours, peer, f => median(f.times))}x eks.ServiceAccount (target <= 0.5)`);
    }
  }
}

if (require.main === module) {
  if (process.argv[2] === '--one') {
    synthOnce(VARIANTS.find(v => v.name === process.argv[3])!, Number(process.argv[4]));
  } else {
    printPeers();
  }
}
