import { aws_iam as iam } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AddonIdentityOptions, ManagedAddonInstallOptions } from './addon-identity-options';
import type { AddonPolicy } from './addon-policy';
import type { Subject } from '../private/errors';
import { assertOptionalBoolean } from '../private/names';

/**
 * Properties of `AddonIdentity.cloudWatchObservability()`: the Amazon CloudWatch Observability add-on (the CloudWatch
 * agent, Fluent Bit, and with Application Signals the X-Ray traces). Conventional service account:
 * `amazon-cloudwatch/cloudwatch-agent` (the EKS add-on `amazon-cloudwatch-observability`, and its Helm chart
 * `amazon-cloudwatch-observability`; the EKS user guide's Pod Identity setup for it names this service account).
 */
export interface CloudWatchObservabilityIdentityProps extends AddonIdentityOptions {
  /**
   * Install the add-on as the EKS managed add-on `amazon-cloudwatch-observability`, which then names the role itself (no separate association).
   *
   * @default - not installed here: the add-on is installed by other means, and gets a separate association
   */
  readonly installAddon?: ManagedAddonInstallOptions;

  /**
   * Also attach `AWSXrayWriteOnlyAccess`, for Application Signals and the X-Ray traces the agent forwards.
   *
   * @default true (as terraform-aws-eks-pod-identity)
   */
  readonly xray?: boolean;
}

/**
 * The CloudWatch Observability add-on's permissions: the AWS managed policies `CloudWatchAgentServerPolicy` and
 * `AWSXrayWriteOnlyAccess`, which terraform-aws-eks-pod-identity v2.8.1 amazon_cloudwatch_observability.tf and the
 * Amazon CloudWatch User Guide ("Install the CloudWatch agent with the Amazon CloudWatch Observability EKS add-on")
 * attach, and no customer policy.
 *
 * Why managed policies and no scoped one: the agent and Fluent Bit write metrics, log groups and log streams whose
 * names they derive at run time from the cluster, the namespaces and the pods (`/aws/containerinsights/<cluster>/...`,
 * `/aws/application-signals/...`), reads the SSM parameters named `AmazonCloudWatch-*` for its configuration, and AWS
 * keeps both policies in step with new agent releases. `cloudwatch:PutMetricData` and the X-Ray writes take no
 * resource, so a policy of our own would be no narrower for them.
 */
export function cloudWatchObservabilityPolicy(subject: Subject, _scope: Construct, props: CloudWatchObservabilityIdentityProps): AddonPolicy {
  assertOptionalBoolean(subject, 'xray', props.xray);
  return {
    addon: 'amazon-cloudwatch-observability',
    namespace: 'amazon-cloudwatch',
    serviceAccount: 'cloudwatch-agent',
    eksAddonName: 'amazon-cloudwatch-observability',
    splitHint: 'statements',
    source: 'terraform-aws-eks-pod-identity amazon_cloudwatch_observability.tf; Amazon CloudWatch User Guide',
    statements: [],
    managedPolicies: [
      iam.ManagedPolicy.fromAwsManagedPolicyName('CloudWatchAgentServerPolicy'),
      ...(props.xray === false ? [] : [iam.ManagedPolicy.fromAwsManagedPolicyName('AWSXrayWriteOnlyAccess')]),
    ],
  };
}
