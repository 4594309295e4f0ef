import { Template } from 'aws-cdk-lib/assertions';
import { AddonIdentity } from '../../src';
import { addonDecision, addonPolicyOf } from '../util/addon-sim';
import { expectError } from '../util/errors';
import { ACCOUNT, REGION, importCluster, newStack } from '../util/fixtures';

const mesh = (name: string) => `arn:aws:appmesh:${REGION}:${ACCOUNT}:mesh/${name}`;
const CERT = `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/0b6c7c3e-1b7e-4a53-9c6d-8f0e1d2c3b4a`;

function controller(meshNames: string[] = ['shop']) {
  const stack = newStack();
  const identity = AddonIdentity.appMeshController(stack, 'Mesh', { cluster: importCluster(stack), meshNames });
  return { identity, template: Template.fromStack(stack) };
}

function envoy(props: Partial<Parameters<typeof AddonIdentity.appMeshEnvoyProxy>[2]> = {}) {
  const stack = newStack();
  const identity = AddonIdentity.appMeshEnvoyProxy(stack, 'Envoy', { cluster: importCluster(stack), meshNames: ['shop'], ...props });
  return { identity, template: Template.fromStack(stack) };
}

describe('AddonIdentity.appMeshController', () => {
  test('appmesh-system/appmesh-controller; App Mesh actions on the given mesh only', async () => {
    const { identity, template } = controller();
    expect(identity.bindings.map(b => `${b.namespace}/${b.serviceAccount}`)).toEqual(['appmesh-system/appmesh-controller']);
    const policy = addonPolicyOf(template);
    expect(policy.Statement[0].Resource).toEqual([mesh('shop'), `${mesh('shop')}/*`]);
    expect(policy.Statement[0].Action).toHaveLength(34);
    for (const [action, resource] of [['appmesh:CreateVirtualNode', `${mesh('shop')}/virtualNode/web`], ['appmesh:DeleteMesh', mesh('shop')],
      ['appmesh:UpdateRoute', `${mesh('shop')}/virtualRouter/web/route/r1`]]) {
      expect(await addonDecision(policy, { action, resource })).toBe('Allowed');
      expect(await addonDecision(policy, { action, resource: resource.replace('mesh/shop', 'mesh/payments') })).toBe('Denied');
    }
    expect(await addonDecision(policy, { action: 'appmesh:ListMeshes', resource: '*' })).toBe('Allowed');
    const slr = `arn:aws:iam::${ACCOUNT}:role/aws-service-role/appmesh.amazonaws.com/AWSServiceRoleForAppMesh`;
    expect(await addonDecision(policy, { action: 'iam:CreateServiceLinkedRole', resource: slr, context: { 'iam:AWSServiceName': 'appmesh.amazonaws.com' } })).toBe('Allowed');
    const service = `arn:aws:servicediscovery:${REGION}:${ACCOUNT}:service/srv-0123456789abcdef`;
    expect(await addonDecision(policy, { action: 'servicediscovery:RegisterInstance', resource: service })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'servicediscovery:RegisterInstance', resource: service.replace(REGION, 'us-east-1') })).toBe('Denied');
  });

  test('the statements and their order', () => {
    expect(addonPolicyOf(controller().template).Statement.map(s => s.Sid)).toEqual(['ManageTheGivenMeshes', 'ListMeshesTakesNoResource',
      'CreateTheAppMeshServiceLinkedRole', 'ReadCertificatesNamedAtRunTime', 'RegisterPodsInCloudMap', 'CloudMapCallsWithoutAResourceAndItsRoute53Calls']);
  });

  test('bad inputs', () => {
    expectError(() => controller([]), 'AddonIdentity.appMeshController Test/Mesh: meshNames is not given, expected the meshes the controller ' +
      'manages; a policy on every mesh of the account is what this library does not write');
    expectError(() => controller(['shop/*']), 'AddonIdentity.appMeshController Test/Mesh: meshNames has "shop/*", expected a mesh name: ' +
      '1 to 255 letters, digits, - and _');
  });
});

describe('AddonIdentity.appMeshEnvoyProxy', () => {
  test('appmesh-system/envoy-proxy; the policy, exactly, with a certificate', () => {
    const { identity, template } = envoy({ certificateArns: [CERT] });
    expect(identity.bindings.map(b => `${b.namespace}/${b.serviceAccount}`)).toEqual(['appmesh-system/envoy-proxy']);
    expect(addonPolicyOf(template).Statement).toEqual([
      {
        Sid: 'StreamConfigurationOfTheGivenMeshes',
        Effect: 'Allow',
        Action: 'appmesh:StreamAggregatedResources',
        Resource: [`${mesh('shop')}/virtualNode/*`, `${mesh('shop')}/virtualGateway/*`],
      },
      { Sid: 'ExportTheGivenCertificates', Effect: 'Allow', Action: 'acm:ExportCertificate', Resource: CERT },
    ]);
  });

  test('the simulator: the given mesh\'s nodes, not another mesh\'s; no TLS call without certificates', async () => {
    const policy = addonPolicyOf(envoy().template);
    const node = `${mesh('shop')}/virtualNode/web`;
    expect(await addonDecision(policy, { action: 'appmesh:StreamAggregatedResources', resource: node })).toBe('Allowed');
    expect(await addonDecision(policy, { action: 'appmesh:StreamAggregatedResources', resource: node.replace('mesh/shop', 'mesh/payments') })).toBe('Denied');
    expect(await addonDecision(policy, { action: 'acm:ExportCertificate', resource: CERT })).toBe('Denied');
  });

  test('a malformed certificate ARN is an error', () => {
    expectError(() => envoy({ certificateArns: ['arn:aws:acm:eu-west-1:111122223333:certificate/*'] }), 'AddonIdentity.appMeshEnvoyProxy Test/Envoy: ' +
      'certificateArns has "arn:aws:acm:eu-west-1:111122223333:certificate/*", expected arn:<partition>:acm:<region>:<account>:certificate/<id>');
  });
});
