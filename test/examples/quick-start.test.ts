import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { QUICK_START_DIR, synthQuickStart } from '../../examples/quick-start-synth';
import { resourceTypes } from '../util/examples';
import { ACCOUNT, podIdentityTags } from '../util/fixtures';
import { resolveIntrinsics } from '../util/iam-simulator';
import { createdProviders, irsaDecision } from '../util/irsa-sim';
import { assertNoUnresolvedTokens, parseYamlDocuments, validateKubernetesObjects } from '../util/kubernetes';
import { podIdentityDecision } from '../util/pod-identity-sim';

// examples/quick-start is the app the README tells users to copy: it imports the library by its package name and
// runs through the real CDK CLI (`npx cdk synth` in its folder), as it will in a user's repository.
const ISSUER = 'https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'quick-start-'));
let files: { templates: string[]; yaml: string[] };
let json: any;
let template: Template;
let yamlText: string;

beforeAll(() => {
  files = synthQuickStart(outdir);
  json = JSON.parse(fs.readFileSync(files.templates[0], 'utf8'));
  template = Template.fromJSON(json);
  yamlText = fs.readFileSync(files.yaml[0], 'utf8');
}, 120_000);
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

const roleOf = (identity: string) => Object.keys(template.findResources('AWS::IAM::Role')).find(id => id.startsWith(`${identity}Role`))!;

describe('examples/quick-start (the README\'s app), through the real CDK CLI', () => {
  test('writes one template and one YAML file, where the README says', () => {
    expect(files.templates.map(f => path.basename(f))).toEqual(['Identities.template.json']);
    expect(files.yaml.map(f => path.basename(f))).toEqual(['workloads.yaml']);
  });

  test('CloudFormation: two roles, one association, one agent add-on, one OIDC provider, one policy; no Lambda', () => {
    expect(resourceTypes(json)).toEqual([
      'AWS::EKS::Addon', 'AWS::EKS::PodIdentityAssociation', 'AWS::IAM::OIDCProvider', 'AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::IAM::Role',
    ]);
  });

  test('the Pod Identity role admits my-app/api on demo only', async () => {
    const role = roleOf('Api');
    const tags = (ns: string, sa: string) => podIdentityTags(ns, sa, 'demo', `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/demo`);
    expect(await podIdentityDecision(template, role, { tags: tags('my-app', 'api') })).toBe('Allowed');
    expect(await podIdentityDecision(template, role, { tags: tags('my-app', 'reports') })).toBe('Denied');
    expect(await podIdentityDecision(template, role, { tags: tags('default', 'api') })).toBe('Denied');
  });

  test('the IRSA role admits my-app/reports from the cluster\'s issuer only', async () => {
    const role = roleOf('Reports');
    const decide = (namespace: string, serviceAccount: string) =>
      irsaDecision(template, role, { issuer: ISSUER, namespace, serviceAccount }, createdProviders(template));
    expect(await decide('my-app', 'reports')).toBe('Allowed');
    expect(await decide('my-app', 'api')).toBe('Denied');
  });

  test('the policy reads the one bucket', () => {
    const [policy] = Object.values(template.findResources('AWS::IAM::Policy')) as any[];
    const resources = (resolveIntrinsics(policy.Properties.PolicyDocument.Statement) as any[]).flatMap(s => [s.Resource].flat());
    expect(resources.sort()).toEqual(['arn:aws:s3:::my-app-uploads-111122223333', 'arn:aws:s3:::my-app-uploads-111122223333/*']);
  });

  test('YAML: one Namespace and two ServiceAccounts, valid, literal, with the IRSA role\'s ARN as named in the template', () => {
    assertNoUnresolvedTokens(yamlText, 'workloads.yaml');
    const objects = parseYamlDocuments(yamlText);
    validateKubernetesObjects(objects);
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual(['Namespace/my-app', 'ServiceAccount/api', 'ServiceAccount/reports']);
    const roleName = template.toJSON().Resources[roleOf('Reports')].Properties.RoleName;
    expect(roleName).toMatch(/^Identities-Reports-[0-9A-F]{8}$/);
    expect(objects[2].metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': `arn:aws:iam::${ACCOUNT}:role/${roleName}` });
    expect(objects[1].metadata.annotations).toBeUndefined();
  });

  test('the README shows exactly this app, and its cdk.json', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const block = (after: string) => {
      const start = readme.indexOf(after);
      expect(start).toBeGreaterThanOrEqual(0);
      const open = readme.indexOf('```', start);
      const body = readme.indexOf('\n', open) + 1;
      return readme.slice(body, readme.indexOf('```', body));
    };
    expect(block('`bin/app.ts`:')).toBe(fs.readFileSync(path.join(QUICK_START_DIR, 'bin', 'app.ts'), 'utf8'));
    expect(block('`cdk.json`:')).toBe(fs.readFileSync(path.join(QUICK_START_DIR, 'cdk.json'), 'utf8'));
  });

  test('snapshot of the template and the YAML', () => {
    expect({ template: json, yaml: yamlText }).toMatchSnapshot();
  });
});
