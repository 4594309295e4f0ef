import { aws_aps as aps } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AddonIdentity } from '../../src';
import { addonDecision, addonPolicyOf } from '../util/addon-sim';
import { expectError, validationErrors } from '../util/errors';
import { ACCOUNT, REGION, importCluster, logicalIdsOf, newStack } from '../util/fixtures';
import { resolveIntrinsics } from '../util/intrinsics';

const workspace = (id: string) => `arn:aws:aps:${REGION}:${ACCOUNT}:workspace/ws-${id}`;
const WS = workspace('0b6c7c3e-1b7e-4a53-9c6d-8f0e1d2c3b4a');
const OTHER_WS = workspace('99999999-1b7e-4a53-9c6d-8f0e1d2c3b4a');
const QUERY = ['aps:QueryMetrics', 'aps:GetSeries', 'aps:GetLabels', 'aps:GetMetricMetadata'];

function amp(props: Partial<Parameters<typeof AddonIdentity.amazonManagedPrometheus>[2]> = { workspaceArns: [WS] }) {
  const stack = newStack();
  const identity = AddonIdentity.amazonManagedPrometheus(stack, 'Amp', { cluster: importCluster(stack), ...props });
  return { identity, template: Template.fromStack(stack) };
}

describe('AddonIdentity.amazonManagedPrometheus', () => {
  test('prometheus/prometheus; remote write and query on the given workspace, exactly', () => {
    const { identity, template } = amp();
    expect(identity.bindings.map(b => `${b.namespace}/${b.serviceAccount}`)).toEqual(['prometheus/prometheus']);
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Namespace: 'prometheus', ServiceAccount: 'prometheus' });
    expect(addonPolicyOf(template).Statement).toEqual([
      { Sid: 'RemoteWriteToTheGivenWorkspaces', Effect: 'Allow', Action: 'aps:RemoteWrite', Resource: WS },
      { Sid: 'QueryTheGivenWorkspaces', Effect: 'Allow', Action: QUERY, Resource: WS },
    ]);
  });

  test('the simulator: each action on the given workspace, none on another; query: false leaves remote write only', async () => {
    const policy = addonPolicyOf(amp().template);
    for (const action of ['aps:RemoteWrite', ...QUERY]) {
      expect(await addonDecision(policy, { action, resource: WS })).toBe('Allowed');
      expect(await addonDecision(policy, { action, resource: OTHER_WS })).toBe('Denied');
    }
    const writeOnly = addonPolicyOf(amp({ workspaceArns: [WS], query: false }).template);
    expect(await addonDecision(writeOnly, { action: 'aps:RemoteWrite', resource: WS })).toBe('Allowed');
    expect(await addonDecision(writeOnly, { action: 'aps:QueryMetrics', resource: WS })).toBe('Denied');
  });

  test('a typed workspace names its ARN', () => {
    const stack = newStack();
    const ws = new aps.CfnWorkspace(stack, 'Ws', { alias: 'metrics' });
    AddonIdentity.amazonManagedPrometheus(stack, 'Amp', { cluster: importCluster(stack), workspaces: [ws] });
    const template = Template.fromStack(stack);
    const [wsId] = logicalIdsOf(template, 'AWS::APS::Workspace');
    const [policy] = Object.values(template.findResources('AWS::IAM::ManagedPolicy')) as any[];
    expect(resolveIntrinsics(policy.Properties.PolicyDocument, { getAtts: { [`${wsId}.Arn`]: WS } })).toEqual(addonPolicyOf(amp().template));
  });

  test('bad inputs', () => {
    expectError(() => amp({}), 'AddonIdentity.amazonManagedPrometheus Test/Amp: neither workspaces nor workspaceArns is given, expected the ' +
      'workspaces Prometheus writes to; a policy on every workspace of the account is what this library does not write');
    expectError(() => amp({ workspaceArns: [`arn:aws:aps:${REGION}:${ACCOUNT}:workspace/*`] }), 'AddonIdentity.amazonManagedPrometheus Test/Amp: ' +
      `workspaceArns has "arn:aws:aps:${REGION}:${ACCOUNT}:workspace/*", expected arn:<partition>:aps:<region>:<account>:workspace/<workspace id>`);
  });

  const arns = (n: number) => Array.from({ length: n }, (_, i) => workspace(`0b6c7c3e-1b7e-4a53-9c6d-8f0e1d2c3b${String(i).padStart(2, '0')}`));

  // 50 ARNs of 85 characters in two statements: 8,987 characters, as IAM counts them (computed by hand from the document).
  test('thirty workspaces fit in one managed policy; fifty are an error naming the add-on and what to split', () => {
    expect(JSON.stringify(addonPolicyOf(amp({ workspaceArns: arns(30) }).template)).length).toBeLessThanOrEqual(6144);
    expect(validationErrors(() => amp({ workspaceArns: arns(50) }))).toEqual([
      '[Test/Amp] AddonIdentity.amazonManagedPrometheus Test/Amp: the policy of amazon-managed-prometheus is 8987 characters (whitespace ' +
      'removed), expected at most 6144 (IAM\'s limit for a managed policy); give one identity fewer workspaces, and the others to a second ' +
      'identity with its own service account',
    ]);
  });
});
