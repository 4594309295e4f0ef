import type { ServiceAccountJwk } from './service-account-keys';

// Where kube-apiserver serves its OIDC discovery documents, relative to the issuer (k8s.io/kubernetes
// pkg/serviceaccount/openidmetadata.go: OpenIDConfigPath, JWKSPath). Hosted copies keep the same paths.
export const OPENID_CONFIGURATION_PATH = '.well-known/openid-configuration';
export const JWKS_PATH = 'openid/v1/jwks';

/**
 * The JWKS document, byte for byte as kube-apiserver serves it (go-jose's JSON: `use`, `kty`, `kid`, then `crv` and
 * `alg`, then the key's numbers; no whitespace).
 */
export function jwksDocument(keys: readonly ServiceAccountJwk[]): string {
  const ordered = keys.map(k => (k.kty === 'RSA'
    ? { use: k.use, kty: k.kty, kid: k.kid, alg: k.alg, n: k.n, e: k.e }
    : { use: k.use, kty: k.kty, kid: k.kid, crv: k.crv, alg: k.alg, x: k.x, y: k.y }));
  return JSON.stringify({ keys: ordered });
}

/**
 * The discovery document, byte for byte as kube-apiserver serves it (openidmetadata.go openIDConfigJSON): issuer,
 * jwks_uri, `response_types_supported: ["id_token"]`, `subject_types_supported: ["public"]` and the keys' algorithms,
 * sorted. No `authorization_endpoint` or `claims_supported`: kube-apiserver leaves them out, and relying parties that
 * validate ID tokens (IAM) need neither.
 */
export function openIdConfigurationDocument(issuerUrl: string, jwksUri: string, signingAlgorithms: readonly string[]): string {
  return JSON.stringify({
    issuer: issuerUrl,
    jwks_uri: jwksUri,
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [...new Set(signingAlgorithms)].sort(),
  });
}
