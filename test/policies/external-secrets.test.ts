import { aws_kms as kms, aws_secretsmanager as secretsmanager, aws_ssm as ssm } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AddonIdentity, IdentityMechanism } from '../../src';
import { addonDecision, addonPolicyOf } from '../util/addon-sim';
import { expectError, synthErrors } from '../util/errors';
import { ACCOUNT, REGION, importCluster, logicalIdsOf, newStack, podIdentityTags } from '../util/fixtures';
import { conditionHolds } from '../util/iam-conditions';
import { eksIssuer, irsaDecision } from '../util/irsa-sim';
import { podIdentityDecision } from '../util/pod-identity-sim';

const secretArn = (name: string) => `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}`;
const parameterArn = (name: string) => `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/${name}`;
const keyArn = (id: string) => `arn:aws:kms:${REGION}:${ACCOUNT}:key/${id}`;
const SECRET = secretArn('prod/db-AbCdEf');
const PARAMETER = parameterArn('prod/app/db-url');
const KEY = keyArn('1234abcd-12ab-34cd-56ef-1234567890ab');
const OTHER_KEY = keyArn('99999999-9999-4999-8999-999999999999');

const READ_SECRETS = ['secretsmanager:DescribeSecret', 'secretsmanager:GetResourcePolicy', 'secretsmanager:GetSecretValue', 'secretsmanager:ListSecretVersionIds'];
const READ_PARAMETERS = ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'];
// The simulator's data names Secrets Manager's tag key `secretsmanager:ResourceTag/tag-key` literally, so it cannot take
// `secretsmanager:ResourceTag/managed-by` in a request. Requests about the tag are simulated with the global key
// `aws:ResourceTag/managed-by` (Secrets Manager sets both to the secret's tags) on a copy of the policy whose condition
// uses it; the condition as written is checked with the independent evaluator (test/util/iam-conditions).
const MANAGED = { 'aws:ResourceTag/managed-by': 'external-secrets' };
const withGlobalTagKey = (policy: object) => JSON.parse(JSON.stringify(policy).replace(/secretsmanager:ResourceTag\//g, 'aws:ResourceTag/'));

// A KMS request needs the key policy to allow it too (addonDecision simulates KMS ARNs with the default key policy).
const kmsDecision = (policy: object, action: string, key: string) => addonDecision(policy, { action, resource: key });

function externalSecrets(props: Partial<Parameters<typeof AddonIdentity.externalSecrets>[2]> = {}) {
  const stack = newStack();
  const cluster = importCluster(stack);
  const identity = AddonIdentity.externalSecrets(stack, 'Eso', { cluster, ...props });
  return { stack, identity, template: Template.fromStack(stack) };
}
const policyOf = (props: Partial<Parameters<typeof AddonIdentity.externalSecrets>[2]>) => addonPolicyOf(externalSecrets(props).template);

describe('AddonIdentity.externalSecrets', () => {
  test('the conventional service account (external-secrets/external-secrets), a role trusting it, an association', async () => {
    const { identity, template } = externalSecrets({ secretArns: [SECRET] });
    expect(identity.bindings.map(b => `${b.namespace}/${b.serviceAccount}`)).toEqual(['external-secrets/external-secrets']);
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Namespace: 'external-secrets', ServiceAccount: 'external-secrets' });
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    const [roleId] = logicalIdsOf(template, 'AWS::IAM::Role');
    expect(await podIdentityDecision(template, roleId, { tags: podIdentityTags('external-secrets', 'external-secrets') })).toBe('Allowed');
    expect(await podIdentityDecision(template, roleId, { tags: podIdentityTags('external-secrets', 'external-secrets-webhook') })).toBe('Denied');
  });

  test('with IRSA: the role trusts the service account through the cluster\'s OIDC provider; no association', async () => {
    const stack = newStack();
    const issuer = eksIssuer('5EC3E7');
    AddonIdentity.externalSecrets(stack, 'Eso', {
      cluster: importCluster(stack, 'demo', { oidcIssuerUrl: issuer }), secretArns: [SECRET], mechanism: IdentityMechanism.IRSA,
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 0);
    const [roleId] = logicalIdsOf(template, 'AWS::IAM::Role');
    expect(await irsaDecision(template, roleId, { issuer, namespace: 'external-secrets', serviceAccount: 'external-secrets' })).toBe('Allowed');
    expect(await irsaDecision(template, roleId, { issuer, namespace: 'default', serviceAccount: 'external-secrets' })).toBe('Denied');
  });

  describe('the policy, exactly (terraform-aws-eks-pod-identity external_secrets.tf, scoped to what is given)', () => {
    test('secrets only: read them; list and batch-get on *; no Parameter Store, no KMS', () => {
      expect(policyOf({ secretArns: [SECRET] }).Statement).toEqual([
        { Sid: 'ReadTheGivenSecrets', Effect: 'Allow', Action: READ_SECRETS, Resource: SECRET },
        {
          Sid: 'ListAndBatchCallsTakeNoResource',
          Effect: 'Allow',
          Action: ['secretsmanager:BatchGetSecretValue', 'secretsmanager:ListSecrets'],
          Resource: '*',
        },
      ]);
    });

    test('parameters only: read them and the paths given; describe on *; no Secrets Manager', () => {
      expect(policyOf({ parameterArns: [PARAMETER], parameterPaths: ['/shared/config/'] }).Statement).toEqual([
        {
          Sid: 'ReadTheGivenParameters',
          Effect: 'Allow',
          Action: READ_PARAMETERS,
          Resource: [PARAMETER, parameterArn('shared/config'), parameterArn('shared/config/*')],
        },
        { Sid: 'ListAndBatchCallsTakeNoResource', Effect: 'Allow', Action: 'ssm:DescribeParameters', Resource: '*' },
      ]);
    });

    test('everything: secrets by ARN and name prefix, parameters, keys, and the opt-in writes', () => {
      expect(policyOf({
        secretArns: [SECRET], secretNamePrefixes: ['prod/app/'], parameterArns: [PARAMETER], kmsKeyArns: [KEY], allowCreateSecrets: true,
      }).Statement).toEqual([
        { Sid: 'ReadTheGivenSecrets', Effect: 'Allow', Action: READ_SECRETS, Resource: [SECRET, secretArn('prod/app/*')] },
        { Sid: 'ReadTheGivenParameters', Effect: 'Allow', Action: READ_PARAMETERS, Resource: PARAMETER },
        { Sid: 'DecryptWithTheGivenKeys', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: KEY },
        {
          Sid: 'CreateAndWriteTheGivenSecrets',
          Effect: 'Allow',
          Action: ['secretsmanager:CreateSecret', 'secretsmanager:PutSecretValue', 'secretsmanager:TagResource'],
          Resource: [SECRET, secretArn('prod/app/*')],
        },
        {
          Sid: 'DeleteOnlySecretsItManages',
          Effect: 'Allow',
          Action: 'secretsmanager:DeleteSecret',
          Resource: [SECRET, secretArn('prod/app/*')],
          Condition: { StringEquals: { 'secretsmanager:ResourceTag/managed-by': 'external-secrets' } },
        },
        {
          Sid: 'ListAndBatchCallsTakeNoResource',
          Effect: 'Allow',
          Action: ['secretsmanager:BatchGetSecretValue', 'secretsmanager:ListSecrets', 'ssm:DescribeParameters'],
          Resource: '*',
        },
      ]);
    });

    test('keys without the writes: decrypt only', () => {
      const statements = policyOf({ secretArns: [SECRET], kmsKeyArns: [KEY] }).Statement;
      expect(statements.find(s => s.Sid === 'DecryptWithTheGivenKeys')).toEqual({ Sid: 'DecryptWithTheGivenKeys', Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY });
    });
  });

  test('the simulator, Secrets Manager: reads on the given secret and under the prefix; not on others; list and batch on *', async () => {
    const policy = policyOf({ secretArns: [SECRET], secretNamePrefixes: ['prod/app/'] });
    for (const action of READ_SECRETS) {
      expect(await addonDecision(policy, { action, resource: SECRET })).toBe('Allowed');
      expect(await addonDecision(policy, { action, resource: secretArn('prod/app/api-key-Xy12Zw') })).toBe('Allowed');
      expect(await addonDecision(policy, { action, resource: secretArn('prod/other-Xy12Zw') })).toBe('Denied');
      expect(await addonDecision(policy, { action, resource: secretArn('prod/db-ZzZzZz') })).toBe('Denied');
    }
    expect(await addonDecision(policy, { action: 'secretsmanager:ListSecrets', resource: '*' })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'secretsmanager:BatchGetSecretValue', resource: '*' })).toBe('Allowed');
    // Without allowCreateSecrets, no writes; no Parameter Store and no KMS.
    expect(await addonDecision(policy, { action: 'secretsmanager:PutSecretValue', resource: SECRET })).toBe('Denied');
    expect(await addonDecision(policy, { action: 'secretsmanager:CreateSecret', resource: secretArn('prod/app/new-Xy12Zw') })).toBe('Denied');
    expect(await addonDecision(withGlobalTagKey(policy), { action: 'secretsmanager:DeleteSecret', resource: SECRET, context: MANAGED })).toBe('Denied');
    expect(await addonDecision(policy, { action: 'ssm:GetParameter', resource: PARAMETER })).toBe('Denied');
    expect(await addonDecision(policy, { action: 'ssm:DescribeParameters', resource: '*' })).toBe('Denied');
    expect(await kmsDecision(policy, 'kms:Decrypt', KEY)).toBe('Denied');
  });

  test('the simulator, Parameter Store: reads on the given parameter and below the path, by-path on the path; not next to it', async () => {
    const policy = policyOf({ parameterArns: [PARAMETER], parameterPaths: ['/shared/config'] });
    for (const action of READ_PARAMETERS) {
      expect(await addonDecision(policy, { action, resource: PARAMETER })).toBe('Allowed');
      expect(await addonDecision(policy, { action, resource: parameterArn('shared/config/feature-flags') })).toBe('Allowed');
      expect(await addonDecision(policy, { action, resource: parameterArn('shared/config/deep/er/value') })).toBe('Allowed');
      expect(await addonDecision(policy, { action, resource: parameterArn('shared/configuration') })).toBe('Denied');
      expect(await addonDecision(policy, { action, resource: parameterArn('prod/app/other') })).toBe('Denied');
    }
    // GetParametersByPath is authorized against the path it is called with.
    expect(await addonDecision(policy, { action: 'ssm:GetParametersByPath', resource: parameterArn('shared/config') })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'ssm:GetParametersByPath', resource: parameterArn('shared') })).toBe('Denied');
    expect(await addonDecision(policy, { action: 'ssm:DescribeParameters', resource: '*' })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'ssm:PutParameter', resource: PARAMETER })).toBe('Denied');
    expect(await addonDecision(policy, { action: 'secretsmanager:ListSecrets', resource: '*' })).toBe('Denied');
  });

  test('the simulator, KMS: decrypt with the given key only; without keys, with none', async () => {
    const policy = policyOf({ secretArns: [SECRET], kmsKeyArns: [KEY] });
    expect(await kmsDecision(policy, 'kms:Decrypt', KEY)).toBe('Allowed');
    expect(await kmsDecision(policy, 'kms:Decrypt', OTHER_KEY)).toBe('Denied');
    expect(await kmsDecision(policy, 'kms:GenerateDataKey', KEY)).toBe('Denied');
    expect(await kmsDecision(policy, 'kms:Encrypt', KEY)).toBe('Denied');
    const keyless = policyOf({ secretArns: [SECRET] });
    expect(await kmsDecision(keyless, 'kms:Decrypt', KEY)).toBe('Denied');
  });

  test('the simulator, allowCreateSecrets: create, put and tag under the given secrets; delete only those tagged managed-by=external-secrets', async () => {
    const policy = policyOf({ secretNamePrefixes: ['pushed/'], kmsKeyArns: [KEY], allowCreateSecrets: true });
    const tagged = withGlobalTagKey(policy);
    const pushed = secretArn('pushed/token-Ab12Cd');
    for (const action of ['secretsmanager:CreateSecret', 'secretsmanager:PutSecretValue', 'secretsmanager:TagResource']) {
      expect(await addonDecision(policy, { action, resource: pushed })).toBe('Allowed');
      expect(await addonDecision(policy, { action, resource: secretArn('prod/db-AbCdEf') })).toBe('Denied');
    }
    expect(await addonDecision(tagged, { action: 'secretsmanager:DeleteSecret', resource: pushed, context: MANAGED })).toBe('Allowed');
    expect(await addonDecision(tagged, { action: 'secretsmanager:DeleteSecret', resource: pushed })).toBe('Denied');
    expect(await addonDecision(tagged, {
      action: 'secretsmanager:DeleteSecret', resource: pushed, context: { 'aws:ResourceTag/managed-by': 'someone-else' },
    })).toBe('Denied');
    expect(await addonDecision(tagged, { action: 'secretsmanager:DeleteSecret', resource: secretArn('prod/db-AbCdEf'), context: MANAGED })).toBe('Denied');
    // The condition as written, on Secrets Manager's own key.
    const [operator, keys] = Object.entries(policy.Statement.find(s => s.Sid === 'DeleteOnlySecretsItManages').Condition)[0] as [string, Record<string, string>];
    const [[key, value]] = Object.entries(keys);
    const holds = (context: Record<string, string>) => conditionHolds({ operator, key, values: [value] }, context);
    expect(key).toBe('secretsmanager:ResourceTag/managed-by');
    expect(holds({ 'secretsmanager:ResourceTag/managed-by': 'external-secrets' })).toBe(true);
    expect(holds({ 'secretsmanager:ResourceTag/managed-by': 'someone-else' })).toBe(false);
    expect(holds({})).toBe(false);
    expect(await kmsDecision(policy, 'kms:GenerateDataKey', KEY)).toBe('Allowed');
    expect(await kmsDecision(policy, 'kms:GenerateDataKey', OTHER_KEY)).toBe('Denied');
    expect(await addonDecision(policy, { action: 'secretsmanager:PutResourcePolicy', resource: pushed })).toBe('Denied');
  });

  test('typed secrets, parameters and keys give the same statements as their ARNs', () => {
    const stack = newStack();
    const secret = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Secret', SECRET);
    const parameter = ssm.StringParameter.fromStringParameterName(stack, 'Parameter', '/prod/app/db-url');
    const key = kms.Key.fromKeyArn(stack, 'Key', KEY);
    AddonIdentity.externalSecrets(stack, 'Eso', { cluster: importCluster(stack), secrets: [secret], parameters: [parameter], kmsKeys: [key] });
    expect(addonPolicyOf(Template.fromStack(stack))).toEqual(policyOf({ secretArns: [SECRET], parameterArns: [PARAMETER], kmsKeyArns: [KEY] }));
  });

  test('a secret known by name matches its complete ARN with -??????; a secret\'s own key is added; no repeats', () => {
    const stack = newStack();
    const key = kms.Key.fromKeyArn(stack, 'Key', KEY);
    const byName = secretsmanager.Secret.fromSecretNameV2(stack, 'ByName', 'prod/api-token');
    const withKey = secretsmanager.Secret.fromSecretAttributes(stack, 'WithKey', { secretCompleteArn: SECRET, encryptionKey: key });
    AddonIdentity.externalSecrets(stack, 'Eso', {
      cluster: importCluster(stack), secrets: [byName, withKey], secretArns: [SECRET], kmsKeyArns: [KEY],
    });
    const statements = addonPolicyOf(Template.fromStack(stack)).Statement;
    expect(statements[0].Resource).toEqual([secretArn('prod/api-token-??????'), SECRET]);
    expect(statements[1]).toEqual({ Sid: 'DecryptWithTheGivenKeys', Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY });
  });

  describe('bad inputs', () => {
    const prefix = 'AddonIdentity.externalSecrets Test/Eso: ';

    test('nothing to read is an error: the library never writes a policy on every secret or parameter', () => {
      const message = `${prefix}no secrets or parameters are given, expected at least one of secrets, secretArns, secretNamePrefixes, parameters, ` +
        'parameterArns, parameterPaths; a policy on every secret or parameter of the account is what this library does not write';
      expectError(() => externalSecrets(), message);
      expectError(() => externalSecrets({ secretArns: [], parameterPaths: [], kmsKeyArns: [KEY] }), message);
    });

    test('allowCreateSecrets needs Secrets Manager secrets, and a boolean', () => {
      expectError(() => externalSecrets({ parameterArns: [PARAMETER], allowCreateSecrets: true }),
        `${prefix}allowCreateSecrets is true but no Secrets Manager secrets are given, expected secrets, secretArns or secretNamePrefixes ` +
        'to create and write; or leave allowCreateSecrets out');
      expectError(() => externalSecrets({ secretArns: [SECRET], allowCreateSecrets: 'false' as any }),
        `${prefix}allowCreateSecrets is "false" (string), expected true or false`);
    });

    test('malformed secret ARNs and name prefixes', () => {
      for (const bad of [secretArn('prod/db'), secretArn('*'), secretArn('prod/db-AbCdE'), `arn:aws:secretsmanager:${REGION}:*:secret:prod/db-AbCdEf`, 'prod/db-AbCdEf']) {
        expectError(() => externalSecrets({ secretArns: [bad] }),
          `${prefix}secretArns has ${JSON.stringify(bad)}, expected arn:<partition>:secretsmanager:<region>:<account>:secret:<name>-<the six ` +
          'characters Secrets Manager appends>, or ending in -?????? or *; a partial ARN (the name alone) matches no secret; give ' +
          'secretNamePrefixes for names in the stack\'s account and region');
      }
      for (const bad of ['', '*', 'prod/*', 'prod app']) {
        expectError(() => externalSecrets({ secretNamePrefixes: [bad] }),
          `${prefix}secretNamePrefixes has ${JSON.stringify(bad)}, expected a non-empty prefix of secret names: letters, digits and /_+=.@-`);
      }
      expectError(() => externalSecrets({ secretArns: SECRET as any }), `${prefix}secretArns is ${JSON.stringify(SECRET)}, expected a list`);
    });

    test('malformed parameter ARNs and paths', () => {
      for (const bad of [parameterArn('/prod/app/db-url'), parameterArn('*'), `arn:aws:ssm:${REGION}:${ACCOUNT}:document/prod`, '/prod/app/db-url']) {
        expectError(() => externalSecrets({ parameterArns: [bad] }),
          `${prefix}parameterArns has ${JSON.stringify(bad)}, expected arn:<partition>:ssm:<region>:<account>:parameter/<name without its ` +
          'leading />, optionally ending in *');
      }
      for (const bad of ['/', '', 'prod/app', '/prod/*', '//prod']) {
        expectError(() => externalSecrets({ parameterPaths: [bad] }),
          `${prefix}parameterPaths has ${JSON.stringify(bad)}, expected a parameter hierarchy such as /prod/app: '/' and at least one level ` +
          'of letters, digits and _.-; the root \'/\' would be every parameter of the account');
      }
    });

    test('malformed KMS key ARNs: aliases and wildcards', () => {
      const expected = 'expected arn:<partition>:kms:<region>:<account>:key/<key id>';
      expectError(() => externalSecrets({ secretArns: [SECRET], kmsKeyArns: [`arn:aws:kms:${REGION}:${ACCOUNT}:alias/aws/secretsmanager`] }),
        `${prefix}kmsKeyArns has "arn:aws:kms:${REGION}:${ACCOUNT}:alias/aws/secretsmanager", ${expected}; IAM matches KMS permissions ` +
        'against keys, not aliases: give the key\'s ARN');
      for (const bad of ['arn:aws:kms:*:*:key/*', keyArn('*'), '1234abcd-12ab-34cd-56ef-1234567890ab']) {
        expectError(() => externalSecrets({ secretArns: [SECRET], kmsKeyArns: [bad] }), `${prefix}kmsKeyArns has ${JSON.stringify(bad)}, ${expected}`);
      }
      // Multi-Region keys are keys.
      externalSecrets({ secretArns: [SECRET], kmsKeyArns: [keyArn('mrk-1234abcd12ab34cd56ef1234567890ab')] });
    });
  });

  test('size: one of each kind is small; 5 of each fit IAM\'s 6,144 characters; 100 secrets fail at synthesis naming what to split', () => {
    const n = (count: number, f: (i: number) => string) => Array.from({ length: count }, (_, i) => f(i));
    const props = (count: number) => ({
      secretArns: n(count, i => secretArn(`prod/service-${i}-AbCdEf`)),
      secretNamePrefixes: n(count, i => `team-${i}/`),
      parameterArns: n(count, i => parameterArn(`prod/service-${i}/url`)),
      parameterPaths: n(count, i => `/team-${i}`),
      kmsKeyArns: n(count, i => keyArn(`1234abcd-12ab-34cd-56ef-${String(i).padStart(12, '0')}`)),
      allowCreateSecrets: true,
    });
    expect(JSON.stringify(policyOf(props(1))).length).toBeLessThan(2000);
    expect(JSON.stringify(policyOf(props(5))).length).toBeLessThanOrEqual(6144);
    const stack = newStack();
    AddonIdentity.externalSecrets(stack, 'Eso', { cluster: importCluster(stack), secretArns: n(100, i => secretArn(`prod/service-${i}-AbCdEf`)) });
    expect(synthErrors(stack)).toEqual([expect.stringMatching(new RegExp('^\\[Test/Eso\\] AddonIdentity.externalSecrets Test/Eso: the policy of ' +
      'external-secrets is \\d+ characters \\(whitespace removed\\), expected at most 6144 \\(IAM\'s limit for a managed policy\\); give one ' +
      'identity fewer secrets, parameters or keys, and the others to a second identity with its own service account$'))]);
  });

  test('installAddon is an error', () => {
    expectError(() => externalSecrets({ secretArns: [SECRET], installAddon: {} } as any),
      'AddonIdentity.externalSecrets Test/Eso: installAddon is set, expected an add-on EKS manages; external-secrets is not one; ' +
      'install it with its own chart or manifests');
  });
});
