import { Stack, aws_iam as iam } from 'aws-cdk-lib';
import type { aws_route53 as route53 } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AddonIdentityOptions } from './addon-identity-options';
import type { AddonPolicy } from './addon-policy';
import { hostedZoneArnsOf } from './external-dns';
import type { Subject } from '../private/errors';

/**
 * Properties of `AddonIdentity.certManager()`: cert-manager solving ACME DNS-01 challenges in Route 53.
 * Conventional service account: `cert-manager/cert-manager` (cert-manager's Helm installation, release `cert-manager`
 * in namespace `cert-manager`; the chart names the controller's service account after the release).
 */
export interface CertManagerIdentityProps extends AddonIdentityOptions {
  /**
   * The hosted zones cert-manager may write challenge (TXT) records in. Give these or `hostedZoneArns` (or both).
   *
   * @default - none
   */
  readonly hostedZones?: route53.IHostedZone[];

  /**
   * The ARNs of the hosted zones cert-manager may write challenge (TXT) records in
   * (`arn:<partition>:route53:::hostedzone/<id>`).
   *
   * @default - none
   */
  readonly hostedZoneArns?: string[];
}

/**
 * cert-manager's policy for the Route 53 DNS-01 solver. Actions from cert-manager's documentation
 * (cert-manager/website content/docs/configuration/acme/dns01/route53.md, "Set up an IAM Policy", at
 * 776e5dba56510fc9de84206b806b568447077f25) and terraform-aws-eks-pod-identity v2.8.1 cert_manager.tf (commit
 * 2cbd87e243fcbf74385331dcf983e273eeb7aa36; the same as terraform-aws-iam v6.5.0
 * modules/iam-role-for-service-accounts/policies.tf):
 *
 * - `ChangeResourceRecordSets` and `ListResourceRecordSets` on the given zones only. cert-manager's documentation
 *   (changed 2025-02-17, newer than the Terraform modules' policy of 2023) adds the condition
 *   `ForAllValues:StringEquals route53:ChangeResourceRecordSetsRecordTypes = TXT`, which the Terraform modules lack:
 *   we follow the documentation, since DNS-01 only ever writes TXT records. The condition key is absent from
 *   `ListResourceRecordSets` requests, which `ForAllValues` lets through.
 * - `GetChange` on `change/*`: cert-manager polls the change it just made until Route 53 reports it `INSYNC`; change ids
 *   are not known in advance, so every change is the narrowest resource there is.
 * - `ListHostedZonesByName` on `*`: cert-manager finds the zone of a domain by name unless the issuer names its
 *   `hostedZoneID`; the action takes no resource.
 */
export function certManagerPolicy(subject: Subject, scope: Construct, props: CertManagerIdentityProps): AddonPolicy {
  const zones = hostedZoneArnsOf(subject, props.hostedZones, props.hostedZoneArns);
  const changes = Stack.of(scope).formatArn({ service: 'route53', region: '', account: '', resource: 'change', resourceName: '*' });
  return {
    addon: 'cert-manager',
    namespace: 'cert-manager',
    serviceAccount: 'cert-manager',
    splitHint: 'hosted zones',
    source: 'cert-manager docs configuration/acme/dns01/route53.md; terraform-aws-eks-pod-identity cert_manager.tf',
    statements: [
      new iam.PolicyStatement({
        sid: 'WriteTxtRecordsInTheGivenZones',
        actions: ['route53:ChangeResourceRecordSets', 'route53:ListResourceRecordSets'],
        resources: zones,
        conditions: { 'ForAllValues:StringEquals': { 'route53:ChangeResourceRecordSetsRecordTypes': ['TXT'] } },
      }),
      new iam.PolicyStatement({ sid: 'WatchItsChanges', actions: ['route53:GetChange'], resources: [changes] }),
      new iam.PolicyStatement({
        sid: 'FindZonesByNameTakesNoResource',
        actions: ['route53:ListHostedZonesByName'],
        resources: ['*'],
      }),
    ],
  };
}
