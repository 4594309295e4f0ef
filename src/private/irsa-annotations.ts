import { Token } from 'aws-cdk-lib';
import { Duration } from 'cdk8s';

// ServiceAccount annotations honoured by the pod identity webhook (amazon-eks-pod-identity-webhook,
// default --annotation-prefix eks.amazonaws.com). See FACTS.md.
export const ROLE_ARN_ANNOTATION = 'eks.amazonaws.com/role-arn';
export const AUDIENCE_ANNOTATION = 'eks.amazonaws.com/audience';
export const STS_REGIONAL_ENDPOINTS_ANNOTATION = 'eks.amazonaws.com/sts-regional-endpoints';
export const TOKEN_EXPIRATION_ANNOTATION = 'eks.amazonaws.com/token-expiration';

/** The audience the webhook puts into the projected token when the ServiceAccount does not say otherwise. */
export const DEFAULT_AUDIENCE = 'sts.amazonaws.com';
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
  readonly stsRegionalEndpoints?: boolean;
  readonly tokenExpiration?: Duration;
}

/** An annotation whose value is fixed by an IRSA setting. */
export interface ManagedAnnotation {
  readonly key: string;
  readonly value: string;
  /** The prop the value comes from, for error messages. */
  readonly prop: string;
  /**
   * Whether the annotation is written. The default audience is not written, but a different value
   * given explicitly (as an annotation) still contradicts it.
   */
  readonly written: boolean;
}

/**
 * Checks the IRSA settings of the ServiceAccount `subject` (`<namespace>/<name>`, for messages) and returns
 * the annotations they fix, in a stable order. Throws on settings the webhook would silently ignore or clamp.
 * CDK tokens are not checked here; the token boundary is checked when the chart is synthesized.
 */
export function irsaAnnotations(subject: string, settings: IrsaSettings): ManagedAnnotation[] {
  const fail = (message: string): never => {
    throw new Error(`ServiceAccount ${subject}: ${message}`);
  };

  if (settings.roleArn === undefined) {
    const given = (['audience', 'stsRegionalEndpoints', 'tokenExpiration'] as const).filter(p => settings[p] !== undefined);
    if (given.length > 0) {
      const list = given.length === 1 ? given[0] : `${given.slice(0, -1).join(', ')} and ${given[given.length - 1]}`;
      fail(`${list} ${given.length === 1 ? 'configures' : 'configure'} IRSA, but roleArn is not set: ` +
        `set roleArn (the IAM role the pods assume), or remove ${given.length === 1 ? 'it' : 'them'}`);
    }
    return [];
  }

  const roleArn = settings.roleArn;
  if (!Token.isUnresolved(roleArn) && !WEBHOOK_ROLE_ARN.test(roleArn)) {
    fail(`roleArn ${JSON.stringify(roleArn)} is not an IAM role ARN the pod identity webhook accepts: expected ` +
      'arn:<partition>:iam::<12-digit account id>:role/<optional path/><role name>, matching ' +
      `${WEBHOOK_ROLE_ARN.source} (the webhook only logs a mismatch, and the pods then get no AWS credentials)`);
  }
  const result: ManagedAnnotation[] = [{ key: ROLE_ARN_ANNOTATION, value: roleArn, prop: 'roleArn', written: true }];

  if (settings.audience !== undefined) {
    if (settings.audience === '') {
      fail(`audience is empty: expected the client id of the IAM OIDC provider (${DEFAULT_AUDIENCE}, the default, ` +
        'or for example awssts on a self-managed cluster), or leave audience unset');
    }
    result.push({
      key: AUDIENCE_ANNOTATION,
      value: settings.audience,
      prop: 'audience',
      written: settings.audience !== DEFAULT_AUDIENCE,
    });
  }

  if (settings.stsRegionalEndpoints) {
    result.push({ key: STS_REGIONAL_ENDPOINTS_ANNOTATION, value: 'true', prop: 'stsRegionalEndpoints', written: true });
  }

  if (settings.tokenExpiration !== undefined) {
    const seconds = settings.tokenExpiration.toMilliseconds({ integral: false }) / 1000;
    if (!Number.isInteger(seconds) || seconds < MIN_TOKEN_EXPIRATION_SECONDS || seconds > MAX_TOKEN_EXPIRATION_SECONDS) {
      fail(`tokenExpiration is ${seconds} seconds: expected a whole number of seconds from ${MIN_TOKEN_EXPIRATION_SECONDS} ` +
        `to ${MAX_TOKEN_EXPIRATION_SECONDS} (the pod identity webhook raises shorter expirations to ` +
        `${MIN_TOKEN_EXPIRATION_SECONDS}, and EKS allows at most ${MAX_TOKEN_EXPIRATION_SECONDS})`);
    }
    result.push({ key: TOKEN_EXPIRATION_ANNOTATION, value: String(seconds), prop: 'tokenExpiration', written: true });
  }

  return result;
}
