import { ArnFormat, Stack, Token, aws_iam as iam } from 'aws-cdk-lib';
import type { aws_kms as kms, aws_secretsmanager as secretsmanager, aws_ssm as ssm } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AddonIdentityOptions } from './addon-identity-options';
import type { AddonPolicy } from './addon-policy';
import { fail, show, type Subject } from '../private/errors';
import { assertOptionalBoolean } from '../private/names';

/**
 * Properties of `AddonIdentity.externalSecrets()`: External Secrets Operator reading Secrets Manager secrets and SSM
 * parameters. Conventional service account: `external-secrets/external-secrets` (the external-secrets Helm chart
 * installed as its getting-started guide does, release `external-secrets` in namespace `external-secrets`; the chart
 * names the controller's service account after the release).
 *
 * Give at least one Secrets Manager input (`secrets`, `secretArns`, `secretNamePrefixes`) or one Parameter Store input
 * (`parameters`, `parameterArns`, `parameterPaths`); the policy has statements only for the services given.
 */
export interface ExternalSecretsIdentityProps extends AddonIdentityOptions {
  /**
   * Secrets Manager secrets the operator may read. Their encryption keys, when they have one, are added to `kmsKeys`.
   *
   * @default - none
   */
  readonly secrets?: secretsmanager.ISecret[];

  /**
   * ARNs of Secrets Manager secrets the operator may read: complete ARNs (the name, '-' and the six characters
   * Secrets Manager appends), or ending in `-??????` or `*`
   * (`arn:<partition>:secretsmanager:<region>:<account>:secret:<name>-AbCdEf`).
   *
   * @default - none
   */
  readonly secretArns?: string[];

  /**
   * Prefixes of the names of Secrets Manager secrets, in the stack's account and region, the operator may read:
   * `prod/app/` gives `arn:<partition>:secretsmanager:<region>:<account>:secret:prod/app/*`.
   *
   * @default - none
   */
  readonly secretNamePrefixes?: string[];

  /**
   * Parameter Store parameters the operator may read.
   *
   * @default - none
   */
  readonly parameters?: ssm.IParameter[];

  /**
   * ARNs of Parameter Store parameters the operator may read (`arn:<partition>:ssm:<region>:<account>:parameter/<name>`,
   * where `<name>` has no leading '/'), optionally ending in `*`.
   *
   * @default - none
   */
  readonly parameterArns?: string[];

  /**
   * Parameter hierarchies, in the stack's account and region, the operator may read: `/prod/app` gives the parameters
   * below it, at any depth (`parameter/prod/app/*`), and `GetParametersByPath` on the path itself
   * (`parameter/prod/app`), which returns them.
   *
   * @default - none
   */
  readonly parameterPaths?: string[];

  /**
   * Customer managed KMS keys that encrypt the secrets or SecureString parameters, which the operator may decrypt
   * with. Not needed for the AWS managed keys `aws/secretsmanager` and `aws/ssm`, whose key policies allow their use
   * through those services to principals of the account.
   *
   * @default - no KMS permission (besides the keys of `secrets`)
   */
  readonly kmsKeys?: kms.IKey[];

  /**
   * ARNs of customer managed KMS keys that encrypt the secrets or SecureString parameters
   * (`arn:<partition>:kms:<region>:<account>:key/<key id>`; not aliases, which IAM does not match keys by).
   *
   * @default - no KMS permission (besides the keys of `secrets`)
   */
  readonly kmsKeyArns?: string[];

  /**
   * Let the operator write to the given secrets (PushSecret): create them, put values and tag them, and delete those
   * tagged `managed-by` = `external-secrets` (the tag the operator sets on secrets it creates). Needs a Secrets
   * Manager input.
   *
   * @default false
   */
  readonly allowCreateSecrets?: boolean;
}

// ARN formats (Service Authorization Reference: AWS Secrets Manager `secret`, AWS Systems Manager `parameter`, AWS KMS
// `key`). Secret names: letters, digits and /_+=.@- (Secrets Manager CreateSecret Name); parameter names: letters,
// digits and _.-/ (SSM PutParameter Name); key ids: a UUID, or mrk- and 32 hex digits for multi-Region keys.
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]+$/;
const SECRET_ARN = /^arn:aws[a-z0-9-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+(-[A-Za-z0-9]{6}|-\?{6}|\*)$/;
const PARAMETER_PATH = /^(\/[A-Za-z0-9_.-]+)+\/?$/;
const PARAMETER_ARN = /^arn:aws[a-z0-9-]*:ssm:[a-z0-9-]+:\d{12}:parameter\/[A-Za-z0-9_.-][A-Za-z0-9_./-]*\*?$/;
const KMS_KEY_ARN = /^arn:aws[a-z0-9-]*:kms:[a-z0-9-]+:\d{12}:key\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;

/**
 * The key ARNs of `keys` and `arns`, without repeats; literal ARNs must be key ARNs (not aliases, not wildcards). Empty
 * when neither is given: a KMS statement on every key (`kms:*:*:key/*`) is what this library does not write.
 */
export function kmsKeyArnsOf(subject: Subject, keys: readonly kms.IKey[] | undefined, arns: readonly string[] | undefined,
  what = 'kmsKeyArns'): string[] {
  assertList(subject, what, arns);
  for (const arn of arns ?? []) {
    if (typeof arn !== 'string' || (!Token.isUnresolved(arn) && !KMS_KEY_ARN.test(arn))) {
      fail(subject, `${what} has ${show(arn)}`, 'arn:<partition>:kms:<region>:<account>:key/<key id>',
        typeof arn === 'string' && /:alias\//.test(arn) ? 'IAM matches KMS permissions against keys, not aliases: give the key\'s ARN' : undefined);
    }
  }
  return [...new Set([...(keys ?? []).map(k => k.keyArn), ...(arns ?? [])])];
}

/**
 * External Secrets Operator's policy. Actions from terraform-aws-eks-pod-identity v2.8.1 external_secrets.tf (commit
 * 2cbd87e243fcbf74385331dcf983e273eeb7aa36) and the operator's AWS provider documentation (external-secrets/external-secrets
 * docs/provider/aws-secrets-manager.md and aws-parameter-store.md, "IAM Policy", at
 * cc5bfbc2234ace9cb0caff4ea89c435cf517b27b):
 *
 * - Secrets Manager (when a secret input is given): `DescribeSecret`, `GetResourcePolicy`, `GetSecretValue`,
 *   `ListSecretVersionIds` on the given secrets; `ListSecrets` and `BatchGetSecretValue` on `*`, which take no
 *   resource (BatchGetSecretValue also needs `GetSecretValue` on each secret it returns, so it reads only the given ones).
 * - Parameter Store (when a parameter input is given): `GetParameter`, `GetParameters`, `GetParametersByPath` on the
 *   given parameters and paths; `DescribeParameters` on `*`, which takes no resource.
 * - `kms:Decrypt` on the given keys only. terraform-aws-eks-pod-identity defaults to every key
 *   (`arn:<partition>:kms:*:*:key/*`); terraform-aws-iam v6.5.0 (commit 981121bcd17618b8ed032223c0d9e647b9277ef9,
 *   modules/iam-role-for-service-accounts/policies.tf) writes no KMS statement without keys, as here.
 * - With `allowCreateSecrets`, as both modules' `external_secrets_create_permission`: `CreateSecret`, `PutSecretValue`,
 *   `TagResource` on the given secrets, and `DeleteSecret` only on those tagged `managed-by` = `external-secrets`
 *   (`secretsmanager:ResourceTag/managed-by`), as the operator's documentation writes it. The documentation's
 *   resource-policy and replication actions serve only the `resourcePolicy` and `replicationLocations` metadata
 *   options and are left out. Writing a secret value under a customer managed key takes `kms:GenerateDataKey` on it
 *   (AWS Secrets Manager User Guide, "Secret encryption and decryption"), which the modules lack: it is added to the
 *   KMS statement when keys are given.
 */
export function externalSecretsPolicy(subject: Subject, scope: Construct, props: ExternalSecretsIdentityProps): AddonPolicy {
  const stack = Stack.of(scope);
  assertOptionalBoolean(subject, 'allowCreateSecrets', props.allowCreateSecrets);
  const secrets = secretArnsOf(subject, stack, props);
  const parameters = parameterArnsOf(subject, stack, props);
  if (secrets.length === 0 && parameters.length === 0) {
    fail(subject, 'no secrets or parameters are given', 'at least one of secrets, secretArns, secretNamePrefixes, parameters, parameterArns, parameterPaths',
      'a policy on every secret or parameter of the account is what this library does not write');
  }
  const create = props.allowCreateSecrets === true;
  if (create && secrets.length === 0) {
    fail(subject, 'allowCreateSecrets is true but no Secrets Manager secrets are given', 'secrets, secretArns or secretNamePrefixes to create and write',
      'or leave allowCreateSecrets out');
  }
  assertList(subject, 'kmsKeys', props.kmsKeys);
  const keys = kmsKeyArnsOf(subject, [...(props.secrets ?? []).flatMap(s => (s.encryptionKey ? [s.encryptionKey] : [])), ...(props.kmsKeys ?? [])],
    props.kmsKeyArns);

  const statements: iam.PolicyStatement[] = [];
  if (secrets.length > 0) {
    statements.push(new iam.PolicyStatement({
      sid: 'ReadTheGivenSecrets',
      actions: ['secretsmanager:DescribeSecret', 'secretsmanager:GetResourcePolicy', 'secretsmanager:GetSecretValue', 'secretsmanager:ListSecretVersionIds'],
      resources: secrets,
    }));
  }
  if (parameters.length > 0) {
    statements.push(new iam.PolicyStatement({
      sid: 'ReadTheGivenParameters',
      actions: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'],
      resources: parameters,
    }));
  }
  if (keys.length > 0) {
    statements.push(new iam.PolicyStatement({
      sid: 'DecryptWithTheGivenKeys',
      actions: create ? ['kms:Decrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt'],
      resources: keys,
    }));
  }
  if (create) {
    statements.push(new iam.PolicyStatement({
      sid: 'CreateAndWriteTheGivenSecrets',
      actions: ['secretsmanager:CreateSecret', 'secretsmanager:PutSecretValue', 'secretsmanager:TagResource'],
      resources: secrets,
    }));
    statements.push(new iam.PolicyStatement({
      sid: 'DeleteOnlySecretsItManages',
      actions: ['secretsmanager:DeleteSecret'],
      resources: secrets,
      conditions: { StringEquals: { 'secretsmanager:ResourceTag/managed-by': 'external-secrets' } },
    }));
  }
  statements.push(new iam.PolicyStatement({
    sid: 'ListAndBatchCallsTakeNoResource',
    actions: [
      ...(secrets.length > 0 ? ['secretsmanager:BatchGetSecretValue', 'secretsmanager:ListSecrets'] : []),
      ...(parameters.length > 0 ? ['ssm:DescribeParameters'] : []),
    ],
    resources: ['*'],
  }));

  return {
    addon: 'external-secrets',
    namespace: 'external-secrets',
    serviceAccount: 'external-secrets',
    splitHint: 'secrets, parameters or keys',
    source: 'terraform-aws-eks-pod-identity external_secrets.tf; external-secrets docs/provider/aws-secrets-manager.md, aws-parameter-store.md',
    statements,
  };
}

function secretArnsOf(subject: Subject, stack: Stack, props: ExternalSecretsIdentityProps): string[] {
  assertList(subject, 'secrets', props.secrets);
  assertList(subject, 'secretArns', props.secretArns);
  assertList(subject, 'secretNamePrefixes', props.secretNamePrefixes);
  for (const arn of props.secretArns ?? []) {
    if (typeof arn !== 'string' || (!Token.isUnresolved(arn) && !SECRET_ARN.test(arn))) {
      fail(subject, `secretArns has ${show(arn)}`,
        'arn:<partition>:secretsmanager:<region>:<account>:secret:<name>-<the six characters Secrets Manager appends>, or ending in -?????? or *',
        'a partial ARN (the name alone) matches no secret; give secretNamePrefixes for names in the stack\'s account and region');
    }
  }
  const prefixes = (props.secretNamePrefixes ?? []).map(prefix => {
    if (typeof prefix !== 'string' || (!Token.isUnresolved(prefix) && !SECRET_NAME.test(prefix))) {
      fail(subject, `secretNamePrefixes has ${show(prefix)}`, 'a non-empty prefix of secret names: letters, digits and /_+=.@-');
    }
    return stack.formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: `${prefix}*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  });
  // A secret's complete ARN ends in '-' and six characters; an imported secret known only by name or partial ARN is
  // matched the way aws-cdk-lib's grants match it, with '-??????'.
  const typed = (props.secrets ?? []).map(s => s.secretFullArn ?? `${s.secretArn}-??????`);
  return [...new Set([...typed, ...(props.secretArns ?? []), ...prefixes])];
}

function parameterArnsOf(subject: Subject, stack: Stack, props: ExternalSecretsIdentityProps): string[] {
  assertList(subject, 'parameters', props.parameters);
  assertList(subject, 'parameterArns', props.parameterArns);
  assertList(subject, 'parameterPaths', props.parameterPaths);
  for (const arn of props.parameterArns ?? []) {
    if (typeof arn !== 'string' || (!Token.isUnresolved(arn) && !PARAMETER_ARN.test(arn))) {
      fail(subject, `parameterArns has ${show(arn)}`, 'arn:<partition>:ssm:<region>:<account>:parameter/<name without its leading />, optionally ending in *');
    }
  }
  const paths = (props.parameterPaths ?? []).flatMap(path => {
    if (typeof path === 'string' && Token.isUnresolved(path)) {
      fail(subject, 'parameterPaths has a token', 'a literal parameter hierarchy such as /prod/app', 'give parameterArns for values known only at deployment');
    }
    if (typeof path !== 'string' || !PARAMETER_PATH.test(path)) {
      fail(subject, `parameterPaths has ${show(path)}`, 'a parameter hierarchy such as /prod/app: \'/\' and at least one level of letters, digits and _.-',
        'the root \'/\' would be every parameter of the account');
    }
    const name = path.replace(/^\//, '').replace(/\/$/, '');
    return [
      stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: name }),
      stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: `${name}/*` }),
    ];
  });
  return [...new Set([...(props.parameters ?? []).map(p => p.parameterArn), ...(props.parameterArns ?? []), ...paths])];
}

function assertList(subject: Subject, what: string, value: unknown): void {
  if (value !== undefined && !Array.isArray(value)) fail(subject, `${what} is ${show(value)}`, 'a list');
}
