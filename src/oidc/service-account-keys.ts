import { X509Certificate, createHash, createPublicKey, type KeyObject } from 'crypto';
import { Token } from 'aws-cdk-lib';
import { fail, show, type Subject } from '../private/errors';

// The keys kube-apiserver verifies service account tokens with (--service-account-key-file: "PEM-encoded x509 RSA or
// ECDSA private or public keys"), of which only the public halves may leave the cluster. kube-apiserver signs with
// RS256 for RSA keys and ES256/ES384/ES512 for ECDSA P-256/P-384/P-521 (k8s.io/kubernetes pkg/serviceaccount/jwt.go);
// IAM and this library take RSA of at least 2,048 bits and EC P-256.
const MIN_RSA_BITS = 2048;
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
const PUBLIC_BLOCKS = ['PUBLIC KEY', 'RSA PUBLIC KEY', 'CERTIFICATE'];

/** A JSON Web Key as kube-apiserver serves it at /openid/v1/jwks. */
export interface ServiceAccountJwk {
  readonly use: 'sig';
  readonly kty: 'RSA' | 'EC';
  readonly kid: string;
  readonly alg: 'RS256' | 'ES256';
  readonly n?: string;
  readonly e?: string;
  readonly crv?: 'P-256';
  readonly x?: string;
  readonly y?: string;
}

/**
 * The `kid` kube-apiserver gives a key: base64url, without padding, of the SHA-256 of the key's DER (PKIX,
 * SubjectPublicKeyInfo) encoding (k8s.io/kubernetes pkg/serviceaccount/jwt.go keyIDFromPublicKey; FACTS.md).
 */
export function keyId(key: KeyObject): string {
  return createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('base64url');
}

/**
 * Reads the public keys of `pems` (each a PEM text with one or more public keys or certificates, as kube-apiserver's key
 * files hold them) and returns their JWKs, in the order given, without duplicates. Throws, without ever showing the key,
 * for a private key; shows the position of anything else that is not an accepted public key.
 */
export function serviceAccountJwks(subject: Subject, pems: readonly string[]): ServiceAccountJwk[] {
  if (!Array.isArray(pems) || pems.length === 0) {
    fail(subject, `serviceAccountPublicKeys is ${Array.isArray(pems) ? 'empty' : show(typeof pems)}`,
      'the PEM public keys of the apiserver\'s service account signing keys (kubeadm: /etc/kubernetes/pki/sa.pub)');
  }
  const jwks = new Map<string, ServiceAccountJwk>();
  pems.forEach((pem, i) => {
    const where = `serviceAccountPublicKeys[${i}]`;
    if (typeof pem !== 'string') fail(subject, `${where} is ${typeof pem}`, 'a PEM text');
    if (Token.isUnresolved(pem)) fail(subject, `${where} is known only at deploy time`, 'the PEM text itself: the keys decide the JWKS at synthesis');
    const blocks = [...pem.matchAll(PEM_BLOCK)];
    if (blocks.some(b => b[1].includes('PRIVATE KEY'))) {
      // Never echo it: a private key in a message ends up in CI logs.
      fail(subject, `${where} holds a private key (its value is not shown)`,
        'only the public half', 'give the public key (openssl pkey -in sa.key -pubout), and treat the private key as exposed ' +
        'if this app\'s source or logs are shared');
    }
    if (blocks.length === 0) fail(subject, `${where} has no PEM block`, 'a PEM public key (-----BEGIN PUBLIC KEY-----)');
    blocks.forEach(([text, type], j) => {
      const what = blocks.length > 1 ? `${where}, PEM block ${j + 1},` : where;
      if (!PUBLIC_BLOCKS.includes(type)) fail(subject, `${what} is a ${show(type)} block`, `one of ${PUBLIC_BLOCKS.join(', ')}`);
      let key: KeyObject;
      try {
        key = type === 'CERTIFICATE' ? new X509Certificate(text).publicKey : createPublicKey(text);
      } catch (e) {
        fail(subject, `${what} cannot be read (${(e as Error).message})`, 'a PEM public key');
      }
      const jwk = toJwk(subject, what, key);
      if (!jwks.has(jwk.kid)) jwks.set(jwk.kid, jwk);
    });
  });
  return [...jwks.values()];
}

function toJwk(subject: Subject, what: string, key: KeyObject): ServiceAccountJwk {
  const kid = keyId(key);
  const exported = key.export({ format: 'jwk' }) as Record<string, string>;
  if (key.asymmetricKeyType === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) fail(subject, `${what} is an RSA key of ${bits} bits`, `at least ${MIN_RSA_BITS} bits`);
    return { use: 'sig', kty: 'RSA', kid, alg: 'RS256', n: exported.n, e: exported.e };
  }
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
    return { use: 'sig', kty: 'EC', kid, alg: 'ES256', crv: 'P-256', x: exported.x, y: exported.y };
  }
  const detail = key.asymmetricKeyType === 'ec' ? `an EC key on curve ${key.asymmetricKeyDetails?.namedCurve}` : `a ${key.asymmetricKeyType} key`;
  return fail(subject, `${what} is ${detail}`, `an RSA key of at least ${MIN_RSA_BITS} bits or an EC P-256 key`);
}
