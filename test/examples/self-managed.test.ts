import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { selfManagedExample } from '../../examples/self-managed/app';
import { resourceTypes } from '../util/examples';
import { ACCOUNT } from '../util/fixtures';
import { resolveIntrinsics } from '../util/iam-simulator';
import { irsaDecision } from '../util/irsa-sim';
import { CERT_MANAGER_VALIDATORS, assertNoUnresolvedTokens, parseYamlDocuments, validateKubernetesObjects } from '../util/kubernetes';
import { assertNagClean, suppress, suppressBucketDeployment } from '../util/nag';
import { bucketPolicyOf, deployedObjects, s3Decision } from '../util/s3-policy-sim';

// The example: a kubeadm cluster in eu-central-1 whose issuer is hosted in S3 under the prefix `kubeadm-lab`.
const REGION = 'eu-central-1';
const env = { account: ACCOUNT, region: REGION };
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'self-managed-example-'));
const example = selfManagedExample(outdir);
const assembly = example.app.synth();
example.k8sApp.synth();
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

const json = assembly.getStackByName('SelfManagedExample').template;
const template = Template.fromJSON(json);
const bucket = (Object.values(template.findResources('AWS::S3::Bucket'))[0] as any).Properties.BucketName as string;
const ISSUER = `https://${bucket}.s3.${REGION}.amazonaws.com/kubeadm-lab`;
const yamlFiles = Object.fromEntries(fs.readdirSync(path.join(outdir, 'kubernetes')).sort()
  .map(f => [f, fs.readFileSync(path.join(outdir, 'kubernetes', f), 'utf8')]));
const objects = Object.values(yamlFiles).flatMap(parseYamlDocuments);
const one = (kind: string) => {
  const found = objects.filter(o => o.kind === kind);
  expect(found).toHaveLength(1);
  return found[0];
};

describe('examples/self-managed: CloudFormation', () => {
  test('the bucket, its policy, the one document deployment, the OIDC provider, the role and its policy', () => {
    expect(resourceTypes(json)).toEqual([
      'AWS::IAM::OIDCProvider', 'AWS::IAM::Policy', 'AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::IAM::Role',
      'AWS::Lambda::Function', 'AWS::Lambda::LayerVersion', 'AWS::S3::Bucket', 'AWS::S3::BucketPolicy', 'Custom::CDKBucketDeployment',
    ]);
    expect(example.cluster.issuerUrl).toBe(ISSUER);
    template.hasResourceProperties('AWS::IAM::OIDCProvider', { Url: ISSUER, ClientIdList: ['awssts'] });
    // The provider is created after the documents are published, so IAM can reach the issuer.
    const [providerId] = Object.keys(template.findResources('AWS::IAM::OIDCProvider'));
    const [deploymentId] = Object.keys(template.findResources('Custom::CDKBucketDeployment'));
    expect(json.Resources[providerId].DependsOn).toContain(deploymentId);
  });

  test('the published documents are the cluster\'s, at kube-apiserver\'s paths under the prefix', () => {
    const [deploymentId] = Object.keys(template.findResources('Custom::CDKBucketDeployment'));
    const published = deployedObjects(assembly, example.stack, deploymentId, env);
    expect(published).toEqual({
      'kubeadm-lab/.well-known/openid-configuration': example.cluster.openIdConfiguration,
      'kubeadm-lab/openid/v1/jwks': example.cluster.jwks,
    });
    expect(JSON.parse(example.cluster.openIdConfiguration)).toEqual({
      issuer: ISSUER,
      jwks_uri: `${ISSUER}/openid/v1/jwks`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    });
  });

  test('anyone may read exactly the two documents, over HTTPS; nothing else of the bucket', async () => {
    const [bucketId] = Object.keys(template.findResources('AWS::S3::Bucket'));
    const policy = bucketPolicyOf(template, { ...env, getAtts: { [`${bucketId}.Arn`]: `arn:aws:s3:::${bucket}` } });
    const get = (key: string | undefined, action = 's3:GetObject', secureTransport = true) =>
      s3Decision({ caller: { anonymous: true }, action, bucket, key, bucketAccount: ACCOUNT, policy, secureTransport, partition: 'aws' });
    expect(await get('kubeadm-lab/.well-known/openid-configuration')).toBe('Allowed');
    expect(await get('kubeadm-lab/openid/v1/jwks')).toBe('Allowed');
    expect(await get('kubeadm-lab/openid/v1/jwks', 's3:GetObject', false)).toBe('Denied');
    expect(await get('.well-known/openid-configuration')).toBe('Denied');
    expect(await get('kubeadm-lab/keys.json')).toBe('Denied');
    expect(await get(undefined, 's3:ListBucket')).toBe('Denied');
    expect(await get('kubeadm-lab/openid/v1/jwks', 's3:PutObject')).toBe('Denied');
  });

  test('read-s3-hello\'s role admits default/read-s3-hello with audience awssts from the cluster\'s issuer, and nothing near it', async () => {
    const roleId = Object.keys(template.findResources('AWS::IAM::Role')).find(id => id.startsWith('ReadS3HelloRole'))!;
    const decide = (request: Partial<Parameters<typeof irsaDecision>[2]>) =>
      irsaDecision(template, roleId, { issuer: ISSUER, namespace: 'default', serviceAccount: 'read-s3-hello', audience: 'awssts', ...request });
    expect(await decide({})).toBe('Allowed');
    expect(await decide({ serviceAccount: 'other' })).toBe('Denied');
    expect(await decide({ namespace: 'kube-system' })).toBe('Denied');
    expect(await decide({ audience: 'sts.amazonaws.com' })).toBe('Denied');
    expect(await decide({ issuer: ISSUER.replace('kubeadm-lab', 'other-cluster') })).toBe('Denied');
  });

  test('the role may read the one object, nothing else', () => {
    const policy = Object.values(template.findResources('AWS::IAM::Policy')).find((p: any) =>
      p.Properties.Roles.some((r: any) => JSON.stringify(r).includes('ReadS3HelloRole'))) as any;
    expect(resolveIntrinsics(policy.Properties.PolicyDocument.Statement, env)).toEqual([
      { Action: 's3:GetObject', Effect: 'Allow', Resource: 'arn:aws:s3:::greetings-111122223333/hello.txt' },
    ]);
  });

  test('the kube-apiserver flags: a stack output, and kubeadm and k3s snippets next to the template', () => {
    const flags = [
      `--service-account-issuer=${ISSUER}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-jwks-uri=${ISSUER}/openid/v1/jwks`,
      '--api-audiences=https://kubernetes.default.svc.cluster.local',
    ];
    expect(example.cluster.apiServerFlags).toEqual(flags);
    template.hasOutput('*', { Value: flags.join(' ') });
    const dir = path.join(outdir, 'cloudformation');
    expect(fs.readFileSync(path.join(dir, 'SelfManagedExample.kubeadm-lab.kubeadm.yaml'), 'utf8')).toContain(`      value: "${ISSUER}"`);
    expect(fs.readFileSync(path.join(dir, 'SelfManagedExample.kubeadm-lab.k3s.yaml'), 'utf8')).toContain(`  - "service-account-issuer=${ISSUER}"`);
  });

  test('cdk-nag AwsSolutions: clean, with the findings inherent to a public discovery host suppressed with reasons', () => {
    const fresh = selfManagedExample();
    const discoveryBucket = fresh.cluster.node.findChild('DiscoveryBucket');
    suppress(discoveryBucket, 'AwsSolutions-S2', 'The bucket serves two documents to anyone (IAM reads them unsigned); ACLs are blocked ' +
      'and the policy makes exactly those two objects public (see the simulation above).');
    suppress(discoveryBucket, 'AwsSolutions-S1', 'The objects are two public, read-only documents; the hosting takes no log bucket yet.');
    suppressBucketDeployment(fresh.stack);
    expect(assertNagClean(fresh.app)).toEqual([]);
  });

  test('logical ids are pinned: changing one replaces the bucket, the provider or the role', () => {
    expect(Object.keys(json.Resources).filter(id => !id.startsWith('CustomCDKBucketDeployment')).sort()).toEqual([
      'KubeadmDiscoveryBucket649C2ABF',
      'KubeadmDiscoveryBucketPolicyDB6CE250',
      'KubeadmDiscoveryDocumentsAwsCliLayer693D279F',
      'KubeadmDiscoveryDocumentsCustomResource1D16B39F',
      'KubeadmOidcProviderD2AF8C05',
      'ReadS3HelloRole377B0C3C',
      'ReadS3HelloRoleDefaultPolicy07CB05D0',
    ]);
  });

  test('snapshot of the template', () => {
    expect(json).toMatchSnapshot();
  });
});

describe('examples/self-managed: Kubernetes YAML', () => {
  test('every object validates (Kubernetes and cert-manager schemas) and holds only literals', () => {
    validateKubernetesObjects(objects, CERT_MANAGER_VALIDATORS);
    for (const [file, text] of Object.entries(yamlFiles)) assertNoUnresolvedTokens(text, file);
  });

  test('the webhook in irsa-webhook injects tokens for awssts, with the cluster\'s region', () => {
    const deployment = one('Deployment');
    expect(deployment.metadata.namespace).toBe('irsa-webhook');
    const args: string[] = deployment.spec.template.spec.containers[0].args;
    expect(args).toEqual(expect.arrayContaining(['--in-cluster=false', '--namespace=irsa-webhook', '--token-audience=awssts', `--aws-default-region=${REGION}`]));
    const webhook = one('MutatingWebhookConfiguration').webhooks[0];
    expect(webhook.clientConfig.service).toMatchObject({ namespace: 'irsa-webhook', path: '/mutate' });
    expect(webhook.admissionReviewVersions[0]).toBe('v1beta1');
  });

  test('the ServiceAccount carries the role\'s literal ARN and no audience annotation (the webhook injects awssts)', () => {
    const sa = objects.find(o => o.kind === 'ServiceAccount' && o.metadata.name === 'read-s3-hello')!;
    const roleId = Object.keys(template.findResources('AWS::IAM::Role')).find(id => id.startsWith('ReadS3HelloRole'))!;
    const roleName = json.Resources[roleId].Properties.RoleName;
    expect(roleName).toMatch(/^SelfManagedExample-ReadS3Hello-[0-9A-F]{8}$/);
    expect(sa.metadata).toEqual({
      name: 'read-s3-hello',
      namespace: 'default',
      annotations: { 'eks.amazonaws.com/role-arn': `arn:aws:iam::${ACCOUNT}:role/${roleName}` },
    });
  });

  test('snapshot of the YAML', () => {
    expect(yamlFiles).toMatchSnapshot();
  });
});
