// iam.Role.customizeRoles(): roles created outside CloudFormation (pre-created by an administrator). aws-cdk-lib then
// leaves the roles out of the template (unless preventSynthesis is false) and writes their policies to
// iam-policy-report.json in the cloud assembly, for the administrator; a WorkloadRole's trust must be there, complete.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, aws_eks as eks, aws_iam as iam } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cdk8s from 'cdk8s';
import { Construct } from 'constructs';
import { EksCluster, IdentityMechanism, WorkloadIdentity, WorkloadRole } from '../src';
import { ACCOUNT, REGION, clusterArn, podIdentityTags } from './util/fixtures';
import { resolveIntrinsics, simulateAssumeRole, type Decision } from './util/iam-simulator';
import { eksIssuer, providerArnFor } from './util/irsa-sim';
import { assertNoUnresolvedTokens, parseYamlDocuments, validateKubernetesObjects } from './util/kubernetes';

const ISSUER = eksIssuer('0123456789ABCDEF0123456789ABCDEF');
const ISSUER_HOST_PATH = ISSUER.replace('https://', '');
const PRECREATED_ARN = `arn:aws:iam::${ACCOUNT}:role/precreated-name`;

/** The trust statements a role trusting shop/api@demo through IRSA (on `federated`) and Pod Identity needs. */
function trustStatements(federated: unknown) {
  return [
    {
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { [`${ISSUER_HOST_PATH}:aud`]: 'sts.amazonaws.com', [`${ISSUER_HOST_PATH}:sub`]: 'system:serviceaccount:shop:api' } },
      Effect: 'Allow',
      Principal: { Federated: federated },
    },
    {
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      Condition: {
        StringEquals: {
          'aws:RequestTag/eks-cluster-arn': clusterArn('demo'),
          'aws:RequestTag/kubernetes-namespace': 'shop',
          'aws:RequestTag/kubernetes-service-account': 'api',
        },
      },
      Effect: 'Allow',
      Principal: { Service: 'pods.eks.amazonaws.com' },
    },
  ];
}

/**
 * The provider as the report names it: its literal ARN, which the account, region and issuer fix (the administrator
 * who creates the role needs the ARN, not a construct path).
 */
const PROVIDER_IN_REPORT = providerArnFor(ISSUER);

const outdirs: string[] = [];
afterEach(() => {
  for (const dir of outdirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * An app with customizeRoles (`Test/Api/Role` pre-created as `precreated-name`), a stack in the fixture environment, the
 * cluster `demo` with an OIDC issuer, and a cdk8s app; `build` adds the workloads. Synthesizes both apps into a
 * temporary folder and returns what they wrote.
 */
function synthesize(options: { preventSynthesis?: boolean }, build: (stack: Stack, chart: cdk8s.Chart) => void) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'customize-roles-'));
  outdirs.push(outdir);
  const app = new App({ outdir: path.join(outdir, 'cdk.out') });
  iam.Role.customizeRoles(app, { ...options, usePrecreatedRoles: { 'Test/Api/Role': 'precreated-name' } });
  const stack = new Stack(app, 'Test', { env: { account: ACCOUNT, region: REGION } });
  const k8sApp = new cdk8s.App({ outdir: path.join(outdir, 'kubernetes'), outputFileExtension: '.yaml' });
  const chart = new cdk8s.Chart(k8sApp, 'workloads');
  build(stack, chart);
  const assembly = app.synth();
  k8sApp.synth();
  const reportFile = path.join(outdir, 'cdk.out', 'iam-policy-report.json');
  const yaml = fs.readFileSync(path.join(outdir, 'kubernetes', 'workloads.yaml'), 'utf8');
  assertNoUnresolvedTokens(yaml, 'the YAML');
  const objects = parseYamlDocuments(yaml);
  validateKubernetesObjects(objects);
  return {
    stack,
    report: JSON.parse(fs.readFileSync(reportFile, 'utf8')) as { roles: any[] },
    template: Template.fromJSON(assembly.getStackByName('Test').template),
    objects,
  };
}

/** The cluster `demo` in `stack`, with an OIDC issuer. */
function demo(stack: Stack) {
  return EksCluster.fromClusterAttributes(stack, 'Demo', { clusterName: 'demo', oidcIssuerUrl: ISSUER });
}

/** The workload of the tests: shop/api on demo, through IRSA and Pod Identity (a migration), with its ServiceAccount in `chart`. */
function api(stack: Stack, chart: cdk8s.Chart): WorkloadIdentity {
  return new WorkloadIdentity(stack, 'Api', { cluster: demo(stack), namespace: 'shop', serviceAccount: 'api', mechanism: IdentityMechanism.BOTH, chart });
}

/** The report's entry for the role at `rolePath`. */
function entryOf(report: { roles: any[] }, rolePath: string): any {
  const entries = report.roles.filter(r => r.roleConstructPath === rolePath);
  expect(entries).toHaveLength(1);
  return entries[0];
}

describe('iam.Role.customizeRoles() with pre-created roles', () => {
  test('the role is not created; the policy report holds its exact trust; the association and the ServiceAccount use the pre-created role', () => {
    let identity: WorkloadIdentity | undefined;
    const { report, template, objects, stack } = synthesize({}, (s, chart) => {
      identity = api(s, chart);
    });

    expect(entryOf(report, 'Test/Api/Role')).toEqual({
      roleConstructPath: 'Test/Api/Role',
      roleName: 'precreated-name',
      missing: false,
      assumeRolePolicy: trustStatements(PROVIDER_IN_REPORT),
      managedPolicyArns: [],
      managedPolicyStatements: [],
      identityPolicyStatements: [],
    });

    template.resourceCountIs('AWS::IAM::Role', 0);
    // The OIDC provider the pre-created role's trust names is still created.
    template.hasResourceProperties('AWS::IAM::OIDCProvider', { Url: ISSUER, ClientIdList: ['sts.amazonaws.com'] });
    const [association] = Object.values(template.findResources('AWS::EKS::PodIdentityAssociation')) as any[];
    expect(resolveIntrinsics(association.Properties.RoleArn)).toBe(PRECREATED_ARN);
    expect(stack.resolve(identity!.association!.role.roleArn)).toEqual(association.Properties.RoleArn);

    expect(objects).toEqual([{
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'api', namespace: 'shop', annotations: { 'eks.amazonaws.com/role-arn': PRECREATED_ARN } },
    }]);
    expect((identity!.role as WorkloadRole).literalRoleArn).toBe(PRECREATED_ARN);
  });

  test('the reported trust, as the administrator creates it, admits exactly the workload through both mechanisms', async () => {
    const { report } = synthesize({}, (stack, chart) => api(stack, chart));
    const statements = JSON.parse(JSON.stringify(entryOf(report, 'Test/Api/Role').assumeRolePolicy)
      .split(JSON.stringify(PROVIDER_IN_REPORT)).join(JSON.stringify(providerArnFor(ISSUER))));
    type Request = Omit<Parameters<typeof simulateAssumeRole>[0], 'trustPolicy' | 'roleArn'>;
    const decide = async (request: Request): Promise<Decision> =>
      (await simulateAssumeRole({ trustPolicy: { Version: '2012-10-17', Statement: statements }, roleArn: PRECREATED_ARN, ...request })).decision;
    const irsa = (serviceAccount: string) => decide({
      principal: providerArnFor(ISSUER),
      action: 'sts:AssumeRoleWithWebIdentity',
      context: { [`${ISSUER_HOST_PATH}:sub`]: `system:serviceaccount:shop:${serviceAccount}`, [`${ISSUER_HOST_PATH}:aud`]: 'sts.amazonaws.com' },
    });
    const podIdentity = (serviceAccount: string) => decide({ principal: 'pods.eks.amazonaws.com', action: 'sts:AssumeRole', requestTags: podIdentityTags('shop', serviceAccount) });
    expect(await irsa('api')).toBe('Allowed');
    expect(await podIdentity('api')).toBe('Allowed');
    expect(await irsa('other')).toBe('Denied');
    expect(await podIdentity('other')).toBe('Denied');
  });

  test('trust added after the role was constructed is in the report too (aws-cdk-lib records a role when it is constructed)', () => {
    const { report } = synthesize({}, (stack) => {
      const role = new WorkloadRole(new Construct(stack, 'Api'), 'Role');
      const cluster = demo(stack);
      role.addPodIdentityTrust({ cluster, namespace: 'shop', serviceAccount: 'api' });
      role.addIrsaTrust({ cluster, namespace: 'shop', serviceAccount: 'api' });
    });
    expect(entryOf(report, 'Test/Api/Role')).toEqual(expect.objectContaining({
      roleName: 'precreated-name', missing: false, assumeRolePolicy: trustStatements(PROVIDER_IN_REPORT),
    }));
  });
});

describe('iam.Role.customizeRoles() with preventSynthesis: false', () => {
  // aws-cdk-lib 2.257 then gives every role the ARN of a pre-created role without a name and keeps its permissions out
  // of the template: an association or ServiceAccount would name a role that does not exist. Synthesis fails instead.
  test('synthesis fails, saying why and what to use instead, and writes nothing', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'customize-roles-'));
    outdirs.push(outdir);
    const app = new App({ outdir });
    iam.Role.customizeRoles(app, { preventSynthesis: false });
    const stack = new Stack(app, 'Test', { env: { account: ACCOUNT, region: REGION } });
    new WorkloadIdentity(stack, 'Api', { cluster: demo(stack), namespace: 'shop', serviceAccount: 'api' });
    expect(() => app.synth()).toThrow(
      'WorkloadRole Test/Api/Role: iam.Role.customizeRoles() is active with preventSynthesis: false, where aws-cdk-lib gives roles the ARN ' +
      '{"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},":iam::111122223333:role"]]} without a role name and keeps their permissions ' +
      'out of the template, expected a role ARN that associations and ServiceAccounts can name; use preventSynthesis: true with this ' +
      'role\'s name in usePrecreatedRoles, or leave customizeRoles out');
    expect(fs.readdirSync(outdir).filter(f => f.endsWith('.template.json'))).toEqual([]);
  });
});

describe('iam.Role.customizeRoles() and an OIDC issuer known only at deploy time', () => {
  test('the report\'s condition keys hold no unresolved CDK token', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'customize-roles-'));
    outdirs.push(outdir);
    const app = new App({ outdir });
    iam.Role.customizeRoles(app, { usePrecreatedRoles: { 'Test/Role': 'precreated-name' } });
    const stack = new Stack(app, 'Test', { env: { account: ACCOUNT, region: REGION } });
    const cfnCluster = new eks.CfnCluster(stack, 'Cluster', {
      name: 'in-app', roleArn: `arn:aws:iam::${ACCOUNT}:role/eks`, resourcesVpcConfig: { subnetIds: ['subnet-1'] },
    });
    const cluster = EksCluster.fromClusterAttributes(stack, 'InApp', { clusterName: 'in-app', oidcIssuerUrl: cfnCluster.attrOpenIdConnectIssuerUrl });
    new WorkloadRole(stack, 'Role', { irsa: [{ cluster, namespace: 'shop', serviceAccount: 'api' }] });
    app.synth();
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'iam-policy-report.json'), 'utf8'));
    const [statement] = entryOf(report, 'Test/Role').assumeRolePolicy;
    expect(JSON.stringify(statement)).not.toMatch(/\$\{Token\[/);
    // The issuer and the provider are known only at deploy time: the administrator reads which values go there.
    expect(statement).toEqual({
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: {
          '<Test/Cluster.OpenIdConnectIssuerUrl without https://>:aud': 'sts.amazonaws.com',
          '<Test/Cluster.OpenIdConnectIssuerUrl without https://>:sub': 'system:serviceaccount:shop:api',
        },
      },
      Effect: 'Allow',
      Principal: { Federated: '<Test/InApp/OidcProvider/Resource.Ref>' },
    });
  });
});
