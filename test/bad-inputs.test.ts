// The catalog of bad inputs: every one is rejected at synthesis (in a constructor, or when the app is synthesized),
// with a message that starts with the construct's kind and path and names the value given, and no template or YAML
// file is written. Then the valid edge inputs, which must pass.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Lazy, Stack, Tags, aws_iam as iam } from 'aws-cdk-lib';
import * as cdk8s from 'cdk8s';
import {
  AddonIdentity, ClusterOidcProvider, ClusterScope, DiscoveryHosting, EksCluster, IdentityMechanism, PodIdentityAgent, PodIdentityAgentAddon,
  PodIdentityAssociation, SelfManagedCluster, WorkloadIdentity, WorkloadRole, k8s,
} from '../src';
import type { AddonConflictResolution, IWorkloadCluster, SelfManagedClusterProps } from '../src';
import { ACCOUNT, REGION } from './util/fixtures';
import { eksIssuer, providerArnFor } from './util/irsa-sim';
import { assertNoUnresolvedTokens, parseYamlDocuments, validateKubernetesObjects } from './util/kubernetes';

const ISSUER = eksIssuer('0123456789ABCDEF0123456789ABCDEF');

/** A CDK app and a cdk8s app writing to a temporary folder, a stack in the fixture environment, a cluster and a chart. */
class Ctx {
  public readonly outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-input-'));
  public readonly app = new App({ outdir: path.join(this.outdir, 'cloudformation') });
  public readonly k8sApp = new cdk8s.App({ outdir: path.join(this.outdir, 'kubernetes'), outputFileExtension: '.yaml' });
  public readonly stack = new Stack(this.app, 'Test', { env: { account: ACCOUNT, region: REGION } });
  public readonly chart = new cdk8s.Chart(this.k8sApp, 'workloads');
  private clusterCache?: IWorkloadCluster;

  /** The cluster `demo`, with an OIDC issuer (construct `Test/Demo`). */
  public get cluster(): IWorkloadCluster {
    this.clusterCache ??= EksCluster.fromClusterAttributes(this.stack, 'Demo', { clusterName: 'demo', oidcIssuerUrl: ISSUER });
    return this.clusterCache;
  }

  public import(id: string, attrs: Partial<Parameters<typeof EksCluster.fromClusterAttributes>[2]> = {}): IWorkloadCluster {
    return EksCluster.fromClusterAttributes(this.stack, id, { clusterName: 'demo', ...attrs });
  }

  /** Every file the two apps wrote. */
  public written(): string[] {
    const walk = (dir: string): string[] => (fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true })
      .flatMap(e => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)])) : []);
    return walk(this.outdir).filter(f => /\.(template\.json|ya?ml)$/.test(f));
  }
}

interface BadInput {
  /** What is wrong, for the test name. */
  readonly name: string;
  /** The start of the message: `<Kind> <path>:`. */
  readonly subject: string;
  /** The value as the message must show it. */
  readonly value: string;
  /** A part of what the message says is expected. */
  readonly expected: string;
  readonly build: (c: Ctx) => void;
}

const identity = (c: Ctx, props: Partial<ConstructorParameters<typeof WorkloadIdentity>[2]> = {}, id = 'Api') =>
  new WorkloadIdentity(c.stack, id, { cluster: c.cluster, namespace: 'apps', serviceAccount: 'api', ...props } as any);
const association = (c: Ctx, props: Record<string, unknown> = {}, id = 'Assoc') =>
  new PodIdentityAssociation(c.stack, id, { cluster: c.cluster, namespace: 'apps', serviceAccount: 'api', ...props } as any);
const serviceAccount = (c: Ctx, props: Record<string, unknown> = {}, id = 'Sa') =>
  new k8s.ServiceAccount(c.chart, id, { name: 'api', namespace: 'apps', ...props } as any);
const policyOf = (resources: string[]) => new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources })] });
const tags = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`key-${i}`, `value-${i}`]));
const long = (n: number, c = 'a') => c.repeat(n);
const key = (file: string) => fs.readFileSync(path.join(__dirname, 'fixtures', 'keys', file), 'utf8');
const selfManaged = (c: Ctx, props: Partial<SelfManagedClusterProps> = {}) =>
  new SelfManagedCluster(c.stack, 'Lab', { clusterName: 'lab', serviceAccountPublicKeys: [key('sa-rsa.pub')], ...props });

const BAD: BadInput[] = [
  // --- WorkloadIdentity: the mechanism and the options that go with it
  { name: 'mechanism pod_identity (a Python spelling)', subject: 'WorkloadIdentity Test/Api:', value: '"pod_identity"', expected: 'one of IdentityMechanism.POD_IDENTITY', build: c => identity(c, { mechanism: 'pod_identity' as any }) },
  { name: 'mechanism irsa in lowercase', subject: 'WorkloadIdentity Test/Api:', value: '"irsa"', expected: 'IdentityMechanism.IRSA', build: c => identity(c, { mechanism: 'irsa' as any }) },
  { name: 'mechanism empty', subject: 'WorkloadIdentity Test/Api:', value: 'mechanism is ""', expected: 'IdentityMechanism.BOTH', build: c => identity(c, { mechanism: '' as any }) },
  { name: 'mechanism a number', subject: 'WorkloadIdentity Test/Api:', value: 'mechanism is 1', expected: 'one of', build: c => identity(c, { mechanism: 1 as any }) },
  { name: 'clusterScope name in lowercase', subject: 'WorkloadIdentity Test/Api:', value: '"name"', expected: 'ClusterScope.ARN, ClusterScope.NAME', build: c => identity(c, { clusterScope: 'name' as any }) },
  { name: 'clusterScope with mechanism IRSA', subject: 'WorkloadIdentity Test/Api:', value: 'clusterScope is set with mechanism IRSA', expected: 'only with POD_IDENTITY or BOTH', build: c => identity(c, { mechanism: IdentityMechanism.IRSA, clusterScope: ClusterScope.NAME }) },
  { name: 'targetRole with mechanism IRSA', subject: 'WorkloadIdentity Test/Api:', value: 'targetRole', expected: 'only with POD_IDENTITY or BOTH', build: c => identity(c, { mechanism: IdentityMechanism.IRSA, targetRole: iam.Role.fromRoleArn(c.stack, 'T', `arn:aws:iam::${ACCOUNT}:role/t`) }) },
  { name: 'targetRole with mechanism BOTH', subject: 'WorkloadIdentity Test/Api:', value: 'targetRole is set with mechanism BOTH', expected: 'targetRole only with POD_IDENTITY', build: c => identity(c, { mechanism: IdentityMechanism.BOTH, targetRole: iam.Role.fromRoleArn(c.stack, 'T', `arn:aws:iam::${ACCOUNT}:role/t`) }) },
  { name: 'audience with mechanism POD_IDENTITY', subject: 'WorkloadIdentity Test/Api:', value: 'audience is set with mechanism POD_IDENTITY', expected: 'only with IRSA or BOTH', build: c => identity(c, { audience: 'awssts' }) },
  { name: 'tokenExpiration with mechanism POD_IDENTITY', subject: 'WorkloadIdentity Test/Api:', value: 'tokenExpiration is set with mechanism POD_IDENTITY', expected: 'only with IRSA or BOTH', build: c => identity(c, { tokenExpiration: cdk8s.Duration.hours(1) }) },
  { name: 'roleName together with role', subject: 'WorkloadIdentity Test/Api:', value: 'roleName is set together with role Test/Shared', expected: 'only for the new role', build: c => identity(c, { role: new WorkloadRole(c.stack, 'Shared'), roleName: 'x' }) },
  { name: 'allowUnscopedPodIdentityTrust together with role', subject: 'WorkloadIdentity Test/Api:', value: 'allowUnscopedPodIdentityTrust is set together with role', expected: 'only for the new role', build: c => identity(c, { role: new WorkloadRole(c.stack, 'Shared'), allowUnscopedPodIdentityTrust: true }) },
  { name: 'serviceAccountOptions without chart', subject: 'WorkloadIdentity Test/Api:', value: 'serviceAccountOptions are set but chart is not', expected: 'a chart', build: c => identity(c, { serviceAccountOptions: { automountServiceAccountToken: false } }) },
  { name: 'the same service account twice in one chart', subject: 'WorkloadIdentity Test/Two:', value: 'apps/api', expected: 'each service account once per chart', build: c => { identity(c, { mechanism: IdentityMechanism.IRSA, chart: c.chart }); identity(c, { mechanism: IdentityMechanism.IRSA, chart: c.chart }, 'Two'); } },
  // --- WorkloadIdentity: names
  { name: 'namespace with capitals', subject: 'WorkloadIdentity Test/Api:', value: '"Apps"', expected: 'lowercase letters, digits', build: c => identity(c, { namespace: 'Apps' }) },
  { name: 'namespace of 64 characters', subject: 'WorkloadIdentity Test/Api:', value: `"${long(64)}"`, expected: '1 to 63 characters', build: c => identity(c, { namespace: long(64) }) },
  { name: 'namespace with an underscore', subject: 'WorkloadIdentity Test/Api:', value: '"team_a"', expected: 'DNS-1123', build: c => identity(c, { namespace: 'team_a' }) },
  { name: 'namespace starting with a hyphen', subject: 'WorkloadIdentity Test/Api:', value: '"-apps"', expected: 'starting and ending with a letter or digit', build: c => identity(c, { namespace: '-apps' }) },
  { name: 'namespace a number (JavaScript)', subject: 'WorkloadIdentity Test/Api:', value: 'namespace is 42', expected: 'a string', build: c => identity(c, { namespace: 42 as any }) },
  { name: 'service account with capitals', subject: 'WorkloadIdentity Test/Api:', value: '"API"', expected: 'DNS-1123 subdomain', build: c => identity(c, { serviceAccount: 'API' }) },
  { name: 'service account ending with a dot', subject: 'WorkloadIdentity Test/Api:', value: '"api."', expected: 'DNS-1123 subdomain', build: c => identity(c, { serviceAccount: 'api.' }) },
  { name: 'service account of 254 characters', subject: 'WorkloadIdentity Test/Api:', value: `"${long(254)}"`, expected: '1 to 253 characters', build: c => identity(c, { serviceAccount: long(254) }) },
  { name: 'service account empty', subject: 'WorkloadIdentity Test/Api:', value: 'service account name ""', expected: 'DNS-1123 subdomain', build: c => identity(c, { serviceAccount: '' }) },
  { name: 'no service account at all', subject: 'WorkloadIdentity Test/Api:', value: 'serviceAccount is not set', expected: 'or serviceAccounts', build: c => identity(c, { serviceAccount: undefined }) },
  { name: 'serviceAccounts empty', subject: 'WorkloadIdentity Test/Api:', value: 'serviceAccounts is empty', expected: 'at least one', build: c => new WorkloadIdentity(c.stack, 'Api', { serviceAccounts: [] }) },
  { name: 'serviceAccounts with a repeat', subject: 'WorkloadIdentity Test/Api:', value: 'apps/api@demo', expected: 'each service account once', build: c => new WorkloadIdentity(c.stack, 'Api', { serviceAccounts: [{ cluster: c.cluster, namespace: 'apps', serviceAccount: 'api' }, { cluster: c.cluster, namespace: 'apps', serviceAccount: 'api' }] }) },
  { name: 'serviceAccounts together with namespace', subject: 'WorkloadIdentity Test/Api:', value: 'namespace is set together with serviceAccounts', expected: 'either cluster, namespace and serviceAccount, or serviceAccounts', build: c => new WorkloadIdentity(c.stack, 'Api', { namespace: 'apps', serviceAccounts: [{ cluster: c.cluster, namespace: 'apps', serviceAccount: 'api' }] }) },
  { name: 'a service account whose cluster is missing', subject: 'WorkloadIdentity Test/Api:', value: 'undefined', expected: 'an IWorkloadCluster', build: c => new WorkloadIdentity(c.stack, 'Api', { serviceAccounts: [{ namespace: 'apps', serviceAccount: 'api' } as any] }) },
  // --- Trust that would widen silently
  { name: 'session tags disabled on a new role, without the opt-in', subject: 'WorkloadRole Test/Api/Role:', value: 'apps/api@demo', expected: 'session tags on every association', build: c => identity(c, { disableSessionTags: true }) },
  { name: 'session tags disabled for one service account of a shared role', subject: 'WorkloadRole Test/Shared:', value: 'apps/web@demo (session tags passed)', expected: 'allowUnscopedPodIdentityTrust', build: c => { const role = new WorkloadRole(c.stack, 'Shared'); identity(c, { role }); identity(c, { role, serviceAccount: 'web' }, 'Web'); identity(c, { role, serviceAccount: 'batch', disableSessionTags: true }, 'Batch'); } },
  { name: 'allowUnscopedPodIdentityTrust on an association with a role', subject: 'PodIdentityAssociation Test/Assoc:', value: 'allowUnscopedPodIdentityTrust is set together with role Test/R', expected: 'only for a role this association creates', build: c => association(c, { role: new WorkloadRole(c.stack, 'R'), allowUnscopedPodIdentityTrust: true }) },
  // --- EksCluster
  { name: 'cluster name starting with a hyphen', subject: 'EksCluster Test/Bad:', value: '"-demo"', expected: 'starting with a letter or digit', build: c => c.import('Bad', { clusterName: '-demo' }) },
  { name: 'cluster name of 101 characters', subject: 'EksCluster Test/Bad:', value: `"${long(101)}"`, expected: '1 to 100 characters', build: c => c.import('Bad', { clusterName: long(101) }) },
  { name: 'cluster name with a dot', subject: 'EksCluster Test/Bad:', value: '"demo.cluster"', expected: 'letters, digits', build: c => c.import('Bad', { clusterName: 'demo.cluster' }) },
  { name: 'cluster ARN of a node group', subject: 'EksCluster Test/Bad:', value: `"arn:aws:eks:${REGION}:${ACCOUNT}:nodegroup/demo/ng/1"`, expected: 'arn:<partition>:eks:<region>:<account>:cluster/<name>', build: c => c.import('Bad', { clusterArn: `arn:aws:eks:${REGION}:${ACCOUNT}:nodegroup/demo/ng/1` }) },
  { name: 'cluster ARN of another cluster', subject: 'EksCluster Test/Bad:', value: 'names cluster "other"', expected: 'the ARN of the cluster named clusterName', build: c => c.import('Bad', { clusterArn: `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/other` }) },
  { name: 'cluster ARN whose partition is not its region\'s', subject: 'EksCluster Test/Bad:', value: `"arn:aws:eks:cn-north-1:${ACCOUNT}:cluster/demo"`, expected: 'arn:aws-cn:eks:cn-north-1', build: c => c.import('Bad', { clusterArn: `arn:aws:eks:cn-north-1:${ACCOUNT}:cluster/demo` }) },
  { name: 'cluster ARN in another partition than the stack', subject: 'EksCluster Test/Bad:', value: `"arn:aws-cn:eks:cn-north-1:${ACCOUNT}:cluster/demo"`, expected: 'an ARN in partition "aws"', build: c => c.import('Bad', { clusterArn: `arn:aws-cn:eks:cn-north-1:${ACCOUNT}:cluster/demo` }) },
  { name: 'issuer http://', subject: 'EksCluster Test/Bad:', value: '"http://oidc.eks.eu-west-1.amazonaws.com/id/X"', expected: 'an https:// URL', build: c => c.import('Bad', { oidcIssuerUrl: 'http://oidc.eks.eu-west-1.amazonaws.com/id/X' }) },
  { name: 'issuer without a scheme', subject: 'EksCluster Test/Bad:', value: '"oidc.eks.eu-west-1.amazonaws.com/id/X"', expected: 'an https:// URL', build: c => c.import('Bad', { oidcIssuerUrl: 'oidc.eks.eu-west-1.amazonaws.com/id/X' }) },
  { name: 'issuer with a trailing newline (aws ... --output text)', subject: 'EksCluster Test/Bad:', value: JSON.stringify(`${ISSUER}\n`), expected: 'without port, user, query, fragment or whitespace', build: c => c.import('Bad', { oidcIssuerUrl: `${ISSUER}\n` }) },
  { name: 'issuer with a leading space', subject: 'EksCluster Test/Bad:', value: JSON.stringify(` ${ISSUER}`), expected: 'an https:// URL', build: c => c.import('Bad', { oidcIssuerUrl: ` ${ISSUER}` }) },
  { name: 'issuer with a space inside', subject: 'EksCluster Test/Bad:', value: '"https://oidc.eks.eu-west-1.amazonaws.com/id/A B"', expected: 'whitespace', build: c => c.import('Bad', { oidcIssuerUrl: 'https://oidc.eks.eu-west-1.amazonaws.com/id/A B' }) },
  { name: 'issuer with a port', subject: 'EksCluster Test/Bad:', value: '"https://oidc.eks.eu-west-1.amazonaws.com:443/id/X"', expected: 'without port', build: c => c.import('Bad', { oidcIssuerUrl: 'https://oidc.eks.eu-west-1.amazonaws.com:443/id/X' }) },
  { name: 'issuer with a query', subject: 'EksCluster Test/Bad:', value: '"https://oidc.eks.eu-west-1.amazonaws.com/id/X?a=1"', expected: 'query', build: c => c.import('Bad', { oidcIssuerUrl: 'https://oidc.eks.eu-west-1.amazonaws.com/id/X?a=1' }) },
  { name: 'issuer with a fragment', subject: 'EksCluster Test/Bad:', value: '"https://oidc.eks.eu-west-1.amazonaws.com/id/X#a"', expected: 'fragment', build: c => c.import('Bad', { oidcIssuerUrl: 'https://oidc.eks.eu-west-1.amazonaws.com/id/X#a' }) },
  { name: 'issuer with user information', subject: 'EksCluster Test/Bad:', value: '"https://user@oidc.example.com/x"', expected: 'user', build: c => c.import('Bad', { oidcIssuerUrl: 'https://user@oidc.example.com/x' }) },
  { name: 'issuer of 256 characters', subject: 'EksCluster Test/Bad:', value: 'has 256 characters', expected: 'at most 255 characters', build: c => c.import('Bad', { oidcIssuerUrl: `https://example.com/${long(236)}` }) },
  { name: 'EKS issuer of another region', subject: 'EksCluster Test/Bad:', value: '"https://oidc.eks.us-west-2.amazonaws.com/id/X"', expected: 'the cluster\'s own issuer', build: c => c.import('Bad', { oidcIssuerUrl: 'https://oidc.eks.us-west-2.amazonaws.com/id/X' }) },
  { name: 'provider ARN of a role', subject: 'EksCluster Test/Bad:', value: `"arn:aws:iam::${ACCOUNT}:role/x"`, expected: 'oidc-provider', build: c => c.import('Bad', { oidcIssuerUrl: ISSUER, oidcProviderArn: `arn:aws:iam::${ACCOUNT}:role/x` }) },
  { name: 'provider ARN of another issuer', subject: 'EksCluster Test/Bad:', value: providerArnFor(eksIssuer('OTHER')), expected: 'the ARN of the provider for', build: c => c.import('Bad', { oidcIssuerUrl: ISSUER, oidcProviderArn: providerArnFor(eksIssuer('OTHER')) }) },
  { name: 'provider ARN in another partition', subject: 'EksCluster Test/Bad:', value: `arn:aws-cn:iam::${ACCOUNT}:oidc-provider/`, expected: 'partition "aws"', build: c => c.import('Bad', { oidcIssuerUrl: ISSUER, oidcProviderArn: providerArnFor(ISSUER).replace('arn:aws:', 'arn:aws-cn:') }) },
  { name: 'podIdentityAgent given as a string', subject: 'EksCluster Test/Bad:', value: '"addon"', expected: 'PodIdentityAgent.addon()', build: c => c.import('Bad', { podIdentityAgent: 'addon' as any }) },
  { name: 'a provider ARN known only at deploy time, without the issuer', subject: 'EksCluster Test/Bad:', value: 'oidcProviderArn is known only at deploy time and oidcIssuerUrl is not set', expected: 'oidcIssuerUrl too', build: c => c.import('Bad', { oidcProviderArn: Lazy.string({ produce: () => providerArnFor(ISSUER) }) }) },
  { name: 'an import naming a provider after an identity created one', subject: 'EksCluster Test/Late:', value: providerArnFor(ISSUER), expected: 'every import of one issuer to agree on its provider', build: c => { identity(c, { mechanism: IdentityMechanism.IRSA }); c.import('Late', { oidcIssuerUrl: ISSUER, oidcProviderArn: providerArnFor(ISSUER) }); } },
  // --- PodIdentityAssociation
  { name: 'target role that is a user', subject: 'PodIdentityAssociation Test/Assoc:', value: '"arn:aws:iam::444455556666:user/bob"', expected: 'arn:<partition>:iam::<account>:role/<name>', build: c => association(c, { targetRole: iam.Role.fromRoleArn(c.stack, 'T', 'arn:aws:iam::444455556666:user/bob') }) },
  { name: 'target role that is the association role', subject: 'PodIdentityAssociation Test/Assoc:', value: `arn:aws:iam::${ACCOUNT}:role/self`, expected: 'a different role to chain into', build: c => { const role = iam.Role.fromRoleArn(c.stack, 'Self', `arn:aws:iam::${ACCOUNT}:role/self`); association(c, { role, targetRole: role }); } },
  { name: 'target role in another partition', subject: 'PodIdentityAssociation Test/Assoc:', value: '"arn:aws-cn:iam::444455556666:role/t"', expected: 'partition "aws"', build: c => association(c, { targetRole: iam.Role.fromRoleArn(c.stack, 'T', 'arn:aws-cn:iam::444455556666:role/t') }) },
  { name: 'role in another partition', subject: 'PodIdentityAssociation Test/Assoc:', value: `"arn:aws-us-gov:iam::${ACCOUNT}:role/r"`, expected: 'partition "aws"', build: c => association(c, { role: iam.Role.fromRoleArn(c.stack, 'R', `arn:aws-us-gov:iam::${ACCOUNT}:role/r`) }) },
  { name: 'role in another account', subject: 'PodIdentityAssociation Test/Assoc:', value: 'arn:aws:iam::444455556666:role/foreign', expected: `in the cluster's account ${ACCOUNT}`, build: c => association(c, { role: iam.Role.fromRoleArn(c.stack, 'R', 'arn:aws:iam::444455556666:role/foreign') }) },
  { name: 'tag key with the aws: prefix', subject: 'PodIdentityAssociation Test/Assoc:', value: '"aws:team"', expected: 'reserved for AWS', build: c => association(c, { tags: { 'aws:team': 'x' } }) },
  { name: 'tag key with the AWS: prefix', subject: 'PodIdentityAssociation Test/Assoc:', value: '"AWS:Team"', expected: 'neither starting with aws:', build: c => association(c, { tags: { 'AWS:Team': 'x' } }) },
  { name: 'tag value with the aws: prefix', subject: 'PodIdentityAssociation Test/Assoc:', value: '"aws:x"', expected: 'reserved for AWS', build: c => association(c, { tags: { team: 'aws:x' } }) },
  { name: 'tag key of 129 characters', subject: 'PodIdentityAssociation Test/Assoc:', value: `"${long(129, 'k')}" has 129 characters`, expected: 'keys of 1 to 128', build: c => association(c, { tags: { [long(129, 'k')]: 'x' } }) },
  { name: 'tag value of 257 characters', subject: 'PodIdentityAssociation Test/Assoc:', value: 'has 257 characters', expected: 'values of at most 256', build: c => association(c, { tags: { team: long(257, 'v') } }) },
  { name: 'tag key with a character EKS refuses', subject: 'PodIdentityAssociation Test/Assoc:', value: '"team!"', expected: 'letters, digits, spaces and + - = . _ : / @', build: c => association(c, { tags: { 'team!': 'x' } }) },
  { name: '51 tags', subject: 'PodIdentityAssociation Test/Assoc:', value: 'tags has 51 tags', expected: 'at most 50', build: c => association(c, { tags: tags(51) }) },
  { name: '50 tags plus one from Tags.of(stack), counted at synth', subject: 'PodIdentityAssociation Test/Assoc:', value: 'has 51 tags', expected: 'at most 50', build: c => { association(c, { tags: tags(50) }); Tags.of(c.stack).add('cost-center', '42'); } },
  { name: 'session policy with session tags on', subject: 'PodIdentityAssociation Test/Assoc:', value: 'sessionPolicy is set while session tags are enabled', expected: 'disableSessionTags: true', build: c => association(c, { sessionPolicy: policyOf(['*']) }) },
  { name: 'session policy grown over 2,048 characters after construction', subject: 'PodIdentityAssociation Test/Assoc:', value: 'sessionPolicy is', expected: 'at most 2048 characters', build: c => { const policy = policyOf(['arn:aws:s3:::b/*']); association(c, { disableSessionTags: true, allowUnscopedPodIdentityTrust: true, sessionPolicy: policy }); policy.addStatements(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: Array.from({ length: 60 }, (_, i) => `arn:aws:s3:::bucket-number-${i}/*`) })); } },
  { name: 'session policy without statements', subject: 'PodIdentityAssociation Test/Assoc:', value: 'sessionPolicy has no statements', expected: 'at least one statement', build: c => association(c, { disableSessionTags: true, allowUnscopedPodIdentityTrust: true, sessionPolicy: new iam.PolicyDocument() }) },
  { name: 'session policy with a principal', subject: 'PodIdentityAssociation Test/Assoc:', value: 'sessionPolicy has a statement a session policy cannot have (A PolicyStatement used in an identity-based policy cannot specify any IAM principals)', expected: 'without principals', build: c => association(c, { disableSessionTags: true, allowUnscopedPodIdentityTrust: true, sessionPolicy: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'], principals: [new iam.AnyPrincipal()] })] }) }) },
  { name: 'a second association for one service account', subject: 'PodIdentityAssociation Test/Second:', value: 'apps/api@demo', expected: 'one association per cluster, namespace and service account', build: c => { association(c); association(c, {}, 'Second'); } },
  { name: 'Pod Identity on a cluster that cannot run it', subject: 'PodIdentityAssociation Test/Assoc:', value: 'Fargate-only cluster', expected: 'a cluster whose nodes run the Pod Identity Agent', build: c => new PodIdentityAssociation(c.stack, 'Assoc', { cluster: c.import('Fargate', { podIdentityAgent: PodIdentityAgent.unavailable('Fargate-only cluster') }), namespace: 'a', serviceAccount: 'b' }) },
  { name: 'association for a cluster in another region', subject: 'PodIdentityAssociation Test/Assoc:', value: `${ACCOUNT}/us-west-2`, expected: 'in the cluster\'s account and region', build: c => new PodIdentityAssociation(c.stack, 'Assoc', { cluster: c.import('Far', { clusterArn: `arn:aws:eks:us-west-2:${ACCOUNT}:cluster/demo` }), namespace: 'a', serviceAccount: 'b' }) },
  { name: 'association ARN of a cluster', subject: 'PodIdentityAssociation Test/Imported:', value: `"arn:aws:eks:${REGION}:${ACCOUNT}:cluster/demo"`, expected: 'podidentityassociation', build: c => PodIdentityAssociation.fromAssociationArn(c.stack, 'Imported', `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/demo`) },
  // --- PodIdentityAgentAddon
  { name: 'add-on version without v', subject: 'PodIdentityAgentAddon Test/Addon:', value: '"1.3.4"', expected: 'v1.3.4-eksbuild.1', build: c => new PodIdentityAgentAddon(c.stack, 'Addon', { cluster: c.cluster, addonVersion: '1.3.4' }) },
  { name: 'add-on version latest', subject: 'PodIdentityAgentAddon Test/Addon:', value: '"latest"', expected: 'v1.3.4-eksbuild.1', build: c => new PodIdentityAgentAddon(c.stack, 'Addon', { cluster: c.cluster, addonVersion: 'latest' }) },
  { name: 'resolveConflicts in lowercase', subject: 'PodIdentityAgentAddon Test/Addon:', value: '"overwrite"', expected: 'AddonConflictResolution.OVERWRITE', build: c => new PodIdentityAgentAddon(c.stack, 'Addon', { cluster: c.cluster, resolveConflicts: 'overwrite' as AddonConflictResolution }) },
  { name: 'ipv4Only with another -b', subject: 'PodIdentityAgentAddon Test/Addon:', value: '"0.0.0.0"', expected: 'one of them', build: c => new PodIdentityAgentAddon(c.stack, 'Addon', { cluster: c.cluster, ipv4Only: true, additionalArgs: { '-b': '0.0.0.0' } }) },
  { name: 'agent argument that is not a flag', subject: 'PodIdentityAgentAddon Test/Addon:', value: '"b"', expected: 'agent flags like "-b"', build: c => new PodIdentityAgentAddon(c.stack, 'Addon', { cluster: c.cluster, additionalArgs: { b: '1' } }) },
  { name: 'a second agent add-on for one cluster', subject: 'PodIdentityAgentAddon Test/Second:', value: 'cluster "demo" already has the eks-pod-identity-agent add-on at Test/First', expected: 'one add-on per EKS cluster', build: c => { new PodIdentityAgentAddon(c.stack, 'First', { cluster: c.cluster }); new PodIdentityAgentAddon(c.stack, 'Second', { cluster: c.cluster }); } },
  // --- WorkloadRole
  { name: 'maxTrustPolicySize 4097', subject: 'WorkloadRole Test/Role:', value: 'maxTrustPolicySize is 4097', expected: 'from 1 to 4096', build: c => new WorkloadRole(c.stack, 'Role', { maxTrustPolicySize: 4097 }) },
  { name: 'maxTrustPolicySize 0', subject: 'WorkloadRole Test/Role:', value: 'maxTrustPolicySize is 0', expected: 'a whole number of characters', build: c => new WorkloadRole(c.stack, 'Role', { maxTrustPolicySize: 0 }) },
  { name: 'maxTrustPolicySize 2048.5', subject: 'WorkloadRole Test/Role:', value: 'maxTrustPolicySize is 2048.5', expected: 'a whole number of characters', build: c => new WorkloadRole(c.stack, 'Role', { maxTrustPolicySize: 2048.5 }) },
  { name: 'a role that trusts nobody', subject: 'WorkloadRole Test/Role:', value: 'the role trusts no service account', expected: 'at least one', build: c => new WorkloadRole(c.stack, 'Role') },
  { name: 'a trust policy over 2,048 characters', subject: 'WorkloadRole Test/Role:', value: 'team-0/service-account-0@demo (Pod Identity)', expected: 'at most maxTrustPolicySize, 2048', build: c => new WorkloadRole(c.stack, 'Role', { podIdentity: Array.from({ length: 12 }, (_, i) => ({ cluster: c.cluster, namespace: `team-${i}`, serviceAccount: `service-account-${i}` })) }) },
  { name: 'IRSA audience empty', subject: 'WorkloadRole Test/Role:', value: 'IRSA audience ""', expected: '1 to 255 characters', build: c => new WorkloadRole(c.stack, 'Role').addIrsaTrust({ cluster: c.cluster, namespace: 'a', serviceAccount: 'b' }, { audience: '' }) },
  { name: 'IRSA audience of 256 characters', subject: 'WorkloadRole Test/Role:', value: `"${long(256)}"`, expected: '1 to 255 characters', build: c => new WorkloadRole(c.stack, 'Role').addIrsaTrust({ cluster: c.cluster, namespace: 'a', serviceAccount: 'b' }, { audience: long(256) }) },
  { name: 'IRSA audience with a space', subject: 'WorkloadRole Test/Role:', value: '"sts amazonaws.com"', expected: 'without whitespace', build: c => new WorkloadRole(c.stack, 'Role').addIrsaTrust({ cluster: c.cluster, namespace: 'a', serviceAccount: 'b' }, { audience: 'sts amazonaws.com' }) },
  { name: 'IRSA on a cluster without an issuer', subject: 'WorkloadRole Test/Role:', value: 'a/b on cluster "demo", which has no oidcIssuerUrl', expected: 'a cluster with an OIDC issuer', build: c => new WorkloadRole(c.stack, 'Role', { irsa: [{ cluster: c.import('NoIssuer'), namespace: 'a', serviceAccount: 'b' }] }) },
  { name: 'IRSA role in another account than the provider', subject: 'WorkloadRole Test/Role:', value: 'account 444455556666', expected: 'the provider in the role\'s account', build: c => new WorkloadRole(c.stack, 'Role', { irsa: [{ cluster: c.import('Foreign', { oidcIssuerUrl: ISSUER, oidcProviderArn: providerArnFor(ISSUER, '444455556666') }), namespace: 'a', serviceAccount: 'b' }] }) },
  { name: 'IRSA namespace wildcard for a bad namespace', subject: 'WorkloadRole Test/Role:', value: '"Batch"', expected: 'DNS-1123', build: c => new WorkloadRole(c.stack, 'Role').addIrsaNamespaceTrust({ cluster: c.cluster, namespace: 'Batch' }) },
  { name: 'clusterScope not an enum value', subject: 'WorkloadRole Test/Role:', value: '"cluster-arn"', expected: 'ClusterScope.ARN', build: c => new WorkloadRole(c.stack, 'Role', { clusterScope: 'cluster-arn' as any }) },
  // --- ClusterOidcProvider
  { name: 'a second provider for one issuer', subject: 'ClusterOidcProvider Test/Second:', value: `issuer ${ISSUER} already has an IAM OIDC provider in this app at Test/First`, expected: 'one provider per issuer and account', build: c => { new ClusterOidcProvider(c.stack, 'First', { issuerUrl: ISSUER }); new ClusterOidcProvider(c.stack, 'Second', { issuerUrl: ISSUER }); } },
  // --- ServiceAccount (Kubernetes)
  { name: 'raw role-arn annotation', subject: 'ServiceAccount workloads/Sa:', value: '"eks.amazonaws.com/role-arn"', expected: 'the roleArn prop', build: c => serviceAccount(c, { annotations: { 'eks.amazonaws.com/role-arn': `arn:aws:iam::${ACCOUNT}:role/x` } }) },
  { name: 'raw audience annotation', subject: 'ServiceAccount workloads/Sa:', value: '"eks.amazonaws.com/audience"', expected: 'the audience prop', build: c => serviceAccount(c, { annotations: { 'eks.amazonaws.com/audience': 'awssts' } }) },
  { name: 'raw token-expiration annotation added later', subject: 'ServiceAccount workloads/Sa:', value: '"eks.amazonaws.com/token-expiration"', expected: 'the tokenExpiration prop', build: c => serviceAccount(c).addAnnotation('eks.amazonaws.com/token-expiration', '10') },
  { name: 'misspelt webhook annotation', subject: 'ServiceAccount workloads/Sa:', value: '"eks.amazonaws.com/rolearn"', expected: 'one of the typed props', build: c => serviceAccount(c, { annotations: { 'eks.amazonaws.com/rolearn': 'x' } }) },
  { name: 'pod annotation on a ServiceAccount', subject: 'ServiceAccount workloads/Sa:', value: '"eks.amazonaws.com/skip-containers"', expected: 'one of the typed props', build: c => serviceAccount(c, { annotations: { 'eks.amazonaws.com/skip-containers': 'sidecar' } }) },
  { name: 'role ARN with an 11-digit account', subject: 'ServiceAccount workloads/Sa:', value: '"arn:aws:iam::12345678901:role/x"', expected: 'matching', build: c => serviceAccount(c, { roleArn: 'arn:aws:iam::12345678901:role/x' }) },
  { name: 'role ARN of a user', subject: 'ServiceAccount workloads/Sa:', value: `"arn:aws:iam::${ACCOUNT}:user/bob"`, expected: 'role/<optional path/><role name>', build: c => serviceAccount(c, { roleArn: `arn:aws:iam::${ACCOUNT}:user/bob` }) },
  { name: 'token expiration of 599 seconds', subject: 'ServiceAccount workloads/Sa:', value: 'tokenExpiration is 599 seconds', expected: 'from 600 to 86400', build: c => serviceAccount(c, { roleArn: `arn:aws:iam::${ACCOUNT}:role/x`, tokenExpiration: cdk8s.Duration.seconds(599) }) },
  { name: 'token expiration of 86,401 seconds', subject: 'ServiceAccount workloads/Sa:', value: 'tokenExpiration is 86401 seconds', expected: 'from 600 to 86400', build: c => serviceAccount(c, { roleArn: `arn:aws:iam::${ACCOUNT}:role/x`, tokenExpiration: cdk8s.Duration.seconds(86401) }) },
  { name: 'token expiration not whole seconds', subject: 'ServiceAccount workloads/Sa:', value: 'tokenExpiration is 600.5 seconds', expected: 'a whole number of seconds', build: c => serviceAccount(c, { roleArn: `arn:aws:iam::${ACCOUNT}:role/x`, tokenExpiration: cdk8s.Duration.millis(600500) }) },
  { name: 'token expiration given as a number (JavaScript)', subject: 'ServiceAccount workloads/Sa:', value: 'tokenExpiration is 3600', expected: 'a cdk8s Duration', build: c => serviceAccount(c, { roleArn: `arn:aws:iam::${ACCOUNT}:role/x`, tokenExpiration: 3600 }) },
  { name: 'audience without roleArn', subject: 'ServiceAccount workloads/Sa:', value: 'audience is set without roleArn', expected: 'roleArn too', build: c => serviceAccount(c, { audience: 'awssts' }) },
  { name: 'audience empty', subject: 'ServiceAccount workloads/Sa:', value: 'audience is ""', expected: 'the client id of the IAM OIDC provider', build: c => serviceAccount(c, { roleArn: `arn:aws:iam::${ACCOUNT}:role/x`, audience: '' }) },
  { name: 'label key with two slashes', subject: 'ServiceAccount workloads/Sa:', value: '"a/b/c"', expected: 'a Kubernetes qualified name', build: c => serviceAccount(c, { labels: { 'a/b/c': 'x' } }) },
  { name: 'label value of 64 characters', subject: 'ServiceAccount workloads/Sa:', value: `"${long(64, 'v')}"`, expected: 'empty, or 1 to 63 characters', build: c => serviceAccount(c, { labels: { team: long(64, 'v') } }) },
  { name: 'annotation key empty', subject: 'ServiceAccount workloads/Sa:', value: 'annotation key ""', expected: 'a Kubernetes qualified name', build: c => serviceAccount(c, { annotations: { '': 'x' } }) },
  { name: 'image pull secret with an underscore', subject: 'ServiceAccount workloads/Sa:', value: '"reg_cred"', expected: 'DNS-1123 subdomain', build: c => serviceAccount(c, { imagePullSecrets: ['reg_cred'] }) },
  { name: 'namespaceLabels without createNamespace', subject: 'ServiceAccount workloads/Sa:', value: '{"team":"x"}', expected: 'createNamespace: true with namespaceLabels', build: c => serviceAccount(c, { namespaceLabels: { team: 'x' } }) },
  { name: 'one namespace label with two values', subject: 'Namespace workloads/Namespace-apps:', value: '"team" of namespace apps is set to "a" and to "b"', expected: 'one value per label', build: c => { serviceAccount(c, { createNamespace: true, namespaceLabels: { team: 'a' } }); serviceAccount(c, { name: 'web', createNamespace: true, namespaceLabels: { team: 'b' } }, 'Web'); } },
  { name: 'a second Namespace object for one namespace', subject: 'Namespace workloads/Again:', value: 'namespace "apps" already has a Namespace object', expected: 'one Namespace object per namespace in a chart', build: c => { new k8s.Namespace(c.chart, 'First', { name: 'apps' }); new k8s.Namespace(c.chart, 'Again', { name: 'apps' }); } },
  // --- JavaScript and Python callers: booleans given as strings ('false' is truthy)
  { name: 'stsRegionalEndpoints given as the string false', subject: 'WorkloadIdentity Test/Api:', value: 'stsRegionalEndpoints is "false" (string)', expected: 'true or false', build: c => identity(c, { mechanism: IdentityMechanism.IRSA, stsRegionalEndpoints: 'false' as any }) },
  { name: 'automountServiceAccountToken given as the string false', subject: 'ServiceAccount workloads/Sa:', value: 'automountServiceAccountToken is "false" (string)', expected: 'true or false', build: c => serviceAccount(c, { automountServiceAccountToken: 'false' }) },
  { name: 'disableSessionTags given as the string true', subject: 'PodIdentityAssociation Test/Assoc:', value: 'disableSessionTags is "true" (string)', expected: 'true or false', build: c => association(c, { disableSessionTags: 'true' }) },
  { name: 'ipv4Only given as yes', subject: 'PodIdentityAgentAddon Test/Addon:', value: 'ipv4Only is "yes" (string)', expected: 'true or false', build: c => new PodIdentityAgentAddon(c.stack, 'Addon', { cluster: c.cluster, ipv4Only: 'yes' as any }) },
  // --- Clusters outside EKS: the keys, the hosting, the flags and the webhook
  { name: 'a private key as a service account public key', subject: 'SelfManagedCluster Test/Lab:', value: 'serviceAccountPublicKeys[0] holds a private key (its value is not shown)', expected: 'only the public half', build: c => selfManaged(c, { serviceAccountPublicKeys: [key('sa-rsa.key')] }) },
  { name: 'an RSA service account key of 1,024 bits', subject: 'SelfManagedCluster Test/Lab:', value: 'is an RSA key of 1024 bits', expected: 'at least 2048 bits', build: c => selfManaged(c, { serviceAccountPublicKeys: [key('sa-rsa-1024.pub')] }) },
  { name: 'an EC service account key on P-384', subject: 'SelfManagedCluster Test/Lab:', value: 'an EC key on curve secp384r1', expected: 'an EC P-256 key', build: c => selfManaged(c, { serviceAccountPublicKeys: [key('sa-ec-p384.pub')] }) },
  { name: 'the STS audience among the API\'s own audiences', subject: 'SelfManagedCluster Test/Lab:', value: 'apiAudiences includes "sts.amazonaws.com"', expected: 'the API\'s own audiences only', build: c => selfManaged(c, { apiAudiences: ['sts.amazonaws.com'] }) },
  { name: 'a previous issuer over http', subject: 'SelfManagedCluster Test/Lab:', value: '"http://kubernetes.default.svc"', expected: 'an https:// URL', build: c => selfManaged(c, { previousIssuerUrls: ['http://kubernetes.default.svc'] }) },
  { name: 'an S3 discovery prefix with a leading slash', subject: 'DiscoveryHosting.s3Bucket Test/Lab:', value: 'prefix "/lab" starts with \'/\'', expected: 'a key prefix', build: c => selfManaged(c, { discovery: DiscoveryHosting.s3Bucket({ prefix: '/lab' }) }) },
  { name: 'a CloudFront domain without a certificate', subject: 'DiscoveryHosting.cloudFront Test/Lab:', value: 'oidc.example.com', expected: 'certificate', build: c => selfManaged(c, { discovery: DiscoveryHosting.cloudFront({ domainName: 'oidc.example.com' }) }) },
  { name: 'Pod Identity on a self-managed cluster', subject: 'PodIdentityAssociation Test/Assoc:', value: 'cluster "lab" cannot run EKS Pod Identity', expected: 'a cluster whose nodes run the Pod Identity Agent', build: c => new PodIdentityAssociation(c.stack, 'Assoc', { cluster: selfManaged(c), namespace: 'a', serviceAccount: 'b' }) },
  { name: 'a webhook failure policy in lowercase', subject: 'PodIdentityWebhook workloads/Webhook:', value: '"ignore"', expected: 'WebhookFailurePolicy', build: c => new k8s.PodIdentityWebhook(c.chart, 'Webhook', { failurePolicy: 'ignore' as any }) },
  { name: 'a webhook image without a tag', subject: 'PodIdentityWebhook workloads/Webhook:', value: '"public.ecr.aws/eks/amazon-eks-pod-identity-webhook"', expected: 'tag', build: c => new k8s.PodIdentityWebhook(c.chart, 'Webhook', { image: 'public.ecr.aws/eks/amazon-eks-pod-identity-webhook' }) },
  // --- The agent as manifests, and the add-on identities
  { name: 'agent manifests for a cluster whose agent is the EKS add-on', subject: 'k8s.PodIdentityAgent workloads/Agent:', value: 'gets the agent as the eks-pod-identity-agent EKS add-on', expected: 'PodIdentityAgent.manifests()', build: c => new k8s.PodIdentityAgent(c.chart, 'Agent', { cluster: c.cluster }) },
  { name: 'the agent add-on for a cluster whose agent comes from manifests', subject: 'PodIdentityAgentAddon Test/Addon:', value: 'gets the agent from manifests', expected: 'PodIdentityAgent.addon() or PodIdentityAgent.preinstalled()', build: c => new PodIdentityAgentAddon(c.stack, 'Addon', { cluster: c.import('Edge', { podIdentityAgent: PodIdentityAgent.manifests() }) }) },
  { name: 'agent manifests without a region', subject: 'k8s.PodIdentityAgent workloads/Agent:', value: 'region is not set', expected: 'the AWS region of the EKS cluster', build: c => new k8s.PodIdentityAgent(c.chart, 'Agent', { clusterName: 'edge' }) },
  { name: 'an agent image without a tag', subject: 'k8s.PodIdentityAgent workloads/Agent:', value: '"public.ecr.aws/eks/eks-pod-identity-agent" has neither a tag nor a digest', expected: '<registry>/<repository>:<tag>', build: c => new k8s.PodIdentityAgent(c.chart, 'Agent', { clusterName: 'edge', region: REGION, image: 'public.ecr.aws/eks/eks-pod-identity-agent' }) },
  { name: 'external-dns without hosted zones', subject: 'AddonIdentity.externalDns Test/Dns:', value: 'neither hostedZones nor hostedZoneArns is given', expected: 'the hosted zones the add-on may change records in', build: c => AddonIdentity.externalDns(c.stack, 'Dns', { cluster: c.cluster }) },
  { name: 'Velero on a bucket ARN that names no objects', subject: 'AddonIdentity.velero Test/Velero:', value: 'bucketPathArns has "arn:aws:s3:::backups"', expected: 'arn:<partition>:s3:::<bucket>/<key prefix>*', build: c => AddonIdentity.velero(c.stack, 'Velero', { cluster: c.cluster, bucketPathArns: ['arn:aws:s3:::backups'] }) },
  { name: 'installAddon for an add-on EKS does not manage', subject: 'AddonIdentity.certManager Test/Cert:', value: 'installAddon is set', expected: 'an add-on EKS manages', build: c => AddonIdentity.certManager(c.stack, 'Cert', { cluster: c.cluster, hostedZoneArns: ['arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ'], installAddon: {} } as any) },
  { name: 'a load balancer controller cluster name with a space', subject: 'AddonIdentity.loadBalancerController Test/Lbc:', value: 'clusterName is "my cluster"', expected: 'an EKS cluster name', build: c => AddonIdentity.loadBalancerController(c.stack, 'Lbc', { cluster: c.cluster, clusterName: 'my cluster' }) },
  { name: 'fifty AMP workspaces in one policy', subject: 'AddonIdentity.amazonManagedPrometheus Test/Amp:', value: 'the policy of amazon-managed-prometheus is 8987 characters', expected: 'at most 6144', build: c => AddonIdentity.amazonManagedPrometheus(c.stack, 'Amp', { cluster: c.cluster, workspaceArns: Array.from({ length: 50 }, (_, i) => `arn:aws:aps:${REGION}:${ACCOUNT}:workspace/ws-0b6c7c3e-1b7e-4a53-9c6d-8f0e1d2c3b${String(i).padStart(2, '0')}`) }) },
  // --- The token boundary: YAML that would hold a ${Token[...]}
  { name: 'IRSA YAML in an environment-agnostic stack', subject: 'ServiceAccount workloads/apps-api:', value: 'the account of stack Agnostic', expected: 'a literal value in a chart written as YAML', build: c => { const stack = new Stack(c.app, 'Agnostic'); const cluster = EksCluster.fromClusterAttributes(stack, 'Demo', { clusterName: 'demo', oidcIssuerUrl: ISSUER }); new WorkloadIdentity(stack, 'Api', { cluster, namespace: 'apps', serviceAccount: 'api', mechanism: IdentityMechanism.IRSA, chart: c.chart }); } },
  { name: 'IRSA YAML for a passed role without a name', subject: 'ServiceAccount workloads/apps-api:', value: 'the role Test/Unnamed (passed as role) has no literal ARN: its name (set roleName on that role) is not known at synthesis', expected: 'a literal value in a chart written as YAML', build: c => identity(c, { mechanism: IdentityMechanism.IRSA, role: new WorkloadRole(c.stack, 'Unnamed'), chart: c.chart }) },
];

describe('bad inputs: rejected at synthesis, naming the construct and the value, with no output', () => {
  test('the catalog has at least 60 bad inputs', () => {
    expect(BAD.length).toBeGreaterThanOrEqual(60);
    expect(new Set(BAD.map(b => b.name)).size).toBe(BAD.length);
  });

  test.each(BAD.map(b => [b.name, b] as const))('%s', (_name, bad) => {
    const c = new Ctx();
    let error: unknown;
    try {
      bad.build(c);
      c.app.synth();
      c.k8sApp.synth();
    } catch (e) {
      error = e;
    }
    try {
      expect(error).toBeInstanceOf(Error);
      const message = (error as Error).message;
      expect(message).toContain(bad.subject);
      expect(message).toContain(bad.value);
      expect(message).toContain(bad.expected);
      expect(c.written()).toEqual([]);
    } finally {
      fs.rmSync(c.outdir, { recursive: true, force: true });
    }
  });
});

interface EdgeInput {
  readonly name: string;
  readonly build: (c: Ctx) => void;
  /** Checks on what was written. */
  readonly check?: (c: Ctx, written: { templates: any[]; yaml: any[] }) => void;
}

const roleNames = (templates: any[]) => templates.flatMap(t => Object.values((t.Resources ?? {}) as Record<string, any>)
  .filter(r => r.Type === 'AWS::IAM::Role').map(r => r.Properties.RoleName));

const EDGE: EdgeInput[] = [
  { name: 'a namespace of 63 characters', build: c => identity(c, { namespace: long(63), chart: c.chart }) },
  { name: 'a service account name of 253 characters (dot-separated labels)', build: c => identity(c, { serviceAccount: [long(63), long(63), long(63), long(61)].join('.'), chart: c.chart }) },
  { name: 'a cluster name of 100 characters with _ and -', build: c => new WorkloadIdentity(c.stack, 'Api', { cluster: c.import('Long', { clusterName: `a_-${long(97)}` }), namespace: 'a', serviceAccount: 'b' }) },
  {
    name: 'an IRSA identity in the China partition',
    build: c => { const stack = new Stack(c.app, 'China', { env: { account: ACCOUNT, region: 'cn-north-1' } }); const cluster = EksCluster.fromClusterAttributes(stack, 'Demo', { clusterName: 'demo', clusterArn: `arn:aws-cn:eks:cn-north-1:${ACCOUNT}:cluster/demo`, oidcIssuerUrl: 'https://oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC' }); new WorkloadIdentity(stack, 'Api', { cluster, namespace: 'a', serviceAccount: 'b', mechanism: IdentityMechanism.BOTH, chart: c.chart }); },
    check: (_c, w) => expect(w.yaml[0].metadata.annotations['eks.amazonaws.com/role-arn']).toMatch(new RegExp(`^arn:aws-cn:iam::${ACCOUNT}:role/China-Api-[0-9A-F]{8}$`)),
  },
  { name: 'a Pod Identity association in GovCloud, with a GovCloud role', build: c => { const stack = new Stack(c.app, 'Gov', { env: { account: ACCOUNT, region: 'us-gov-west-1' } }); const cluster = EksCluster.fromClusterAttributes(stack, 'Demo', { clusterName: 'demo' }); new PodIdentityAssociation(stack, 'Assoc', { cluster, namespace: 'a', serviceAccount: 'b', role: iam.Role.fromRoleArn(stack, 'R', `arn:aws-us-gov:iam::${ACCOUNT}:role/r`) }); } },
  { name: 'exactly 50 tags, a key of 128 and a value of 256 characters, an empty value, unicode letters', build: c => association(c, { tags: { ...tags(46), [long(128, 'k')]: long(256, 'v'), 'empty': '', 'équipe': 'données', 'a b+c=d.e_f:g/h@i-j': 'ok' } }) },
  { name: 'token expirations of 600 and 86,400 seconds', build: c => { identity(c, { mechanism: IdentityMechanism.IRSA, tokenExpiration: cdk8s.Duration.seconds(600), chart: c.chart }); identity(c, { mechanism: IdentityMechanism.IRSA, serviceAccount: 'web', tokenExpiration: cdk8s.Duration.days(1), chart: c.chart }, 'Web'); } },
  { name: 'an audience of 255 characters', build: c => identity(c, { mechanism: IdentityMechanism.IRSA, audience: long(255, 'x'), chart: c.chart }) },
  { name: 'a self-hosted issuer with a path (S3 discovery documents)', build: c => new WorkloadIdentity(c.stack, 'Api', { cluster: c.import('Self', { oidcIssuerUrl: 'https://my-discovery.s3.eu-west-1.amazonaws.com/cluster-a', podIdentityAgent: PodIdentityAgent.unavailable('not EKS') }), namespace: 'a', serviceAccount: 'b', mechanism: IdentityMechanism.IRSA, audience: 'awssts' }) },
  {
    name: 'an import by provider ARN alone (the issuer is read from it)',
    build: c => new WorkloadIdentity(c.stack, 'Api', { cluster: c.import('ByArn', { oidcProviderArn: providerArnFor(ISSUER) }), namespace: 'a', serviceAccount: 'b', mechanism: IdentityMechanism.IRSA }),
    check: (_c, w) => expect(w.templates[0].Resources).not.toHaveProperty('ByArnOidcProvider'),
  },
  {
    name: 'the generated role name of a long stack name and id stays within 64 characters',
    build: c => { const stack = new Stack(c.app, 'StackWithAVeryLongNameThatGoesOnAndOnForeverAndEver', { env: { account: ACCOUNT, region: REGION } }); const cluster = EksCluster.fromClusterAttributes(stack, 'Demo', { clusterName: 'demo', oidcIssuerUrl: ISSUER }); new WorkloadIdentity(stack, 'AnIdentityWithAnEvenLongerConstructIdThanTheStack', { cluster, namespace: 'a', serviceAccount: 'b', mechanism: IdentityMechanism.IRSA, chart: c.chart }); },
    check: (_c, w) => { const [name] = roleNames(w.templates); expect(name.length).toBeLessThanOrEqual(64); expect(name).toMatch(/^[\w+=,.@-]{1,64}$/); },
  },
  { name: 'session tags disabled with the opt-in', build: c => identity(c, { disableSessionTags: true, allowUnscopedPodIdentityTrust: true }) },
  { name: 'a role ARN with a path in the annotation', build: c => serviceAccount(c, { roleArn: `arn:aws:iam::${ACCOUNT}:role/teams/platform/api` }) },
];

describe('valid edge inputs: accepted, and their output validates', () => {
  test('the catalog has at least 10 valid edge inputs', () => {
    expect(EDGE.length).toBeGreaterThanOrEqual(10);
  });

  test.each(EDGE.map(e => [e.name, e] as const))('%s', (_name, edge) => {
    const c = new Ctx();
    try {
      edge.build(c);
      c.app.synth();
      c.k8sApp.synth();
      const files = c.written();
      const templates = files.filter(f => f.endsWith('.template.json')).map(f => JSON.parse(fs.readFileSync(f, 'utf8')));
      const yamlText = files.filter(f => f.endsWith('.yaml')).map(f => fs.readFileSync(f, 'utf8'));
      expect(templates.length).toBeGreaterThan(0);
      yamlText.forEach((text, i) => assertNoUnresolvedTokens(text, `file ${i}`));
      const yaml = yamlText.flatMap(parseYamlDocuments);
      validateKubernetesObjects(yaml);
      edge.check?.(c, { templates, yaml });
    } finally {
      fs.rmSync(c.outdir, { recursive: true, force: true });
    }
  });
});
