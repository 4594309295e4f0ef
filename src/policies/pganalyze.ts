import { Stack, aws_iam as iam } from 'aws-cdk-lib';
import type { aws_rds as rds } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AddonIdentityOptions } from './addon-identity-options';
import type { AddonPolicy } from './addon-policy';
import { resourceArnsOf } from './resource-arns';
import { fail, type Subject } from '../private/errors';

/**
 * Properties of `AddonIdentity.pgAnalyze()`: the pganalyze collector monitoring Amazon RDS and Aurora PostgreSQL.
 * Conventional service account: `default/pganalyze-service-account` (pganalyze's "Install the collector on Amazon
 * EKS" guide, as terraform-aws-eks-pod-identity's README example uses it).
 */
export interface PgAnalyzeIdentityProps extends AddonIdentityOptions {
  /**
   * The DB instances the collector monitors. Give these or `dbInstanceArns` (or both).
   *
   * @default - none
   */
  readonly dbInstances?: rds.IDatabaseInstance[];

  /**
   * The ARNs of the DB instances the collector monitors (`arn:<partition>:rds:<region>:<account>:db:<name>`), including
   * each instance of an Aurora cluster.
   *
   * @default - none
   */
  readonly dbInstanceArns?: string[];

  /**
   * The Aurora DB clusters of the instances, for `DescribeDBClusters`.
   *
   * @default - none: no DescribeDBClusters (RDS instances outside Aurora need none)
   */
  readonly dbClusters?: rds.IDatabaseCluster[];

  /**
   * The ARNs of the Aurora DB clusters of the instances (`arn:<partition>:rds:<region>:<account>:cluster:<name>`).
   *
   * @default - none: no DescribeDBClusters (RDS instances outside Aurora need none)
   */
  readonly dbClusterArns?: string[];
}

// RDS ARNs (Service Authorization Reference, Amazon RDS: `db`, `cluster`): names of letters, digits and hyphens.
const DB_ARN = /^arn:aws[a-z0-9-]*:rds:[a-z0-9-]+:\d{12}:db:[A-Za-z][A-Za-z0-9-]{0,62}$/;
const CLUSTER_ARN = /^arn:aws[a-z0-9-]*:rds:[a-z0-9-]+:\d{12}:cluster:[A-Za-z][A-Za-z0-9-]{0,62}$/;

/**
 * The pganalyze collector's policy, from terraform-aws-eks-pod-identity v2.8.1 pganalyze.tf (which follows pganalyze's
 * guide, "Set up IAM policy"), with the instances and clusters given instead of every one of the account and region:
 *
 * - `DescribeDBInstances`, `DescribeDBLogFiles`, `DownloadDBLogFilePortion` on the given instances;
 *   `DescribeDBClusters` on the given clusters;
 * - `DescribeDBParameters` on the account's parameter groups in the region (`pg:*`, as upstream: the collector reads
 *   whichever group an instance names);
 * - `logs:GetLogEvents` on the streams of the `RDSOSMetrics` log group in the region (Enhanced Monitoring, as upstream:
 *   a stream is named after an instance's resource id, which only RDS knows);
 * - `cloudwatch:GetMetricStatistics` on `*`: it takes no resource.
 */
export function pgAnalyzePolicy(subject: Subject, scope: Construct, props: PgAnalyzeIdentityProps): AddonPolicy {
  const instances = resourceArnsOf(subject, 'dbInstances', props.dbInstances, i => i.instanceArn, 'dbInstanceArns', props.dbInstanceArns, DB_ARN,
    'arn:<partition>:rds:<region>:<account>:db:<instance name>');
  const clusters = resourceArnsOf(subject, 'dbClusters', props.dbClusters, c => c.clusterArn, 'dbClusterArns', props.dbClusterArns, CLUSTER_ARN,
    'arn:<partition>:rds:<region>:<account>:cluster:<cluster name>');
  if (instances.length === 0) {
    fail(subject, 'neither dbInstances nor dbInstanceArns is given', 'the DB instances the collector monitors',
      'a policy on every instance of the account is what this library does not write');
  }
  const stack = Stack.of(scope);
  const arn = (service: string, resource: string) => `arn:${stack.partition}:${service}:${stack.region}:${stack.account}:${resource}`;
  return {
    addon: 'pganalyze',
    namespace: 'default',
    serviceAccount: 'pganalyze-service-account',
    splitHint: 'DB instances',
    source: 'terraform-aws-eks-pod-identity pganalyze.tf; pganalyze docs, Install the collector on Amazon EKS',
    statements: [
      new iam.PolicyStatement({ sid: 'GetMetricStatisticsTakesNoResource', actions: ['cloudwatch:GetMetricStatistics'], resources: ['*'] }),
      new iam.PolicyStatement({ sid: 'ReadEnhancedMonitoring', actions: ['logs:GetLogEvents'], resources: [arn('logs', 'log-group:RDSOSMetrics:log-stream:*')] }),
      new iam.PolicyStatement({ sid: 'DescribeParameterGroups', actions: ['rds:DescribeDBParameters'], resources: [arn('rds', 'pg:*')] }),
      new iam.PolicyStatement({
        sid: 'ReadTheGivenInstances',
        actions: ['rds:DescribeDBInstances', 'rds:DownloadDBLogFilePortion', 'rds:DescribeDBLogFiles'],
        resources: instances,
      }),
      ...(clusters.length > 0 ? [new iam.PolicyStatement({ sid: 'DescribeTheGivenClusters', actions: ['rds:DescribeDBClusters'], resources: clusters })] : []),
    ],
  };
}
