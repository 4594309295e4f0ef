import { aws_iam as iam } from 'aws-cdk-lib';
import type { aws_aps as aps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AddonIdentityOptions } from './addon-identity-options';
import type { AddonPolicy } from './addon-policy';
import { resourceArnsOf } from './resource-arns';
import { fail, type Subject } from '../private/errors';
import { assertOptionalBoolean } from '../private/names';

/**
 * Properties of `AddonIdentity.amazonManagedPrometheus()`: Prometheus (or the ADOT collector) writing to Amazon
 * Managed Service for Prometheus workspaces, and querying them. Conventional service account: `prometheus/prometheus`
 * (terraform-aws-eks-pod-identity's README example for this policy).
 */
export interface AmazonManagedPrometheusIdentityProps extends AddonIdentityOptions {
  /**
   * The workspaces Prometheus writes to (and queries). Give these or `workspaceArns` (or both).
   *
   * @default - none
   */
  readonly workspaces?: aps.CfnWorkspace[];

  /**
   * The ARNs of the workspaces Prometheus writes to (and queries): `arn:<partition>:aps:<region>:<account>:workspace/<id>`.
   *
   * @default - none
   */
  readonly workspaceArns?: string[];

  /**
   * Also let it query the workspaces (`QueryMetrics`, `GetSeries`, `GetLabels`, `GetMetricMetadata`), as a Grafana
   * data source or a Prometheus with recording rules needs. Without it, remote write only.
   *
   * @default true (as terraform-aws-eks-pod-identity)
   */
  readonly query?: boolean;
}

// Amazon Managed Service for Prometheus workspace ARNs (Service Authorization Reference, `workspace`): ids ws- and a UUID.
const WORKSPACE_ARN = /^arn:aws[a-z0-9-]*:aps:[a-z0-9-]+:\d{12}:workspace\/ws-[0-9a-f-]{36}$/;

/**
 * The policy of Prometheus on Amazon Managed Service for Prometheus, from terraform-aws-eks-pod-identity v2.8.1
 * amazon_managed_service_prometheus.tf (the AWS managed `AmazonPrometheusRemoteWriteAccess` and
 * `AmazonPrometheusQueryAccess` have the same actions on `*`): `aps:RemoteWrite` and, with `query`, the four query
 * actions, all on the given workspaces only. Nothing is on `*`.
 */
export function amazonManagedPrometheusPolicy(subject: Subject, _scope: Construct, props: AmazonManagedPrometheusIdentityProps): AddonPolicy {
  assertOptionalBoolean(subject, 'query', props.query);
  const workspaces = resourceArnsOf(subject, 'workspaces', props.workspaces, w => w.attrArn, 'workspaceArns', props.workspaceArns, WORKSPACE_ARN,
    'arn:<partition>:aps:<region>:<account>:workspace/<workspace id>');
  if (workspaces.length === 0) {
    fail(subject, 'neither workspaces nor workspaceArns is given', 'the workspaces Prometheus writes to',
      'a policy on every workspace of the account is what this library does not write');
  }
  return {
    addon: 'amazon-managed-prometheus',
    namespace: 'prometheus',
    serviceAccount: 'prometheus',
    splitHint: 'workspaces',
    source: 'terraform-aws-eks-pod-identity amazon_managed_service_prometheus.tf',
    statements: [
      new iam.PolicyStatement({ sid: 'RemoteWriteToTheGivenWorkspaces', actions: ['aps:RemoteWrite'], resources: workspaces }),
      ...(props.query === false ? [] : [new iam.PolicyStatement({
        sid: 'QueryTheGivenWorkspaces',
        actions: ['aps:QueryMetrics', 'aps:GetSeries', 'aps:GetLabels', 'aps:GetMetricMetadata'],
        resources: workspaces,
      })]),
    ],
  };
}
