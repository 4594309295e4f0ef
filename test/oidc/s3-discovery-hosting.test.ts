import * as fs from 'fs';
import * as path from 'path';
import { App, CfnParameter, Stack, aws_s3 as s3 } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import { DiscoveryHosting, SelfManagedCluster, type IDiscoveryHosting } from '../../src';
import { virtualHostedNameProblem } from '../../src/oidc/discovery-bucket-name';
import { JWKS_PATH, OPENID_CONFIGURATION_PATH, jwksDocument, openIdConfigurationDocument } from '../../src/oidc/discovery-documents';
import { serviceAccountJwks } from '../../src/oidc/service-account-keys';
import { expectError } from '../util/errors';
import { ACCOUNT, REGION, logicalIdsOf, newStack } from '../util/fixtures';
import { resolveIntrinsics } from '../util/intrinsics';
import { assertNagClean, suppress, suppressBucketDeployment } from '../util/nag';
import { bucketPolicyOf, deployedObjects, s3Decision, type S3Caller } from '../util/s3-policy-sim';

const KEYS = path.join(__dirname, '..', 'fixtures', 'keys');
const jwksOf = (...files: string[]) => jwksDocument(serviceAccountJwks({ kind: 'Test', path: 'Test' },
  files.map(f => fs.readFileSync(path.join(KEYS, f), 'utf8'))));
const JWKS = jwksOf('sa-rsa.pub');
const ALGS = ['RS256'];
const OTHER_ACCOUNT = '444455556666';
const BUCKET_NAME = /^oidc-demo-[0-9a-f]{12}$/;

/** Binds `hosting` under `Test/Cluster` (what SelfManagedCluster does) and returns what it serves, with the template. */
function bind(hosting: IDiscoveryHosting, stack: Stack = newStack(), clusterName = 'demo', jwks = JWKS, scopeId = 'Cluster') {
  const scope = new Construct(stack, scopeId);
  const config = hosting.bind(scope, { clusterName, jwks, signingAlgorithms: ALGS });
  return { stack, scope, config, template: Template.fromStack(stack) };
}

function bucketNameOf(template: Template): string {
  const buckets = Object.values(template.findResources('AWS::S3::Bucket'));
  expect(buckets).toHaveLength(1);
  return buckets[0].Properties.BucketName;
}

const S3_PREFIX_EXPECTED = 'a key prefix of 1 to 200 characters: segments of letters, digits, \'-\', \'_\' and \'.\' separated by ' +
  'single \'/\', without a leading or trailing \'/\' and without \'.\' or \'..\' segments, like "clusters/demo"';

describe('DiscoveryHosting.s3Bucket(): a new bucket', () => {
  test('the bucket: ACLs off, only a policy may be public, S3-managed encryption, retained, with a deterministic literal name', () => {
    const { template } = bind(DiscoveryHosting.s3Bucket());
    template.resourceCountIs('AWS::S3::Bucket', 1);
    const [bucket] = Object.values(template.findResources('AWS::S3::Bucket'));
    expect(bucket.Properties.BucketName).toMatch(BUCKET_NAME);
    expect(bucket).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(bucket.Properties).toMatchObject({
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: false, RestrictPublicBuckets: false },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    });
    expect(bucket.Properties.AccessControl).toBeUndefined();
    expect(bucket.Properties.WebsiteConfiguration).toBeUndefined();
  });

  test('the construct ids and resources: DiscoveryBucket, DiscoveryDocuments; one Lambda (the deployment), nothing else', () => {
    const { scope, template } = bind(DiscoveryHosting.s3Bucket());
    expect(scope.node.children.map(c => c.node.id).sort()).toEqual(['DiscoveryBucket', 'DiscoveryDocuments']);
    expect(scope.node.findChild('DiscoveryBucket')).toBeInstanceOf(s3.Bucket);
    const types = Object.values(template.toJSON().Resources as Record<string, { Type: string }>).map(r => r.Type).sort();
    expect(types).toEqual([
      'AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::Lambda::Function', 'AWS::Lambda::LayerVersion',
      'AWS::S3::Bucket', 'AWS::S3::BucketPolicy', 'Custom::CDKBucketDeployment',
    ]);
    template.resourceCountIs('AWS::CloudFront::Distribution', 0);
  });

  test('the issuer: the bucket\'s virtual-hosted-style URL; jwksUri under it; the discovery document of the contract', () => {
    const { template, config } = bind(DiscoveryHosting.s3Bucket());
    const name = bucketNameOf(template);
    const issuer = `https://${name}.s3.${REGION}.amazonaws.com`;
    const { published, ...urls } = config;
    expect(urls).toEqual({
      issuerUrl: issuer,
      jwksUri: `${issuer}/openid/v1/jwks`,
      openIdConfiguration: openIdConfigurationDocument(issuer, `${issuer}/openid/v1/jwks`, ALGS),
    });
    // What publishes the documents: the cluster's OIDC provider waits for it.
    expect((published as any).node.path).toBe('Test/Cluster/DiscoveryDocuments');
  });

  test('the bucket policy, exactly: the Deny of plain HTTP, and one public statement for the two objects (GetObject only)', () => {
    const { template } = bind(DiscoveryHosting.s3Bucket());
    const name = bucketNameOf(template);
    const [bucketId] = logicalIdsOf(template, 'AWS::S3::Bucket');
    const policies = template.findResources('AWS::S3::BucketPolicy');
    expect(Object.values(policies)).toHaveLength(1);
    const bucketArn = { 'Fn::GetAtt': [bucketId, 'Arn'] };
    expect(Object.values(policies)[0].Properties).toEqual({
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Resource: [bucketArn, { 'Fn::Join': ['', [bucketArn, '/*']] }],
          },
          {
            Sid: 'PublicReadOfOidcDiscoveryDocuments',
            Effect: 'Allow',
            Principal: '*',
            Action: 's3:GetObject',
            Resource: [`arn:aws:s3:::${name}/.well-known/openid-configuration`, `arn:aws:s3:::${name}/openid/v1/jwks`],
          },
        ],
      },
    });
  });

  test('an info on the bucket: account-wide Block Public Access refuses the policy; DiscoveryHosting.cloudFront() is the way', () => {
    const { stack } = bind(DiscoveryHosting.s3Bucket());
    Annotations.fromStack(stack).hasInfo('/Test/Cluster/DiscoveryBucket', 'The OIDC discovery documents are public through ' +
      'this bucket\'s policy. If S3 Block Public Access is on for the account (BlockPublicPolicy or RestrictPublicBuckets), ' +
      'S3 refuses that policy at deploy time or ignores it: use DiscoveryHosting.cloudFront(), which keeps the bucket private.');
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('the deployment: one per cluster, both documents, application/json, a short max-age, never pruning', () => {
    const { template } = bind(DiscoveryHosting.s3Bucket());
    const [bucketId] = logicalIdsOf(template, 'AWS::S3::Bucket');
    template.resourceCountIs('Custom::CDKBucketDeployment', 1);
    const [deployment] = Object.values(template.findResources('Custom::CDKBucketDeployment'));
    expect(deployment.Properties).toMatchObject({
      DestinationBucketName: { Ref: bucketId },
      Prune: false,
      SystemMetadata: { 'content-type': 'application/json', 'cache-control': 'public, max-age=300' },
      SourceMarkers: [{}, {}],
    });
    expect(deployment.Properties.SourceObjectKeys).toHaveLength(2);
    expect(deployment.Properties.DestinationBucketKeyPrefix).toBeUndefined();
    expect(deployment.Properties.DistributionId).toBeUndefined();
    expect(logicalIdsOf(template, 'Custom::CDKBucketDeployment')).toEqual([expect.stringMatching(/^ClusterDiscoveryDocumentsCustomResource/)]);
  });

  test('a key rotation (another JWKS) changes the JWKS source of the same deployment; the discovery document stays', () => {
    const sources = (jwks: string) => {
      const { template } = bind(DiscoveryHosting.s3Bucket(), newStack(), 'demo', jwks);
      const deployments = template.findResources('Custom::CDKBucketDeployment');
      const keys = Object.values(deployments)[0].Properties.SourceObjectKeys as string[];
      return { ids: Object.keys(deployments), keys, name: bucketNameOf(template) };
    };
    const before = sources(jwksOf('sa-rsa.pub'));
    const during = sources(jwksOf('sa-rsa-next.pub', 'sa-rsa.pub'));
    expect(during.ids).toEqual(before.ids);
    expect(during.name).toBe(before.name);
    expect(during.keys[0]).toBe(before.keys[0]);
    expect(during.keys[1]).not.toBe(before.keys[1]);
  });

  test('the published documents, read from the assembly: the discovery document and the JWKS, byte for byte', () => {
    const app = new App();
    const stack = newStack({}, app);
    const { config } = bind(DiscoveryHosting.s3Bucket({ prefix: 'clusters/demo' }), stack);
    const objects = deployedObjects(app.synth(), stack, logicalIdsOf(Template.fromStack(stack), 'Custom::CDKBucketDeployment')[0]);
    expect(Object.keys(objects).sort()).toEqual([`clusters/demo/${OPENID_CONFIGURATION_PATH}`, `clusters/demo/${JWKS_PATH}`]);
    expect(objects[`clusters/demo/${OPENID_CONFIGURATION_PATH}`]).toBe(openIdConfigurationDocument(config.issuerUrl, config.jwksUri, ALGS));
    expect(objects[`clusters/demo/${OPENID_CONFIGURATION_PATH}`]).toBe(config.openIdConfiguration);
    expect(objects[`clusters/demo/${JWKS_PATH}`]).toBe(JWKS);
    const discovery = JSON.parse(objects[`clusters/demo/${OPENID_CONFIGURATION_PATH}`]);
    expect(discovery.issuer).toBe(config.issuerUrl);
    expect(discovery.jwks_uri).toBe(config.jwksUri);
    expect(config.jwksUri).toBe(`${config.issuerUrl}/${JWKS_PATH}`);
  });
});

describe('DiscoveryHosting.s3Bucket(): the bucket name', () => {
  const nameFor = (opts: { cluster?: string; account?: string; region?: string; scopeId?: string; stackId?: string } = {}) => bucketNameOf(bind(
    DiscoveryHosting.s3Bucket(),
    newStack({ stackName: opts.stackId ?? 'Test', env: { account: opts.account ?? ACCOUNT, region: opts.region ?? REGION } }),
    opts.cluster ?? 'demo', JWKS, opts.scopeId ?? 'Cluster').template);

  test('the same in every synthesis of the same app; different when the cluster, account, region or construct path differs', () => {
    const name = nameFor();
    expect(nameFor()).toBe(name);
    const others = [nameFor({ cluster: 'other' }), nameFor({ account: OTHER_ACCOUNT }), nameFor({ region: 'us-east-2' }),
      nameFor({ scopeId: 'Other' }), nameFor({ stackId: 'Other' })];
    expect(new Set([name, ...others]).size).toBe(6);
  });

  test('does not change with the JWKS, the prefix or unrelated constructs', () => {
    const stack = newStack();
    new s3.Bucket(stack, 'Unrelated');
    const { template } = bind(DiscoveryHosting.s3Bucket({ prefix: 'a' }), stack, 'demo', jwksOf('sa-ec.pub'));
    const ours = Object.entries(template.findResources('AWS::S3::Bucket')).filter(([id]) => id.startsWith('ClusterDiscoveryBucket'));
    expect(ours).toHaveLength(1);
    expect(ours[0][1].Properties.BucketName).toBe(nameFor());
  });

  test('a valid S3 name without dots for any cluster name: lowercase, at most 63 characters, no reserved prefix or suffix', () => {
    for (const cluster of ['Demo_Cluster.Prod', 'x'.repeat(100), 'xn--cluster', 'cluster-s3alias', '---', 'A']) {
      const name = nameFor({ cluster });
      expect(name.length).toBeLessThanOrEqual(63);
      expect(virtualHostedNameProblem(name)).toBeUndefined();
      expect(name).toMatch(/^oidc-([a-z0-9]([a-z0-9-]*[a-z0-9])?-)?[0-9a-f]{12}$/);
    }
    expect(nameFor({ cluster: 'Demo_Cluster.Prod' })).toMatch(/^oidc-demo-cluster-prod-[0-9a-f]{12}$/);
    expect(nameFor({ cluster: 'x'.repeat(100) })).toHaveLength(63);
  });

  test('named by CloudFormation when the account or region is known only at deploy time; the issuer then uses the pseudo parameters', () => {
    const stack = new Stack(new App(), 'Agnostic');
    const { template, config } = bind(DiscoveryHosting.s3Bucket({ prefix: 'k3s' }), stack);
    const [bucketId] = logicalIdsOf(template, 'AWS::S3::Bucket');
    expect(template.findResources('AWS::S3::Bucket')[bucketId].Properties.BucketName).toBeUndefined();
    const env = { region: 'cn-north-1', urlSuffix: 'amazonaws.com.cn', partition: 'aws-cn', refs: { [bucketId]: 'generated-name' } };
    const resolve = (value: string) => resolveIntrinsics(stack.resolve(value), env);
    expect(resolve(config.issuerUrl)).toBe('https://generated-name.s3.cn-north-1.amazonaws.com.cn/k3s');
    expect(resolve(config.jwksUri)).toBe('https://generated-name.s3.cn-north-1.amazonaws.com.cn/k3s/openid/v1/jwks');
    expect(resolveIntrinsics(bucketPolicyOf(template, { ...env, getAtts: { [`${bucketId}.Arn`]: 'arn:aws-cn:s3:::generated-name' } }), env))
      .toMatchObject({ Statement: [{}, { Resource: ['arn:aws-cn:s3:::generated-name/k3s/.well-known/openid-configuration', 'arn:aws-cn:s3:::generated-name/k3s/openid/v1/jwks'] }] });
  });
});

describe('DiscoveryHosting.s3Bucket(): valid edge inputs', () => {
  test('a prefix of several segments: the issuer, the keys and the policy carry it', () => {
    const { template, config } = bind(DiscoveryHosting.s3Bucket({ prefix: 'k8s/clusters/demo_1.prod' }));
    const name = bucketNameOf(template);
    expect(config.issuerUrl).toBe(`https://${name}.s3.${REGION}.amazonaws.com/k8s/clusters/demo_1.prod`);
    expect(config.jwksUri).toBe(`https://${name}.s3.${REGION}.amazonaws.com/k8s/clusters/demo_1.prod/openid/v1/jwks`);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Resource: [`arn:aws:s3:::${name}/k8s/clusters/demo_1.prod/.well-known/openid-configuration`, `arn:aws:s3:::${name}/k8s/clusters/demo_1.prod/openid/v1/jwks`],
        })]),
      },
    });
  });

  test('a China region: the amazonaws.com.cn domain and aws-cn ARNs', () => {
    const { template, config } = bind(DiscoveryHosting.s3Bucket(), newStack({ env: { account: ACCOUNT, region: 'cn-northwest-1' } }));
    const name = bucketNameOf(template);
    expect(config.issuerUrl).toBe(`https://${name}.s3.cn-northwest-1.amazonaws.com.cn`);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Resource: [`arn:aws-cn:s3:::${name}/.well-known/openid-configuration`, `arn:aws-cn:s3:::${name}/openid/v1/jwks`],
        })]),
      },
    });
  });

  test('a prefix as long as the issuer allows (255 characters) is accepted', () => {
    const { config } = bind(DiscoveryHosting.s3Bucket({ prefix: 'p'.repeat(197) }));
    expect(config.issuerUrl).toHaveLength(255);
  });

  test('in a SelfManagedCluster (the default hosting): the IAM OIDC provider is for the bucket\'s issuer', () => {
    const stack = newStack();
    const cluster = new SelfManagedCluster(stack, 'Kubeadm', {
      clusterName: 'kubeadm-a', serviceAccountPublicKeys: [fs.readFileSync(path.join(KEYS, 'sa-rsa.pub'), 'utf8')],
    });
    const template = Template.fromStack(stack);
    const name = bucketNameOf(template);
    expect(name).toMatch(/^oidc-kubeadm-a-[0-9a-f]{12}$/);
    expect(cluster.issuerUrl).toBe(`https://${name}.s3.${REGION}.amazonaws.com`);
    template.hasResourceProperties('AWS::IAM::OIDCProvider', { Url: cluster.issuerUrl });
    expect(cluster.node.tryFindChild('DiscoveryBucket')).toBeDefined();
    expect(cluster.node.tryFindChild('DiscoveryDocuments')).toBeDefined();
  });
});

describe('DiscoveryHosting.s3Bucket({ bucket }): an existing bucket', () => {
  const WARNING = (name: string, arnName: string, outputId: string) => 'DiscoveryHosting.s3Bucket Test/Cluster: the policy of the existing bucket ' +
    `${name} is not changed; add this statement to it, or IAM cannot read the discovery documents: ` +
    JSON.stringify({
      Sid: 'PublicReadOfOidcDiscoveryDocuments',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: [`arn:aws:s3:::${arnName}/oidc/.well-known/openid-configuration`, `arn:aws:s3:::${arnName}/oidc/openid/v1/jwks`],
    }) + ` (also in the stack output ${outputId}). The bucket's Block Public Access settings ` +
    'BlockPublicPolicy and RestrictPublicBuckets, and the account\'s, must be off for it to take effect. ' +
    '[ack: cdk-workload-identity:discoveryBucketPolicy]';

  test('given by name: its policy is never changed; the statement to add is a warning and a stack output; the documents go in', () => {
    const stack = newStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'Existing', 'platform-oidc');
    const { template, config } = bind(DiscoveryHosting.s3Bucket({ bucket, prefix: 'oidc' }), stack);
    template.resourceCountIs('AWS::S3::Bucket', 0);
    template.resourceCountIs('AWS::S3::BucketPolicy', 0);
    expect(config.issuerUrl).toBe(`https://platform-oidc.s3.${REGION}.amazonaws.com/oidc`);
    template.hasResourceProperties('Custom::CDKBucketDeployment', { DestinationBucketName: 'platform-oidc', Prune: false });
    const outputs = template.findOutputs('*');
    expect(Object.keys(outputs)).toEqual([expect.stringMatching(/^ClusterDiscoveryBucketPolicyStatement[0-9A-F]{8}$/)]);
    const [[outputId, output]] = Object.entries(outputs);
    Annotations.fromStack(stack).hasWarning('/Test/Cluster', WARNING('"platform-oidc"', 'platform-oidc', outputId));
    expect(JSON.parse(resolveIntrinsics(output.Value, {}) as string)).toEqual({
      Sid: 'PublicReadOfOidcDiscoveryDocuments',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: ['arn:aws:s3:::platform-oidc/oidc/.well-known/openid-configuration', 'arn:aws:s3:::platform-oidc/oidc/openid/v1/jwks'],
    });
  });

  test('a bucket of this app: no addToResourcePolicy on it (no policy appears), the documents still go in', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Mine', { bucketName: 'my-oidc-bucket' });
    const { template, config } = bind(DiscoveryHosting.s3Bucket({ bucket, prefix: 'oidc' }), stack);
    expect(config.issuerUrl).toBe(`https://my-oidc-bucket.s3.${REGION}.amazonaws.com/oidc`);
    template.resourceCountIs('AWS::S3::Bucket', 1);
    template.resourceCountIs('AWS::S3::BucketPolicy', 0);
    template.resourceCountIs('Custom::CDKBucketDeployment', 1);
    const [outputId] = Object.keys(template.findOutputs('*'));
    Annotations.fromStack(stack).hasWarning('/Test/Cluster', WARNING('"my-oidc-bucket"', 'my-oidc-bucket', outputId));
  });

  test('a name known only at deploy time: the issuer is a token; the warning has a placeholder, the output the exact statement', () => {
    const stack = newStack();
    const name = new CfnParameter(stack, 'BucketName').valueAsString;
    const bucket = s3.Bucket.fromBucketName(stack, 'Existing', name);
    const { template, config } = bind(DiscoveryHosting.s3Bucket({ bucket, prefix: 'oidc' }), stack);
    const env = { refs: { BucketName: 'deploy-time' } };
    expect(resolveIntrinsics(stack.resolve(config.issuerUrl), env)).toBe(`https://deploy-time.s3.${REGION}.amazonaws.com/oidc`);
    const [[outputId, output]] = Object.entries(template.findOutputs('*'));
    Annotations.fromStack(stack).hasWarning('/Test/Cluster', WARNING('(named at deploy time)', '<bucket name>', outputId));
    expect(JSON.parse(resolveIntrinsics(output.Value, env) as string).Resource).toEqual([
      'arn:aws:s3:::deploy-time/oidc/.well-known/openid-configuration', 'arn:aws:s3:::deploy-time/oidc/openid/v1/jwks',
    ]);
  });
});

describe('the bucket policy, evaluated by an IAM policy simulator (@cloud-copilot/iam-simulate)', () => {
  const PREFIX = 'clusters/demo';
  const { template } = bind(DiscoveryHosting.s3Bucket({ prefix: PREFIX }));
  const name = bucketNameOf(template);
  const [bucketId] = logicalIdsOf(template, 'AWS::S3::Bucket');
  const policy = bucketPolicyOf(template, { getAtts: { [`${bucketId}.Arn`]: `arn:aws:s3:::${name}` } });
  const anonymous: S3Caller = { anonymous: true };
  type Extra = { secureTransport?: boolean; blockPublicAccess?: boolean };
  const decide = (caller: S3Caller, action: string, key: string | undefined, extra: Extra = {}) =>
    s3Decision({ caller, action, bucket: name, key, bucketAccount: ACCOUNT, policy, ...extra });

  test.each([`${PREFIX}/.well-known/openid-configuration`, `${PREFIX}/openid/v1/jwks`])('anonymous s3:GetObject of %s: allowed', async (key) => {
    expect(await decide(anonymous, 's3:GetObject', key)).toBe('Allowed');
  });

  test.each([
    '.well-known/openid-configuration', 'openid/v1/jwks', 'clusters/other/openid/v1/jwks', `${PREFIX}/keys.json`, 'keys.json',
    `${PREFIX}/openid/v1/jwks.bak`, `${PREFIX}/openid/v1/`, `${PREFIX}/`, 'index.html', `${PREFIX}/.well-known/openid-configuration/x`,
  ])('anonymous s3:GetObject of any other key (%s): denied', async (key) => {
    expect(await decide(anonymous, 's3:GetObject', key)).toBe('Denied');
  });

  test('anonymous s3:ListBucket (the bucket root), s3:PutObject and s3:DeleteObject of a document: denied', async () => {
    expect(await decide(anonymous, 's3:ListBucket', undefined)).toBe('Denied');
    expect(await decide(anonymous, 's3:PutObject', `${PREFIX}/openid/v1/jwks`)).toBe('Denied');
    expect(await decide(anonymous, 's3:DeleteObject', `${PREFIX}/openid/v1/jwks`)).toBe('Denied');
    expect(await decide(anonymous, 's3:GetObjectAcl', `${PREFIX}/openid/v1/jwks`)).toBe('Denied');
  });

  test('anonymous s3:GetObject of a document over plain HTTP (aws:SecureTransport false): denied', async () => {
    expect(await decide(anonymous, 's3:GetObject', `${PREFIX}/openid/v1/jwks`, { secureTransport: false })).toBe('Denied');
  });

  test('another account\'s principal may read the documents (they are public) but write nothing', async () => {
    const other: S3Caller = { arn: `arn:aws:iam::${OTHER_ACCOUNT}:role/anything` };
    expect(await decide(other, 's3:GetObject', `${PREFIX}/openid/v1/jwks`)).toBe('Allowed');
    expect(await decide(other, 's3:GetObject', `${PREFIX}/secret`)).toBe('Denied');
    expect(await decide(other, 's3:PutObject', `${PREFIX}/openid/v1/jwks`)).toBe('Denied');
  });

  test('with S3 Block Public Access (RestrictPublicBuckets) on, as account-wide settings do: denied (the info annotation\'s case)', async () => {
    expect(await decide(anonymous, 's3:GetObject', `${PREFIX}/openid/v1/jwks`, { blockPublicAccess: true })).toBe('Denied');
  });
});

describe('cdk-nag AwsSolutions', () => {
  test('clean, with suppressions only for what is inherent, each with its reason', () => {
    const app = new App();
    const stack = newStack({}, app);
    const { scope } = bind(DiscoveryHosting.s3Bucket(), stack);
    const bucket = scope.node.findChild('DiscoveryBucket');
    suppress(bucket, 'AwsSolutions-S2', 'The bucket exists to serve two documents to anyone (IAM reads them unsigned); ACLs are ' +
      'blocked and the policy makes exactly those two objects public (see the simulator tests).');
    suppress(bucket, 'AwsSolutions-S1', 'The hosting has no option for a log bucket yet; the objects are public, read-only ' +
      'documents, and server access logs would need a second bucket that the contract does not take.');
    suppressBucketDeployment(stack);
    expect(assertNagClean(app)).toEqual([]);
  });
});

/** The BucketDeployment's singleton Lambda: aws-cdk-lib's own function, role and policy, outside this library's control. */
describe('errors, each with its whole message', () => {
  const expectPrefixError = (prefix: unknown, given: string, fix?: string) => expectError(
    () => bind(DiscoveryHosting.s3Bucket({ prefix: prefix as string })),
    `DiscoveryHosting.s3Bucket Test/Cluster: ${given}, expected ${S3_PREFIX_EXPECTED}${fix ? `; ${fix}` : ''}`);

  test('a prefix with a leading or trailing \'/\'', () => {
    expectPrefixError('/clusters/demo', 'prefix "/clusters/demo" starts with \'/\'', 'remove the leading \'/\'');
    expectPrefixError('clusters/demo/', 'prefix "clusters/demo/" ends with \'/\'', 'remove the trailing \'/\'');
  });

  test('a prefix with an empty, \'.\' or \'..\' segment', () => {
    expectPrefixError('clusters//demo', 'prefix "clusters//demo" has an empty segment (\'//\')');
    expectPrefixError('clusters/../demo', 'prefix "clusters/../demo" has a ".." segment, which HTTP clients remove from URLs');
    expectPrefixError('./demo', 'prefix "./demo" has a "." segment, which HTTP clients remove from URLs');
  });

  test('a prefix with characters outside the safe set', () => {
    expectPrefixError('clusters/de mo', 'prefix "clusters/de mo" has the character " "');
    expectPrefixError('clusters/*', 'prefix "clusters/*" has the character "*"', '\'*\' is a wildcard in bucket policies: it would make other keys public');
    expectPrefixError('clusters?x=1', 'prefix "clusters?x=1" has the character "?"');
    expectPrefixError('démo', 'prefix "démo" has the character "é"');
    expectPrefixError('clusters/(demo)', 'prefix "clusters/(demo)" has the character "("');
  });

  test('an empty, too long, non-string or deploy-time prefix', () => {
    expectPrefixError('', 'prefix "" is empty', 'leave prefix out to put the documents at the root of the bucket');
    expectPrefixError('p'.repeat(201), `prefix "${'p'.repeat(201)}" has 201 characters`);
    expectPrefixError(42, 'prefix is 42 (number)');
    const stack = newStack();
    const prefix = new CfnParameter(stack, 'Prefix').valueAsString;
    expectError(() => bind(DiscoveryHosting.s3Bucket({ prefix }), stack),
      `DiscoveryHosting.s3Bucket Test/Cluster: prefix ${JSON.stringify(prefix)} is known only at deploy time, expected ${S3_PREFIX_EXPECTED}; ` +
      'the prefix is part of the issuer and of the bucket policy: give it as a literal');
  });

  test('a prefix that makes the issuer longer than an IAM OIDC provider URL may be (255 characters)', () => {
    const name = bucketNameOf(bind(DiscoveryHosting.s3Bucket()).template);
    const prefix = 'p'.repeat(198);
    const issuer = `https://${name}.s3.${REGION}.amazonaws.com/${prefix}`;
    expect(issuer).toHaveLength(256);
    expectError(() => bind(DiscoveryHosting.s3Bucket({ prefix })),
      `DiscoveryHosting.s3Bucket Test/Cluster: the issuer "${issuer}" has 256 characters, expected at most 255 (the limit of an ` +
      'IAM OIDC provider URL); shorten prefix');
  });

  test('an existing bucket whose name cannot be served over HTTPS in virtual-hosted style', () => {
    const expectBucketError = (name: string, why: string) => {
      const stack = newStack();
      const bucket = s3.Bucket.fromBucketName(stack, 'Existing', name);
      expectError(() => bind(DiscoveryHosting.s3Bucket({ bucket }), stack),
        `DiscoveryHosting.s3Bucket Test/Cluster: bucket name ${JSON.stringify(name)} ${why}, expected a bucket whose name works in a ` +
        'virtual-hosted-style HTTPS URL: 3 to 63 lowercase letters, digits and \'-\'; leave bucket out to get a new bucket, ' +
        'or use DiscoveryHosting.cloudFront()');
    };
    expectBucketError('oidc.example.com', 'has a \'.\', which the S3 HTTPS certificate (*.s3.<region>.<domain>) does not cover');
    expectBucketError('Legacy_Bucket', 'is not a DNS-compatible S3 bucket name');
    expectBucketError('xn--oidc', 'starts with the reserved prefix "xn--"');
    expectBucketError('oidc-s3alias', 'ends with the reserved suffix "-s3alias"');
  });

  test('nothing is created when a check fails', () => {
    const stack = newStack();
    expect(() => bind(DiscoveryHosting.s3Bucket({ prefix: '/x' }), stack)).toThrow();
    const scope = stack.node.findChild('Cluster');
    expect(scope.node.children).toHaveLength(0);
  });
});
