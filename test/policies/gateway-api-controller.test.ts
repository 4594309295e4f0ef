import { Template } from 'aws-cdk-lib/assertions';
import { AddonIdentity } from '../../src';
import { addonDecision, addonPolicyOf } from '../util/addon-sim';
import { expectError } from '../util/errors';
import { ACCOUNT, REGION, importCluster, newStack } from '../util/fixtures';

const SERVICE = `arn:aws:vpc-lattice:${REGION}:${ACCOUNT}:service/svc-0123456789abcdef0`;

function gateway(props: Partial<Parameters<typeof AddonIdentity.gatewayApiController>[2]> = {}) {
  const stack = newStack();
  const identity = AddonIdentity.gatewayApiController(stack, 'Gw', { cluster: importCluster(stack), ...props });
  return { identity, template: Template.fromStack(stack) };
}

describe('AddonIdentity.gatewayApiController', () => {
  test('aws-application-networking-system/gateway-api-controller; the statements', () => {
    const { identity, template } = gateway();
    expect(identity.bindings.map(b => `${b.namespace}/${b.serviceAccount}`)).toEqual(['aws-application-networking-system/gateway-api-controller']);
    const statements = addonPolicyOf(template).Statement;
    expect(statements.map(s => s.Sid)).toEqual(['ManageVpcLatticeResources', 'CallsWithoutAResource', 'CreateTheVpcLatticeServiceLinkedRole']);
    expect(statements[2]).toEqual({
      Sid: 'CreateTheVpcLatticeServiceLinkedRole',
      Effect: 'Allow',
      Action: 'iam:CreateServiceLinkedRole',
      Resource: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/vpc-lattice.amazonaws.com/AWSServiceRoleForVpcLattice`,
      Condition: { StringLike: { 'iam:AWSServiceName': 'vpc-lattice.amazonaws.com' } },
    });
    expect(addonPolicyOf(gateway({ accessLogs: true }).template).Statement.map(s => s.Sid)).toEqual(['ManageVpcLatticeResources',
      'CallsWithoutAResource', 'CreateTheVpcLatticeServiceLinkedRole', 'CreateTheLogDeliveryServiceLinkedRole', 'DeliverAccessLogs']);
  });

  test('the simulator: VPC Lattice in the stack\'s region; bucket policies only with accessLogs', async () => {
    const policy = addonPolicyOf(gateway().template);
    for (const action of ['vpc-lattice:GetService', 'vpc-lattice:DeleteService', 'vpc-lattice:UpdateService']) {
      expect(await addonDecision(policy, { action, resource: SERVICE })).toBe('Allowed');
      expect(await addonDecision(policy, { action, resource: SERVICE.replace(REGION, 'us-east-1') })).toBe('Denied');
    }
    expect(await addonDecision(policy, { action: 'vpc-lattice:ListServices', resource: '*' })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'tag:GetResources', resource: '*' })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 's3:PutBucketPolicy', resource: 'arn:aws:s3:::logs-111122223333' })).toBe('Denied');
    const withLogs = addonPolicyOf(gateway({ accessLogs: true }).template);
    expect(await addonDecision(withLogs, { action: 's3:PutBucketPolicy', resource: 'arn:aws:s3:::logs-111122223333' })).toBe('Allowed');
  });

  test('accessLogs must be a boolean', () => {
    expectError(() => gateway({ accessLogs: 1 as any }), 'AddonIdentity.gatewayApiController Test/Gw: accessLogs is 1 (number), expected true or false');
  });
});
