import { Token, aws_iam as iam } from 'aws-cdk-lib';
import type { aws_route53 as route53 } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AddonIdentityOptions } from './addon-identity-options';
import type { AddonPolicy } from './addon-policy';
import { fail, show, type Subject } from '../private/errors';

/**
 * Properties of `AddonIdentity.externalDns()`: external-dns, which writes DNS records for Services and Ingresses.
 * Conventional service account: `external-dns/external-dns` (the external-dns Helm chart's defaults).
 */
export interface ExternalDnsIdentityProps extends AddonIdentityOptions {
  /**
   * The hosted zones external-dns may change records in. Give these or `hostedZoneArns` (or both).
   *
   * @default - none
   */
  readonly hostedZones?: route53.IHostedZone[];

  /**
   * The ARNs of the hosted zones external-dns may change records in (`arn:<partition>:route53:::hostedzone/<id>`).
   *
   * @default - none
   */
  readonly hostedZoneArns?: string[];
}

// Route 53 hosted zone ARNs (Service Authorization Reference, Amazon Route 53: hostedzone).
const HOSTED_ZONE_ARN = /^arn:aws[a-z0-9-]*:route53:::hostedzone\/[A-Z0-9]+$/;

/** The hosted zone ARNs of `zones` and `arns`, at least one; shared by the add-ons that write Route 53 records. */
export function hostedZoneArnsOf(subject: Subject, zones: readonly route53.IHostedZone[] | undefined, arns: readonly string[] | undefined): string[] {
  const all = [...(zones ?? []).map(z => z.hostedZoneArn), ...(arns ?? [])];
  if (all.length === 0) {
    fail(subject, 'neither hostedZones nor hostedZoneArns is given', 'the hosted zones the add-on may change records in',
      'a policy on every zone of the account (route53:::hostedzone/*) is what this library does not write');
  }
  for (const arn of arns ?? []) {
    if (typeof arn !== 'string' || (!Token.isUnresolved(arn) && !HOSTED_ZONE_ARN.test(arn))) {
      fail(subject, `hostedZoneArns has ${show(arn)}`, 'arn:<partition>:route53:::hostedzone/<zone id>');
    }
  }
  return [...new Set(all)];
}

/**
 * external-dns's policy, from its AWS tutorial (kubernetes-sigs/external-dns docs/tutorials/aws.md, "IAM Policy") as
 * terraform-aws-eks-pod-identity v2.8.1 external_dns.tf scopes it: `ChangeResourceRecordSets` on the given zones only;
 * the List actions on `*` (external-dns lists the account's zones to find those it manages; ListHostedZones takes no
 * resource).
 */
export function externalDnsPolicy(subject: Subject, _scope: Construct, props: ExternalDnsIdentityProps): AddonPolicy {
  const zones = hostedZoneArnsOf(subject, props.hostedZones, props.hostedZoneArns);
  return {
    addon: 'external-dns',
    namespace: 'external-dns',
    serviceAccount: 'external-dns',
    splitHint: 'hosted zones',
    source: 'kubernetes-sigs/external-dns docs/tutorials/aws.md; terraform-aws-eks-pod-identity external_dns.tf',
    statements: [
      new iam.PolicyStatement({ sid: 'ChangeRecordsInTheGivenZones', actions: ['route53:ChangeResourceRecordSets'], resources: zones }),
      new iam.PolicyStatement({
        sid: 'ListZonesAndRecords',
        actions: ['route53:ListHostedZones', 'route53:ListResourceRecordSets', 'route53:ListTagsForResource'],
        resources: ['*'],
      }),
    ],
  };
}
