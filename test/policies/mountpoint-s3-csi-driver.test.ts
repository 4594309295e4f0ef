import { aws_s3 as s3 } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AddonIdentity, IdentityMechanism } from '../../src';
import { addonDecision, addonPolicyOf } from '../util/addon-sim';
import { expectError } from '../util/errors';
import { ACCOUNT, REGION, importCluster, newStack } from '../util/fixtures';

const BUCKET = 'arn:aws:s3:::models-111122223333';
const OTHER_BUCKET = 'arn:aws:s3:::other-111122223333';
const KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/0b6c7c3e-1b7e-4a53-9c6d-8f0e1d2c3b4a`;
const OTHER_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/99999999-1b7e-4a53-9c6d-8f0e1d2c3b4a`;

function mountpoint(props: Partial<Parameters<typeof AddonIdentity.mountpointS3CsiDriver>[2]> = { bucketPathArns: [`${BUCKET}/llm/*`] }) {
  const stack = newStack();
  const identity = AddonIdentity.mountpointS3CsiDriver(stack, 'S3', { cluster: importCluster(stack), ...props });
  return { stack, identity, template: Template.fromStack(stack) };
}

describe('AddonIdentity.mountpointS3CsiDriver', () => {
  test('kube-system/s3-csi-driver-sa and its association', () => {
    const { identity, template } = mountpoint();
    expect(identity.bindings.map(b => `${b.namespace}/${b.serviceAccount}`)).toEqual(['kube-system/s3-csi-driver-sa']);
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Namespace: 'kube-system', ServiceAccount: 's3-csi-driver-sa' });
  });

  test('the policy, exactly: list under the prefix, read and write the objects below it, nothing on *', () => {
    expect(addonPolicyOf(mountpoint().template).Statement).toEqual([
      { Sid: 'ListTheGivenPrefixesOfBucket1', Effect: 'Allow', Action: 's3:ListBucket', Resource: BUCKET, Condition: { StringLike: { 's3:prefix': 'llm/*' } } },
      {
        Sid: 'ReadAndWriteTheGivenObjects',
        Effect: 'Allow',
        Resource: `${BUCKET}/llm/*`,
        Action: ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:PutObject'],
      },
    ]);
  });

  test('a whole bucket: ListBucket without a condition; readOnly: GetObject only; keys: Decrypt (and GenerateDataKey when writing)', () => {
    const statements = addonPolicyOf(mountpoint({ bucketPathArns: [`${BUCKET}/*`], readOnly: true, kmsKeyArns: [KEY] }).template).Statement;
    expect(statements).toEqual([
      { Sid: 'ListTheGivenBuckets', Effect: 'Allow', Action: 's3:ListBucket', Resource: BUCKET },
      { Sid: 'ReadTheGivenObjects', Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/*` },
      { Sid: 'UseTheGivenKeysForObjects', Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY },
    ]);
    const writing = addonPolicyOf(mountpoint({ bucketPathArns: [`${BUCKET}/*`], kmsKeyArns: [KEY] }).template).Statement;
    expect(writing[2].Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
  });

  test('the simulator: objects under the prefix, not beside it or in another bucket; listing only under the prefix', async () => {
    const policy = addonPolicyOf(mountpoint({ bucketPathArns: [`${BUCKET}/llm/*`], kmsKeyArns: [KEY] }).template);
    for (const action of ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload']) {
      expect(await addonDecision(policy, { action, resource: `${BUCKET}/llm/weights.bin` })).toBe('Allowed');
      expect(await addonDecision(policy, { action, resource: `${BUCKET}/secrets/weights.bin` })).toBe('Denied');
      expect(await addonDecision(policy, { action, resource: `${OTHER_BUCKET}/llm/weights.bin` })).toBe('Denied');
    }
    expect(await addonDecision(policy, { action: 's3:ListBucket', resource: BUCKET, context: { 's3:prefix': 'llm/' } })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 's3:ListBucket', resource: BUCKET, context: { 's3:prefix': 'secrets/' } })).toBe('Denied');
    expect(await addonDecision(policy, { action: 's3:ListBucket', resource: OTHER_BUCKET, context: { 's3:prefix': 'llm/' } })).toBe('Denied');
    expect(await addonDecision(policy, { action: 'kms:GenerateDataKey', resource: KEY })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'kms:GenerateDataKey', resource: OTHER_KEY })).toBe('Denied');
  });

  test('typed buckets with a prefix give the same statements as path ARNs; a prefix without "/" is a directory', () => {
    const stack = newStack();
    const bucket = s3.Bucket.fromBucketArn(stack, 'Bucket', BUCKET);
    AddonIdentity.mountpointS3CsiDriver(stack, 'S3', { cluster: importCluster(stack), bucketPaths: [{ bucket, prefix: 'llm' }] });
    expect(addonPolicyOf(Template.fromStack(stack))).toEqual(addonPolicyOf(mountpoint().template));
  });

  test('bad inputs', () => {
    expectError(() => mountpoint({}),
      'AddonIdentity.mountpointS3CsiDriver Test/S3: neither bucketPaths nor bucketPathArns is given, expected the buckets and key prefixes the ' +
      'driver mounts; a policy on every bucket of the account (arn:<partition>:s3:::*) is what this library does not write');
    expectError(() => mountpoint({ bucketPathArns: [BUCKET] }),
      'AddonIdentity.mountpointS3CsiDriver Test/S3: bucketPathArns has "arn:aws:s3:::models-111122223333", expected ' +
      'arn:<partition>:s3:::<bucket>/<key prefix>*, such as arn:aws:s3:::my-bucket/* or arn:aws:s3:::my-bucket/backups/*; a bucket\'s own ARN names no objects');
    const stack = newStack();
    const bucket = s3.Bucket.fromBucketArn(stack, 'Bucket', BUCKET);
    expectError(() => AddonIdentity.mountpointS3CsiDriver(stack, 'S3', { cluster: importCluster(stack), bucketPaths: [{ bucket, prefix: 'llm/*' }] }),
      'AddonIdentity.mountpointS3CsiDriver Test/S3: bucketPaths[0].prefix is "llm/*", expected a key prefix such as backups/, without the IAM wildcards * and ?');
  });

  test('installAddon: the EKS add-on names the role; IRSA: its ServiceAccountRoleArn', () => {
    const { template } = mountpoint({ bucketPathArns: [`${BUCKET}/*`], installAddon: {} });
    template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 0);
    template.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'aws-mountpoint-s3-csi-driver', PodIdentityAssociations: [{ ServiceAccount: 's3-csi-driver-sa' }] });
    const stack = newStack();
    const cluster = importCluster(stack, 'demo', { oidcIssuerUrl: 'https://oidc.eks.eu-west-1.amazonaws.com/id/ABC' });
    AddonIdentity.mountpointS3CsiDriver(stack, 'S3', { cluster, bucketPathArns: [`${BUCKET}/*`], mechanism: IdentityMechanism.IRSA, installAddon: {} });
    const [roleId] = Object.keys(Template.fromStack(stack).findResources('AWS::IAM::Role'));
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::Addon', { ServiceAccountRoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] } });
  });

  test('twenty prefixes fit in one managed policy', () => {
    const arns = Array.from({ length: 20 }, (_, i) => `${BUCKET}/team-${i}/*`);
    expect(JSON.stringify(addonPolicyOf(mountpoint({ bucketPathArns: arns }).template)).length).toBeLessThanOrEqual(6144);
  });
});
