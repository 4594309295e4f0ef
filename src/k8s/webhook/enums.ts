/**
 * What the API server does when it cannot call the pod identity webhook (`failurePolicy` of the
 * MutatingWebhookConfiguration).
 */
export enum WebhookFailurePolicy {
  /**
   * Admit the pod unmutated: it runs without AWS credentials from the webhook (upstream's setting). Pod creation never
   * depends on the webhook being up.
   */
  IGNORE = 'Ignore',

  /**
   * Reject the pod: pods that need credentials never start without them, but no pod outside the webhook's own
   * namespace can be created while the webhook is down.
   */
  FAIL = 'Fail',
}

/**
 * The lowest TLS version the pod identity webhook accepts (its `--tls-min-version`).
 */
export enum TlsVersion {
  /** TLS 1.2 */
  TLS_1_2 = '1.2',
  /** TLS 1.3 */
  TLS_1_3 = '1.3',
}
