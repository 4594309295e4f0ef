import * as fs from 'fs';
import * as path from 'path';
import type { Stack } from 'aws-cdk-lib';
import { App, CfnParameter, aws_certificatemanager as acm, aws_cloudfront as cloudfront, aws_s3 as s3, aws_s3_deployment as s3deploy } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import { DiscoveryHosting, type CloudFrontDiscoveryHostingOptions } from '../../src';
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
const JWKS = jwksOf('sa-rsa.pub', 'sa-ec.pub');
const ALGS = ['RS256', 'ES256'];
const DOMAIN = 'oidc.example.com';
const CERT_ARN = `arn:aws:acm:us-east-1:${ACCOUNT}:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b`;
const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';
// Values CloudFormation would give, for resolving the template.
const DISTRIBUTION_ID = 'E2QWRUHEXAMPLE';
const DISTRIBUTION_DOMAIN = 'd111111abcdef8.cloudfront.net';
const BUCKET = 'test-clusterdiscoverybucket-1a2b3c4d5e6f';

function bind(options: (stack: Stack) => CloudFrontDiscoveryHostingOptions = () => ({}), stack: Stack = newStack(), jwks = JWKS) {
  const scope = new Construct(stack, 'Cluster');
  const config = DiscoveryHosting.cloudFront(options(stack)).bind(scope, { clusterName: 'demo', jwks, signingAlgorithms: ALGS });
  return { stack, scope, config, template: Template.fromStack(stack) };
}

const withDomain = (stack: Stack): CloudFrontDiscoveryHostingOptions =>
  ({ domainName: DOMAIN, certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', CERT_ARN) });

/** Logical ids of the bucket and the distribution, and the values CloudFormation would give their attributes. */
function envOf(template: Template) {
  const [bucketId] = logicalIdsOf(template, 'AWS::S3::Bucket');
  const [distributionId] = logicalIdsOf(template, 'AWS::CloudFront::Distribution');
  return {
    bucketId,
    distributionId,
    env: {
      refs: { [bucketId]: BUCKET, [distributionId]: DISTRIBUTION_ID },
      getAtts: { [`${bucketId}.Arn`]: `arn:aws:s3:::${BUCKET}`, [`${distributionId}.DomainName`]: DISTRIBUTION_DOMAIN },
    },
  };
}

describe('DiscoveryHosting.cloudFront(): the resources', () => {
  test('construct ids DiscoveryBucket, DiscoveryDistribution, DiscoveryDocuments; one Lambda (the deployment), no public S3', () => {
    const { scope, template } = bind(withDomain);
    expect(scope.node.children.map(c => c.node.id).sort())
      .toEqual(['DiscoveryBucket', 'DiscoveryDistribution', 'DiscoveryDocuments', 'DiscoveryDomainTarget']);
    expect(scope.node.findChild('DiscoveryBucket')).toBeInstanceOf(s3.Bucket);
    expect(scope.node.findChild('DiscoveryDistribution')).toBeInstanceOf(cloudfront.Distribution);
    expect(scope.node.findChild('DiscoveryDocuments')).toBeInstanceOf(s3deploy.BucketDeployment);
    const types = Object.values(template.toJSON().Resources as Record<string, { Type: string }>).map(r => r.Type).sort();
    expect(types).toEqual([
      'AWS::CloudFront::Distribution', 'AWS::CloudFront::OriginAccessControl', 'AWS::IAM::Policy', 'AWS::IAM::Role',
      'AWS::Lambda::Function', 'AWS::Lambda::LayerVersion', 'AWS::S3::Bucket', 'AWS::S3::BucketPolicy', 'Custom::CDKBucketDeployment',
    ]);
  });

  test('the bucket: all public access blocked, ACLs off, S3-managed encryption', () => {
    const { template } = bind(withDomain);
    const [bucket] = Object.values(template.findResources('AWS::S3::Bucket'));
    expect(bucket.Properties).toEqual({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      Tags: [{ Key: expect.stringMatching(/^aws-cdk:cr-owned:/), Value: 'true' }],
    });
  });

  test('the bucket policy, exactly: the Deny of plain HTTP, and s3:GetObject for this distribution\'s service principal only', () => {
    const { template } = bind(withDomain);
    const { bucketId, distributionId } = envOf(template);
    const bucketArn = { 'Fn::GetAtt': [bucketId, 'Arn'] };
    const [policy] = Object.values(template.findResources('AWS::S3::BucketPolicy'));
    expect(policy.Properties.PolicyDocument).toEqual({
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
          Effect: 'Allow',
          Principal: { Service: 'cloudfront.amazonaws.com' },
          Action: 's3:GetObject',
          Resource: { 'Fn::Join': ['', [bucketArn, '/*']] },
          Condition: {
            StringEquals: {
              'AWS:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::', { Ref: 'AWS::AccountId' }, ':distribution/', { Ref: distributionId }]] },
            },
          },
        },
      ],
    });
  });

  test('the distribution: origin access control, HTTPS only, GET/HEAD, a caching policy, the domain with TLS 1.2 or newer', () => {
    const { template } = bind(withDomain);
    const { bucketId } = envOf(template);
    const [oacId] = logicalIdsOf(template, 'AWS::CloudFront::OriginAccessControl');
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' },
    });
    const [distribution] = Object.values(template.findResources('AWS::CloudFront::Distribution'));
    const config = distribution.Properties.DistributionConfig;
    expect(config.DefaultCacheBehavior).toEqual({
      AllowedMethods: ['GET', 'HEAD'],
      CachedMethods: ['GET', 'HEAD'],
      CachePolicyId: CACHING_OPTIMIZED,
      Compress: true,
      TargetOriginId: expect.any(String),
      ViewerProtocolPolicy: 'https-only',
    });
    expect(config.Origins).toEqual([{
      DomainName: { 'Fn::GetAtt': [bucketId, 'RegionalDomainName'] },
      Id: config.DefaultCacheBehavior.TargetOriginId,
      OriginAccessControlId: { 'Fn::GetAtt': [oacId, 'Id'] },
      S3OriginConfig: { OriginAccessIdentity: '' },
    }]);
    expect(config.Aliases).toEqual([DOMAIN]);
    expect(config.ViewerCertificate).toEqual({ AcmCertificateArn: CERT_ARN, MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' });
    expect(config.CacheBehaviors).toBeUndefined();
    expect(config.DefaultRootObject).toBeUndefined();
    expect(config.Enabled).toBe(true);
  });

  test('the deployment: one, into the private bucket, both documents, invalidating their two paths, never pruning', () => {
    const { template } = bind(withDomain);
    const { bucketId, distributionId } = envOf(template);
    template.resourceCountIs('Custom::CDKBucketDeployment', 1);
    const [deployment] = Object.values(template.findResources('Custom::CDKBucketDeployment'));
    expect(deployment.Properties).toMatchObject({
      DestinationBucketName: { Ref: bucketId },
      DistributionId: { Ref: distributionId },
      DistributionPaths: ['/.well-known/openid-configuration', '/openid/v1/jwks'],
      Prune: false,
      SystemMetadata: { 'content-type': 'application/json', 'cache-control': 'public, max-age=300' },
    });
    expect(deployment.Properties.SourceObjectKeys).toHaveLength(2);
  });

  test('with a domain: the issuer is a literal; an output tells where to point the domain', () => {
    const { template, config } = bind(withDomain);
    const { distributionId } = envOf(template);
    const { published, ...urls } = config;
    // What publishes the documents: the cluster's OIDC provider waits for it.
    expect((published as any).node.id).toBe('DiscoveryDocuments');
    expect(urls).toEqual({
      issuerUrl: `https://${DOMAIN}`,
      jwksUri: `https://${DOMAIN}/openid/v1/jwks`,
      openIdConfiguration: openIdConfigurationDocument(`https://${DOMAIN}`, `https://${DOMAIN}/openid/v1/jwks`, ALGS),
    });
    expect(Object.values(template.findOutputs('*'))).toEqual([{
      Description: `Point ${DOMAIN} at this domain (Route 53 alias or CNAME) so that IAM can read the OIDC discovery documents`,
      Value: { 'Fn::GetAtt': [distributionId, 'DomainName'] },
    }]);
  });

  test('without a domain: the default certificate, no aliases; the issuer is the distribution\'s domain, a deploy-time value', () => {
    const { stack, template, config } = bind();
    const { env } = envOf(template);
    const [distribution] = Object.values(template.findResources('AWS::CloudFront::Distribution'));
    expect(distribution.Properties.DistributionConfig.Aliases).toBeUndefined();
    expect(distribution.Properties.DistributionConfig.ViewerCertificate).toBeUndefined();
    const resolve = (value: string) => resolveIntrinsics(stack.resolve(value), env);
    expect(resolve(config.issuerUrl)).toBe(`https://${DISTRIBUTION_DOMAIN}`);
    expect(resolve(config.jwksUri)).toBe(`https://${DISTRIBUTION_DOMAIN}/openid/v1/jwks`);
    expect(Object.keys(template.findOutputs('*'))).toEqual([]);
  });

  test('a key rotation (another JWKS) changes the JWKS source of the same deployment, whose invalidation covers it', () => {
    const sources = (jwks: string) => {
      const { template } = bind(withDomain, newStack(), jwks);
      const deployments = template.findResources('Custom::CDKBucketDeployment');
      return { ids: Object.keys(deployments), keys: Object.values(deployments)[0].Properties.SourceObjectKeys as string[] };
    };
    const before = sources(jwksOf('sa-rsa.pub'));
    const after = sources(jwksOf('sa-rsa-next.pub'));
    expect(after.ids).toEqual(before.ids);
    expect(after.keys[0]).toBe(before.keys[0]);
    expect(after.keys[1]).not.toBe(before.keys[1]);
  });
});

describe('the published documents, read from the assembly', () => {
  test('with a domain: byte for byte the contract\'s discovery document and the JWKS given', () => {
    const app = new App();
    const stack = newStack({}, app);
    const { config, template } = bind(withDomain, stack);
    const objects = deployedObjects(app.synth(), stack, logicalIdsOf(template, 'Custom::CDKBucketDeployment')[0]);
    expect(Object.keys(objects).sort()).toEqual([OPENID_CONFIGURATION_PATH, JWKS_PATH]);
    expect(objects[OPENID_CONFIGURATION_PATH]).toBe(openIdConfigurationDocument(config.issuerUrl, config.jwksUri, ALGS));
    expect(JSON.parse(objects[OPENID_CONFIGURATION_PATH])).toMatchObject({ issuer: `https://${DOMAIN}`, jwks_uri: `https://${DOMAIN}/openid/v1/jwks` });
    expect(objects[JWKS_PATH]).toBe(JWKS);
  });

  test('without a domain: the distribution\'s domain is filled in at deploy time, giving the same bytes', () => {
    const app = new App();
    const stack = newStack({}, app);
    const { config, template } = bind(undefined, stack);
    const { env } = envOf(template);
    const objects = deployedObjects(app.synth(), stack, logicalIdsOf(template, 'Custom::CDKBucketDeployment')[0], env);
    const issuer = resolveIntrinsics(stack.resolve(config.issuerUrl), env) as string;
    const jwksUri = resolveIntrinsics(stack.resolve(config.jwksUri), env) as string;
    expect(objects[OPENID_CONFIGURATION_PATH]).toBe(openIdConfigurationDocument(issuer, jwksUri, ALGS));
    expect(objects[OPENID_CONFIGURATION_PATH]).toBe(resolveIntrinsics(stack.resolve(config.openIdConfiguration), env));
    expect(JSON.parse(objects[OPENID_CONFIGURATION_PATH]).issuer).toBe(`https://${DISTRIBUTION_DOMAIN}`);
    expect(objects[JWKS_PATH]).toBe(JWKS);
  });
});

describe('the bucket policy, evaluated by an IAM policy simulator (@cloud-copilot/iam-simulate)', () => {
  const { template } = bind(withDomain);
  const { env } = envOf(template);
  const policy = bucketPolicyOf(template, env);
  const DISTRIBUTION_ARN = `arn:aws:cloudfront::${ACCOUNT}:distribution/${DISTRIBUTION_ID}`;
  const distribution: S3Caller = { service: 'cloudfront.amazonaws.com', sourceArn: DISTRIBUTION_ARN };
  type Extra = { secureTransport?: boolean; blockPublicAccess?: boolean };
  const decide = (caller: S3Caller, action: string, key: string | undefined, extra: Extra = {}) =>
    s3Decision({ caller, action, bucket: BUCKET, key, bucketAccount: ACCOUNT, policy, ...extra });

  test.each([OPENID_CONFIGURATION_PATH, JWKS_PATH])('the distribution (cloudfront.amazonaws.com, AWS:SourceArn = it) reads %s: allowed', async (key) => {
    expect(await decide(distribution, 's3:GetObject', key)).toBe('Allowed');
    // The policy is not public: account-wide Block Public Access does not stop it.
    expect(await decide(distribution, 's3:GetObject', key, { blockPublicAccess: true })).toBe('Allowed');
  });

  test('the distribution may not write, list, or read over plain HTTP', async () => {
    expect(await decide(distribution, 's3:PutObject', JWKS_PATH)).toBe('Denied');
    expect(await decide(distribution, 's3:ListBucket', undefined)).toBe('Denied');
    expect(await decide(distribution, 's3:GetObject', JWKS_PATH, { secureTransport: false })).toBe('Denied');
  });

  test.each<[string, S3Caller]>([
    ['anyone (anonymous)', { anonymous: true }],
    ['another distribution of the same account', { service: 'cloudfront.amazonaws.com', sourceArn: `arn:aws:cloudfront::${ACCOUNT}:distribution/EOTHER` }],
    ['a distribution of another account', { service: 'cloudfront.amazonaws.com', sourceArn: `arn:aws:cloudfront::444455556666:distribution/${DISTRIBUTION_ID}` }],
    ['CloudFront without a source', { service: 'cloudfront.amazonaws.com' }],
    ['another service', { service: 's3.amazonaws.com', sourceArn: DISTRIBUTION_ARN }],
    ['a principal of another account', { arn: 'arn:aws:iam::444455556666:role/reader' }],
  ])('%s reading the JWKS: denied', async (_who, caller) => {
    expect(await decide(caller, 's3:GetObject', JWKS_PATH)).toBe('Denied');
  });
});

describe('cdk-nag AwsSolutions', () => {
  function suppressInherent(stack: Stack, scope: Construct): void {
    suppressBucketDeployment(stack);
    const bucket = scope.node.findChild('DiscoveryBucket');
    const distribution = scope.node.findChild('DiscoveryDistribution');
    suppress(bucket, 'AwsSolutions-S1', 'The hosting has no option for a log bucket yet; the bucket is private and only the ' +
      'distribution reads it, and server access logs would need a second bucket that the contract does not take.');
    suppress(distribution, 'AwsSolutions-CFR3', 'The hosting has no option for a log bucket yet; CloudFront standard logs need a bucket ' +
      'with ACLs enabled, which the contract does not take; the distribution serves two public, read-only documents.');
    suppress(distribution, 'AwsSolutions-CFR1', 'IAM (STS in every region) and relying parties anywhere must read the discovery ' +
      'documents: a geo restriction would break token exchange in some regions.');
    suppress(distribution, 'AwsSolutions-CFR2', 'No WAF on a host of two public, read-only, cached documents: there is no input to ' +
      'filter, and a web ACL would cost more than the distribution.');
  }

  test('with a domain: clean, with suppressions only for what is inherent, each with its reason', () => {
    const app = new App();
    const stack = newStack({}, app);
    const { scope } = bind(withDomain, stack);
    suppressInherent(stack, scope);
    expect(assertNagClean(app)).toEqual([]);
  });

  test('without a domain: also CFR4, since the default *.cloudfront.net certificate cannot be restricted to TLS 1.2', () => {
    const app = new App();
    const stack = newStack({}, app);
    const { scope } = bind(undefined, stack);
    suppressInherent(stack, scope);
    suppress(scope.node.findChild('DiscoveryDistribution'), 'AwsSolutions-CFR4', 'Without domainName the distribution serves ' +
      'CloudFront\'s default certificate, whose minimum protocol version CloudFront does not let anyone set; give domainName.');
    expect(assertNagClean(app)).toEqual([]);
  });
});

describe('valid edge inputs', () => {
  test('a domain and a certificate known only at deploy time: the issuer is a token; nothing is checked', () => {
    const { stack, config } = bind(s => ({
      domainName: new CfnParameter(s, 'Domain').valueAsString,
      certificate: acm.Certificate.fromCertificateArn(s, 'Cert', new CfnParameter(s, 'CertArn').valueAsString),
    }));
    expect(resolveIntrinsics(stack.resolve(config.issuerUrl), { refs: { Domain: 'oidc.example.org' } })).toBe('https://oidc.example.org');
  });

  test('a certificate created by the app in us-east-1, and a literal us-east-1 ARN from another region\'s stack', () => {
    const east = newStack({ env: { account: ACCOUNT, region: 'us-east-1' } });
    const { config } = bind(s => ({ domainName: DOMAIN, certificate: new acm.Certificate(s, 'Cert', { domainName: DOMAIN }) }), east);
    expect(config.issuerUrl).toBe(`https://${DOMAIN}`);
    expect(bind(withDomain, newStack({ env: { account: ACCOUNT, region: 'ap-south-1' } })).config.issuerUrl).toBe(`https://${DOMAIN}`);
  });

  test('a domain of many labels, with digits and hyphens', () => {
    const domainName = 'oidc-1.k8s.eu-west-1.platform.example.co.uk';
    const { config } = bind(s => ({ domainName, certificate: acm.Certificate.fromCertificateArn(s, 'Cert', CERT_ARN) }));
    expect(config.issuerUrl).toBe(`https://${domainName}`);
  });

  test('no warnings from the hosting or the distribution with a domain', () => {
    const { stack } = bind(withDomain);
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });
});

describe('errors, each with its whole message', () => {
  const DOMAIN_EXPECTED = 'a lowercase DNS name such as "oidc.example.com": no scheme, path, port or wildcard';
  const P = 'DiscoveryHosting.cloudFront Test/Cluster';
  const expectDomainError = (domainName: string, given: string, fix?: string) => expectError(
    () => bind(s => ({ domainName, certificate: acm.Certificate.fromCertificateArn(s, 'Cert', CERT_ARN) })),
    `${P}: domainName ${JSON.stringify(domainName)} ${given}, expected ${DOMAIN_EXPECTED}${fix ? `; ${fix}` : ''}`);

  test('a domainName without a certificate, and a certificate without a domainName', () => {
    expectError(() => bind(() => ({ domainName: DOMAIN })),
      `${P}: domainName "oidc.example.com" is given without a certificate, expected both domainName and certificate (an ACM ` +
      'certificate for it in us-east-1), or neither; add certificate, or leave domainName out to use the distribution\'s own domain');
    expectError(() => bind(s => ({ certificate: acm.Certificate.fromCertificateArn(s, 'Cert', CERT_ARN) })),
      `${P}: certificate is given without a domainName, expected both domainName and certificate, or neither; add the domainName the certificate is for`);
  });

  test('a literal certificate ARN outside us-east-1', () => {
    const arn = `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b`;
    expectError(() => bind(s => ({ domainName: DOMAIN, certificate: acm.Certificate.fromCertificateArn(s, 'Cert', arn) })),
      `${P}: certificate ${JSON.stringify(arn)} is in region "eu-west-1", expected an ACM certificate in us-east-1, the only region ` +
      'CloudFront takes certificates from; request the certificate in us-east-1 (for example in a stack with env.region "us-east-1" ' +
      'and crossRegionReferences)');
  });

  test('a certificate the app creates in another region', () => {
    expectError(() => bind(s => ({ domainName: DOMAIN, certificate: new acm.Certificate(s, 'Cert', { domainName: DOMAIN }) })),
      `${P}: certificate Test/Cert is created in region "eu-west-1", expected an ACM certificate in us-east-1, the only region ` +
      'CloudFront takes certificates from; request the certificate in us-east-1 (for example in a stack with env.region "us-east-1" ' +
      'and crossRegionReferences)');
  });

  test('a domainName with a scheme, a path or a port', () => {
    expectDomainError('https://oidc.example.com', 'has a scheme ("https://")', 'give the host name only: the issuer is https://<domainName>');
    expectDomainError('oidc.example.com/clusters/demo', 'has a path', 'the CloudFront hosting serves the documents at the root of the domain');
    expectDomainError('oidc.example.com/', 'has a path', 'the CloudFront hosting serves the documents at the root of the domain');
    expectDomainError('oidc.example.com:443', 'has a port', 'CloudFront serves HTTPS on port 443 only');
  });

  test('a domainName that is not a DNS name', () => {
    expectDomainError('*.example.com', 'is a wildcard', 'the issuer is one host name');
    expectDomainError('OIDC.Example.com', 'has uppercase letters', 'write it "oidc.example.com"');
    expectDomainError('oidc_example.com', 'is not a DNS name');
    expectDomainError('localhost', 'is not a DNS name');
    expectDomainError('oidc..example.com', 'is not a DNS name');
    expectDomainError('-oidc.example.com', 'is not a DNS name');
    expectDomainError('oidc.example.com.', 'is not a DNS name');
    expectDomainError(' oidc.example.com', 'is not a DNS name');
    expectDomainError('', 'is not a DNS name');
    expectDomainError(`${'a'.repeat(64)}.example.com`, 'is not a DNS name');
    const long = `${Array(64).fill('abc').join('.')}.com`;
    expectDomainError(long, `has ${long.length} characters`);
  });

  test('nothing is created when a check fails', () => {
    const stack = newStack();
    expect(() => bind(() => ({ domainName: DOMAIN }), stack)).toThrow();
    expect(stack.node.findChild('Cluster').node.children).toHaveLength(0);
  });
});
