import { aws_rds as rds } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AddonIdentity } from '../../src';
import { addonDecision, addonPolicyOf } from '../util/addon-sim';
import { expectError } from '../util/errors';
import { ACCOUNT, REGION, importCluster, newStack } from '../util/fixtures';

const rdsArn = (resource: string) => `arn:aws:rds:${REGION}:${ACCOUNT}:${resource}`;
const DB = rdsArn('db:orders-1');
const OTHER_DB = rdsArn('db:payroll-1');
const CLUSTER = rdsArn('cluster:orders');
const INSTANCE_ACTIONS = ['rds:DescribeDBInstances', 'rds:DownloadDBLogFilePortion', 'rds:DescribeDBLogFiles'];

function pganalyze(props: Partial<Parameters<typeof AddonIdentity.pgAnalyze>[2]> = { dbInstanceArns: [DB] }) {
  const stack = newStack();
  const identity = AddonIdentity.pgAnalyze(stack, 'Pg', { cluster: importCluster(stack), ...props });
  return { identity, template: Template.fromStack(stack) };
}

describe('AddonIdentity.pgAnalyze', () => {
  test('default/pganalyze-service-account; the policy, exactly', () => {
    const { identity, template } = pganalyze({ dbInstanceArns: [DB], dbClusterArns: [CLUSTER] });
    expect(identity.bindings.map(b => `${b.namespace}/${b.serviceAccount}`)).toEqual(['default/pganalyze-service-account']);
    expect(addonPolicyOf(template).Statement).toEqual([
      { Sid: 'GetMetricStatisticsTakesNoResource', Effect: 'Allow', Action: 'cloudwatch:GetMetricStatistics', Resource: '*' },
      { Sid: 'ReadEnhancedMonitoring', Effect: 'Allow', Action: 'logs:GetLogEvents', Resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:RDSOSMetrics:log-stream:*` },
      { Sid: 'DescribeParameterGroups', Effect: 'Allow', Action: 'rds:DescribeDBParameters', Resource: rdsArn('pg:*') },
      { Sid: 'ReadTheGivenInstances', Effect: 'Allow', Action: INSTANCE_ACTIONS, Resource: DB },
      { Sid: 'DescribeTheGivenClusters', Effect: 'Allow', Action: 'rds:DescribeDBClusters', Resource: CLUSTER },
    ]);
    expect(addonPolicyOf(pganalyze().template).Statement.map(s => s.Sid)).not.toContain('DescribeTheGivenClusters');
  });

  test('the simulator: the given instance and cluster, not another', async () => {
    const policy = addonPolicyOf(pganalyze({ dbInstanceArns: [DB], dbClusterArns: [CLUSTER] }).template);
    for (const action of INSTANCE_ACTIONS) {
      expect(await addonDecision(policy, { action, resource: DB })).toBe('Allowed');
      expect(await addonDecision(policy, { action, resource: OTHER_DB })).toBe('Denied');
    }
    expect(await addonDecision(policy, { action: 'rds:DescribeDBClusters', resource: CLUSTER })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'rds:DescribeDBClusters', resource: rdsArn('cluster:payroll') })).toBe('Denied');
    expect(await addonDecision(policy, { action: 'rds:DescribeDBParameters', resource: rdsArn('pg:orders-params') })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'logs:GetLogEvents', resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:RDSOSMetrics:log-stream:db-ABC` })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'logs:GetLogEvents', resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:app:log-stream:x` })).toBe('Denied');
    expect(await addonDecision(policy, { action: 'cloudwatch:GetMetricStatistics', resource: '*' })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'rds:DeleteDBInstance', resource: DB })).toBe('Denied');
  });

  test('typed instances and clusters give the same statements as their ARNs', () => {
    const stack = newStack();
    const instance = rds.DatabaseInstance.fromDatabaseInstanceAttributes(stack, 'Db', {
      instanceIdentifier: 'orders-1', instanceEndpointAddress: 'orders-1.example.com', port: 5432, securityGroups: [],
    });
    const cluster = rds.DatabaseCluster.fromDatabaseClusterAttributes(stack, 'Cluster', { clusterIdentifier: 'orders' });
    AddonIdentity.pgAnalyze(stack, 'Pg', { cluster: importCluster(stack), dbInstances: [instance], dbClusters: [cluster] });
    expect(addonPolicyOf(Template.fromStack(stack))).toEqual(addonPolicyOf(pganalyze({ dbInstanceArns: [DB], dbClusterArns: [CLUSTER] }).template));
  });

  test('bad inputs', () => {
    expectError(() => pganalyze({}), 'AddonIdentity.pgAnalyze Test/Pg: neither dbInstances nor dbInstanceArns is given, expected the DB instances ' +
      'the collector monitors; a policy on every instance of the account is what this library does not write');
    expectError(() => pganalyze({ dbInstanceArns: [rdsArn('db:*')] }),
      `AddonIdentity.pgAnalyze Test/Pg: dbInstanceArns has "${rdsArn('db:*')}", expected arn:<partition>:rds:<region>:<account>:db:<instance name>`);
    expectError(() => pganalyze({ dbInstanceArns: [DB], dbClusterArns: [DB] }),
      `AddonIdentity.pgAnalyze Test/Pg: dbClusterArns has "${DB}", expected arn:<partition>:rds:<region>:<account>:cluster:<cluster name>`);
  });

  test('fifty instances fit in one managed policy', () => {
    const arns = Array.from({ length: 50 }, (_, i) => rdsArn(`db:orders-${i}`));
    expect(JSON.stringify(addonPolicyOf(pganalyze({ dbInstanceArns: arns }).template)).length).toBeLessThanOrEqual(6144);
  });
});
