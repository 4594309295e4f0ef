import { Token } from 'aws-cdk-lib';
import type { Duration } from 'cdk8s';
import { fail, show, type Subject } from '../private/errors';
import { assertOptionalBoolean } from '../private/names';
import { DEFAULT_AUDIENCE } from '../trust/irsa-statements';

// ServiceAccount annotations honoured by the pod identity webhook (amazon-eks-pod-identity-webhook,
// default --annotation-prefix eks.amazonaws.com). See FACTS.md.
export const ROLE_ARN_ANNOTATION = 'eks.amazonaws.com/role-arn';
export const AUDIENCE_ANNOTATION = 'eks.amazonaws.com/audience';
export const STS_REGIONAL_ENDPOINTS_ANNOTATION = 'eks.amazonaws.com/sts-regional-endpoints';
export const TOKEN_EXPIRATION_ANNOTATION = 'eks.amazonaws.com/token-expiration';

/** The webhook's annotation prefix (its --annotation-prefix default). */
export const WEBHOOK_ANNOTATION_PREFIX = 'eks.amazonaws.com/';

/** The ServiceAccount annotations the webhook reads, and the prop of `ServiceAccount` that sets each one. */
export const TYPED_ANNOTATIONS: Record<string, string> = {
  [ROLE_ARN_ANNOTATION]: 'roleArn',
  [AUDIENCE_ANNOTATION]: 'audience',
  [STS_REGIONAL_ENDPOINTS_ANNOTATION]: 'stsRegionalEndpoints',
  [TOKEN_EXPIRATION_ANNOTATION]: 'tokenExpiration',
};

// Annotations the webhook reads on pods, not on ServiceAccounts (FACTS.md, "ServiceAccount and pod annotations").
const POD_ANNOTATIONS = ['eks.amazonaws.com/skip-containers'];

/**
 * Throws for an annotation key of the webhook's prefix set directly: the four the webhook reads on a ServiceAccount
 * have typed props that check their values; any other key with the prefix is not read on a ServiceAccount (a typo, or a
 * pod annotation).
 */
export function assertNotWebhookAnnotation(subject: Subject, key: string, value: string): void {
  if (Token.isUnresolved(key) || !key.startsWith(WEBHOOK_ANNOTATION_PREFIX)) return;
  const prop = TYPED_ANNOTATIONS[key];
  if (prop !== undefined) {
    fail(subject, `annotation ${show(key)} is set directly (to ${show(value)})`, `the ${prop} prop, which checks the value and writes the annotation`,
      `set ${prop} instead (WorkloadIdentity sets it for IRSA)`);
  }
  const where = POD_ANNOTATIONS.includes(key) ? ' (it is read on pods: put it on the pod template)' : '';
  fail(subject, `annotation ${show(key)} is not one the pod identity webhook reads on a ServiceAccount${where}`,
    `one of the typed props ${Object.values(TYPED_ANNOTATIONS).join(', ')} for the ${WEBHOOK_ANNOTATION_PREFIX} annotations`,
    'to write another annotation of that prefix anyway, add it to apiObject.metadata');
}

/** The webhook raises shorter token expirations to this. */
export const MIN_TOKEN_EXPIRATION_SECONDS = 600;
/** EKS accepts at most this (24 hours). */
export const MAX_TOKEN_EXPIRATION_SECONDS = 86400;

/** The webhook's own check; a role ARN that does not match is only logged, and the pod gets no credentials. */
const WEBHOOK_ROLE_ARN = /^arn:aws[a-z0-9-]*:iam::\d{12}:role\/[\w-\/.@+=,]+$/;

/** The IRSA settings of a ServiceAccount, as given by the user. */
export interface IrsaSettings {
  readonly roleArn?: string;
  readonly audience?: string;
  readonly webhookAudience?: string;
  readonly stsRegionalEndpoints?: boolean;
  readonly tokenExpiration?: Duration;
}

/** An annotation an IRSA setting writes. */
export interface IrsaAnnotation {
  readonly key: string;
  readonly value: string;
}

/**
 * Checks the IRSA settings of the ServiceAccount `subject` and returns the annotations they write, in a stable order
 * (the default audience is not written). Throws on settings the webhook would silently ignore or clamp.
 * CDK tokens are not checked here; the token boundary is checked when the chart is synthesized.
 */
export function irsaAnnotations(subject: Subject, settings: IrsaSettings): IrsaAnnotation[] {

  if (settings.webhookAudience !== undefined && (typeof settings.webhookAudience !== 'string' || settings.webhookAudience === '')) {
    fail(subject, `webhookAudience is ${show(settings.webhookAudience)}`, 'the --token-audience of the cluster\'s pod identity webhook');
  }
  if (settings.roleArn === undefined) {
    const given = (['audience', 'stsRegionalEndpoints', 'tokenExpiration'] as const).filter(p => settings[p] !== undefined);
    if (given.length > 0) {
      const list = given.length === 1 ? given[0] : `${given.slice(0, -1).join(', ')} and ${given[given.length - 1]}`;
      fail(subject, `${list} ${given.length === 1 ? 'is' : 'are'} set without roleArn`, 'roleArn too: they configure IRSA',
        `set roleArn (the IAM role the pods assume), or remove ${given.length === 1 ? 'it' : 'them'}`);
    }
    return [];
  }

  const roleArn = settings.roleArn;
  if (typeof roleArn !== 'string') fail(subject, `roleArn is ${show(roleArn)}`, 'an IAM role ARN');
  if (!Token.isUnresolved(roleArn) && !WEBHOOK_ROLE_ARN.test(roleArn)) {
    fail(subject, `roleArn ${show(roleArn)} is not an IAM role ARN the pod identity webhook accepts`,
      `arn:<partition>:iam::<12-digit account id>:role/<optional path/><role name>, matching ${WEBHOOK_ROLE_ARN.source}`,
      'the webhook only logs a mismatch, and the pods then get no AWS credentials');
  }
  const result: IrsaAnnotation[] = [{ key: ROLE_ARN_ANNOTATION, value: roleArn }];

  if (settings.audience !== undefined) {
    if (typeof settings.audience !== 'string' || (!Token.isUnresolved(settings.audience) &&
        (settings.audience === '' || settings.audience.length > 255 || /\s/.test(settings.audience)))) {
      fail(subject, `audience is ${show(settings.audience)}`, 'the client id of the IAM OIDC provider (1 to 255 characters without ' +
        `whitespace: ${DEFAULT_AUDIENCE}, the default, or for example awssts on a self-managed cluster)`, 'or leave audience unset');
    }
    if (settings.audience !== (settings.webhookAudience ?? DEFAULT_AUDIENCE)) result.push({ key: AUDIENCE_ANNOTATION, value: settings.audience });
  }

  assertOptionalBoolean(subject, 'stsRegionalEndpoints', settings.stsRegionalEndpoints);
  if (settings.stsRegionalEndpoints) {
    result.push({ key: STS_REGIONAL_ENDPOINTS_ANNOTATION, value: 'true' });
  }

  if (settings.tokenExpiration !== undefined) {
    if (typeof (settings.tokenExpiration as { toMilliseconds?: unknown })?.toMilliseconds !== 'function') {
      fail(subject, `tokenExpiration is ${show(settings.tokenExpiration)}`, 'a cdk8s Duration, such as Duration.hours(1)');
    }
    const seconds = settings.tokenExpiration.toMilliseconds({ integral: false }) / 1000;
    if (!Number.isInteger(seconds) || seconds < MIN_TOKEN_EXPIRATION_SECONDS || seconds > MAX_TOKEN_EXPIRATION_SECONDS) {
      fail(subject, `tokenExpiration is ${seconds} seconds`, `a whole number of seconds from ${MIN_TOKEN_EXPIRATION_SECONDS} ` +
        `to ${MAX_TOKEN_EXPIRATION_SECONDS}`, `the pod identity webhook raises shorter expirations to ${MIN_TOKEN_EXPIRATION_SECONDS}, ` +
        `and EKS allows at most ${MAX_TOKEN_EXPIRATION_SECONDS}`);
    }
    result.push({ key: TOKEN_EXPIRATION_ANNOTATION, value: String(seconds) });
  }

  return result;
}
