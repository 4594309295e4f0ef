import { Fn, Token } from 'aws-cdk-lib';

// IAM OIDC provider ARNs: arn:<partition>:iam::<account>:oidc-provider/<issuer without https://>.
const PROVIDER_ARN = /^arn:aws[a-z0-9-]*:iam::\d{12}:oidc-provider\/(.+)$/;
// AWS::IAM::OIDCProvider Url: at most 255 characters (IAM API reference).
const MAX_URL = 255;

/** Throws unless a literal issuer URL is one IAM and the token's `iss` can agree on (FACTS.md, OIDC discovery). */
export function assertIssuerUrl(url: string): void {
  if (Token.isUnresolved(url)) return;
  const expected = 'expected an https:// URL without query or fragment, at most 255 characters, ' +
    'like https://oidc.eks.<region>.amazonaws.com/id/<id>';
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || parsed.protocol !== 'https:' || !url.startsWith('https://') || parsed.search !== '' || parsed.hash !== '' ||
      url.includes('?') || url.includes('#') || url.length > MAX_URL) {
    throw new Error(`Invalid OIDC issuer URL ${JSON.stringify(url)}: ${expected}`);
  }
}

/** Throws unless a literal provider ARN is an IAM OIDC provider ARN for `issuerUrl` (when that is literal too). */
export function assertProviderArn(arn: string, issuerUrl: string | undefined): void {
  if (Token.isUnresolved(arn)) return;
  const match = PROVIDER_ARN.exec(arn);
  if (!match) {
    throw new Error(`Invalid IAM OIDC provider ARN ${JSON.stringify(arn)}: expected arn:<partition>:iam::<account>:oidc-provider/<issuer host and path>`);
  }
  if (issuerUrl !== undefined && !Token.isUnresolved(issuerUrl) && match[1] !== issuerHostPath(issuerUrl)) {
    throw new Error(`IAM OIDC provider ${JSON.stringify(arn)} is for issuer "https://${match[1]}", but oidcIssuerUrl is ${JSON.stringify(issuerUrl)}`);
  }
}

/** The issuer without `https://`: the prefix of IAM's `<issuer>:sub` and `<issuer>:aud` condition keys. */
export function issuerHostPath(url: string): string {
  if (Token.isUnresolved(url)) return Fn.select(1, Fn.split('https://', url));
  return url.replace(/^https:\/\//, '');
}
