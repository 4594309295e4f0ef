import { Fn, Token } from 'aws-cdk-lib';
import { fail, show, type Subject } from '../private/errors';

// IAM OIDC provider ARNs: arn:<partition>:iam::<account>:oidc-provider/<issuer without https://>.
const PROVIDER_ARN = /^arn:aws[a-z0-9-]*:iam::\d{12}:oidc-provider\/(.+)$/;
// AWS::IAM::OIDCProvider Url: at most 255 characters (IAM API reference, CreateOpenIDConnectProvider Url).
const MAX_URL = 255;
// A host name: dot-separated DNS labels (letters, digits, '-').
const HOST = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
// EKS issuers: https://oidc.eks.<region>.<domain suffix>/id/<id> (aws eks describe-cluster, cluster.identity.oidc.issuer).
const EKS_ISSUER_HOST = /^oidc\.eks\.([a-z0-9-]+)\./;

const EXPECTED = 'an https:// URL with a host name and an optional path, without port, user, query, fragment or whitespace, ' +
  'at most 255 characters, like https://oidc.eks.<region>.amazonaws.com/id/<id>';

/**
 * Throws unless a literal issuer URL is one IAM accepts and a token's `iss` can equal byte for byte (FACTS.md, OIDC
 * discovery; IAM API reference, CreateOpenIDConnectProvider: "must begin with https://", "Per the OIDC standard, path
 * components are allowed but query parameters are not", "The URL should not contain a port number").
 */
export function assertIssuerUrl(subject: Subject, what: string, url: string): void {
  if (typeof url !== 'string') fail(subject, `${what} is ${show(url)}`, EXPECTED);
  if (Token.isUnresolved(url)) return;
  const bad = (why: string, fix?: string): never => fail(subject, `${what} ${show(url)} ${why}`, EXPECTED, fix);
  if (url.trim() !== url) {
    bad('has leading or trailing whitespace', 'remove it (aws eks describe-cluster --output text adds a newline)');
  }
  if (/\s/.test(url)) bad('contains whitespace');
  if (!url.startsWith('https://')) bad(url.startsWith('http://') ? 'is http://, which IAM refuses' : 'does not start with https://');
  if (url.length > MAX_URL) bad(`has ${url.length} characters`);
  if (url.includes('?')) bad('has a query');
  if (url.includes('#')) bad('has a fragment');
  const rest = url.slice('https://'.length);
  const authority = rest.split('/')[0];
  if (authority.includes('@')) bad('has user information');
  if (authority.includes(':')) bad('has a port', 'IAM OIDC providers take no port: serve the issuer on 443 and drop the port');
  if (!HOST.test(authority)) bad(`has host ${show(authority)}, which is not a DNS name`);
  if (rest.includes('//')) bad('has an empty path segment');
}

/**
 * Throws when an EKS issuer names another region than the cluster (an issuer pasted from another cluster).
 * Issuers that do not have the EKS form are not checked.
 */
export function assertEksIssuerRegion(subject: Subject, what: string, url: string, clusterRegion: string): void {
  if (Token.isUnresolved(url) || Token.isUnresolved(clusterRegion)) return;
  const host = url.slice('https://'.length).split('/')[0];
  const match = EKS_ISSUER_HOST.exec(host);
  if (match && match[1] !== clusterRegion) {
    fail(subject, `${what} ${show(url)} is the issuer of an EKS cluster in region ${match[1]}, but the cluster is in ${clusterRegion}`,
      `the cluster's own issuer, https://oidc.eks.${clusterRegion}.<domain>/id/<id>`,
      `run aws eks describe-cluster --region ${clusterRegion} --name <cluster> --query cluster.identity.oidc.issuer`);
  }
}

/** Throws unless a literal provider ARN is an IAM OIDC provider ARN for `issuerUrl` (when that is literal too). */
export function assertProviderArn(subject: Subject, arn: string, issuerUrl: string | undefined): void {
  if (typeof arn !== 'string') fail(subject, `oidcProviderArn is ${show(arn)}`, 'an IAM OIDC provider ARN');
  if (Token.isUnresolved(arn)) return;
  const match = PROVIDER_ARN.exec(arn);
  if (!match) {
    fail(subject, `oidcProviderArn ${show(arn)} is not an IAM OIDC provider ARN`, 'arn:<partition>:iam::<account>:oidc-provider/<issuer host and path>');
  }
  if (issuerUrl !== undefined && !Token.isUnresolved(issuerUrl) && match[1] !== issuerHostPath(issuerUrl)) {
    fail(subject, `oidcProviderArn ${show(arn)} is the provider of issuer "https://${match[1]}", but oidcIssuerUrl is ${show(issuerUrl)}`,
      `the ARN of the provider for ${issuerUrl}`, `arn:<partition>:iam::<account>:oidc-provider/${issuerHostPath(issuerUrl)}`);
  }
}

/** The issuer without `https://`: the prefix of IAM's `<issuer>:sub` and `<issuer>:aud` condition keys. */
export function issuerHostPath(url: string): string {
  if (Token.isUnresolved(url)) return Fn.select(1, Fn.split('https://', url));
  return url.replace(/^https:\/\//, '');
}
