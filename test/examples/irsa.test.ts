import { irsaExample } from '../../examples/irsa/app';
import { allObjects, onlyTemplate, resourceTypes, synthesizeExample } from '../util/examples';
import { resolveIntrinsics } from '../util/iam-simulator';
import { createdProviders, irsaDecision, providerArnFor } from '../util/irsa-sim';
import { assertNoUnresolvedTokens, validateKubernetesObjects } from '../util/kubernetes';
import { assertNagClean } from '../util/nag';

const ISSUER = 'https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
const OTHER_ISSUER = 'https://oidc.eks.eu-west-1.amazonaws.com/id/0THERC1USTER0000000000000000000';
const output = synthesizeExample(irsaExample);
const { template, json } = onlyTemplate(output);
const roleId = Object.keys(template.findResources('AWS::IAM::Role'))[0];
const decide = (request: Partial<Parameters<typeof irsaDecision>[2]>) => irsaDecision(template, roleId, {
  issuer: ISSUER, namespace: 'default', serviceAccount: 'my-serviceaccount', ...request,
}, createdProviders(template));

describe('examples/irsa: CloudFormation', () => {
  test('one OIDC provider, one role, one policy: no Lambda, no custom resource', () => {
    expect(resourceTypes(json)).toEqual(['AWS::IAM::OIDCProvider', 'AWS::IAM::Policy', 'AWS::IAM::Role']);
    template.hasResourceProperties('AWS::IAM::OIDCProvider', { Url: ISSUER, ClientIdList: ['sts.amazonaws.com'] });
    template.hasResourceProperties('AWS::IAM::Role', { RoleName: 'my-serviceaccount' });
  });

  test('the trust admits default/my-serviceaccount from the cluster\'s issuer with audience sts.amazonaws.com', async () => {
    expect(await decide({})).toBe('Allowed');
  });

  test('near misses are denied: other namespace, other service account, other issuer, other audience, other action', async () => {
    expect(await decide({ namespace: 'kube-system' })).toBe('Denied');
    expect(await decide({ serviceAccount: 'default' })).toBe('Denied');
    expect(await decide({ issuer: OTHER_ISSUER })).toBe('Denied');
    expect(await decide({ providerArn: providerArnFor(OTHER_ISSUER) })).toBe('Denied');
    expect(await decide({ audience: 'awssts' })).toBe('Denied');
    expect(await decide({ action: 'sts:AssumeRole' })).toBe('Denied');
  });

  test('the policy reads the one table: no write actions, no other table', () => {
    const [policy] = Object.values(template.findResources('AWS::IAM::Policy')) as any[];
    const [statement] = resolveIntrinsics(policy.Properties.PolicyDocument.Statement, { region: 'eu-west-1', account: '111122223333' }) as any[];
    expect(statement.Resource).toEqual(['arn:aws:dynamodb:eu-west-1:111122223333:table/orders']);
    expect(statement.Action.filter((a: string) => /Put|Update|Delete|Write/.test(a))).toEqual([]);
    expect(statement.Action).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan']));
  });

  test('cdk-nag AwsSolutions reports no errors', () => {
    expect(() => assertNagClean(irsaExample().app)).not.toThrow();
  });

  test('logical ids are pinned: changing one replaces the role or the provider', () => {
    expect(Object.keys(json.Resources).sort()).toEqual([
      'DemoOidcProviderB50AFE0A',
      'MyServiceAccountRoleB41709FF',
      'MyServiceAccountRoleDefaultPolicyC4EF8CD9',
    ]);
  });

  test('snapshot of the template', () => {
    expect(json).toMatchSnapshot();
  });
});

describe('examples/irsa: Kubernetes YAML', () => {
  const objects = allObjects(output);

  test('every object validates and holds only literals', () => {
    validateKubernetesObjects(objects);
    for (const [file, text] of Object.entries(output.yaml)) assertNoUnresolvedTokens(text, file);
  });

  test('the ServiceAccount carries the role ARN as a literal, and regional STS endpoints', () => {
    expect(objects).toEqual([{
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: 'my-serviceaccount',
        namespace: 'default',
        annotations: {
          'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/my-serviceaccount',
          'eks.amazonaws.com/sts-regional-endpoints': 'true',
        },
      },
    }]);
  });

  test('snapshot of the YAML', () => {
    expect(output.yaml).toMatchSnapshot();
  });
});
