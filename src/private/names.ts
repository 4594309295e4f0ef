import { Token } from 'aws-cdk-lib';

// Name rules, from the Kubernetes and EKS API references:
// - DNS-1123 label (namespaces): k8s.io/apimachinery/pkg/util/validation IsDNS1123Label, at most 63 characters.
// - DNS-1123 subdomain (service accounts): IsDNS1123Subdomain, at most 253 characters.
// - EKS cluster names: AWS::EKS::Cluster `Name`, pattern ^[0-9A-Za-z][A-Za-z0-9\-_]*, 1 to 100 characters.
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const EKS_CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9\-_]*$/;

/** Throws unless `value` is a DNS-1123 label. Tokens are not checked. */
export function assertDns1123Label(what: string, value: string): void {
  if (Token.isUnresolved(value)) return;
  if (value.length > 63 || !DNS1123_LABEL.test(value)) {
    throw new Error(
      `Invalid ${what} ${JSON.stringify(value)}: expected a DNS-1123 label (1 to 63 characters: lowercase ` +
      `letters, digits and '-', starting and ending with a letter or digit)${lengthNote(value, 63)}`,
    );
  }
}

/** Throws unless `value` is a DNS-1123 subdomain. Tokens are not checked. */
export function assertDns1123Subdomain(what: string, value: string): void {
  if (Token.isUnresolved(value)) return;
  if (value.length > 253 || !DNS1123_SUBDOMAIN.test(value)) {
    throw new Error(
      `Invalid ${what} ${JSON.stringify(value)}: expected a DNS-1123 subdomain (1 to 253 characters: lowercase ` +
      `letters, digits, '-' and '.', each dot-separated part starting and ending with a letter or digit)${lengthNote(value, 253)}`,
    );
  }
}

/** Throws unless `value` is a name EKS accepts for a cluster. Tokens are not checked. */
export function assertEksClusterName(value: string): void {
  if (Token.isUnresolved(value)) return;
  if (value.length > 100 || !EKS_CLUSTER_NAME.test(value)) {
    throw new Error(
      `Invalid EKS cluster name ${JSON.stringify(value)}: expected 1 to 100 characters of letters, digits, ` +
      `'-' and '_', starting with a letter or digit${lengthNote(value, 100)}`,
    );
  }
}

function lengthNote(value: string, max: number): string {
  return value.length > max ? `; it has ${value.length} characters` : '';
}
