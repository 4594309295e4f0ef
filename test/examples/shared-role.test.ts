import { BLUE_ISSUER, GREEN_ISSUER, SHARED_ROLE_USERS, sharedRoleExample } from '../../examples/shared-role/app';
import { allObjects, onlyTemplate, resourceTypes, synthesizeExample } from '../util/examples';
import { resolveIntrinsics } from '../util/iam-simulator';
import { createdProviders, irsaDecision, providerArnFor } from '../util/irsa-sim';
import { assertNoUnresolvedTokens, parseYamlDocuments, validateKubernetesObjects } from '../util/kubernetes';
import { assertNagClean } from '../util/nag';

const output = synthesizeExample(sharedRoleExample);
const { template, json } = onlyTemplate(output);
const roleId = Object.keys(template.findResources('AWS::IAM::Role'))[0];
const issuers = { blue: BLUE_ISSUER, green: GREEN_ISSUER };
const decide = (cluster: 'blue' | 'green', namespace: string, serviceAccount: string, extra: { audience?: string; action?: string } = {}) =>
  irsaDecision(template, roleId, { issuer: issuers[cluster], namespace, serviceAccount, ...extra }, createdProviders(template));

describe('examples/shared-role: CloudFormation', () => {
  test('one role, one policy, and only blue\'s OIDC provider (green\'s is imported)', () => {
    expect(resourceTypes(json)).toEqual(['AWS::IAM::OIDCProvider', 'AWS::IAM::Policy', 'AWS::IAM::Role']);
    template.hasResourceProperties('AWS::IAM::OIDCProvider', { Url: BLUE_ISSUER });
  });

  test('one statement per cluster provider, listing that cluster\'s subjects', () => {
    const statements = (Object.values(template.findResources('AWS::IAM::Role'))[0] as any).Properties.AssumeRolePolicyDocument.Statement;
    expect(statements).toHaveLength(2);
    expect(statements[1].Principal).toEqual({ Federated: providerArnFor(GREEN_ISSUER) });
    expect(statements[1].Condition.StringEquals[`${GREEN_ISSUER.slice(8)}:sub`])
      .toEqual(['system:serviceaccount:reports:generator', 'system:serviceaccount:audit:collector']);
  });

  test('each of the five service accounts is admitted', async () => {
    for (const [cluster, namespace, serviceAccount] of SHARED_ROLE_USERS) {
      expect(`${cluster}/${namespace}/${serviceAccount}: ${await decide(cluster, namespace, serviceAccount)}`)
        .toBe(`${cluster}/${namespace}/${serviceAccount}: Allowed`);
    }
  });

  test('every other combination of the clusters, namespaces and service accounts in use is denied', async () => {
    const namespaces = [...new Set(SHARED_ROLE_USERS.map(u => u[1]))];
    const accounts = [...new Set(SHARED_ROLE_USERS.map(u => u[2]))];
    for (const cluster of ['blue', 'green'] as const) {
      for (const namespace of namespaces) {
        for (const serviceAccount of accounts) {
          if (SHARED_ROLE_USERS.some(u => u[0] === cluster && u[1] === namespace && u[2] === serviceAccount)) continue;
          expect(`${cluster}/${namespace}/${serviceAccount}: ${await decide(cluster, namespace, serviceAccount)}`)
            .toBe(`${cluster}/${namespace}/${serviceAccount}: Denied`);
        }
      }
    }
  });

  test('the role may read exactly one object', () => {
    const [policy] = Object.values(template.findResources('AWS::IAM::Policy')) as any[];
    expect(resolveIntrinsics(policy.Properties.PolicyDocument.Statement)).toEqual([
      { Action: 's3:GetObject', Effect: 'Allow', Resource: 'arn:aws:s3:::reports-111122223333/daily/latest.csv' },
    ]);
  });

  test('other audience and other action are denied', async () => {
    expect(await decide('blue', 'reports', 'generator', { audience: 'awssts' })).toBe('Denied');
    expect(await decide('green', 'audit', 'collector', { action: 'sts:AssumeRole' })).toBe('Denied');
  });

  test('cdk-nag AwsSolutions reports no errors', () => {
    expect(() => assertNagClean(sharedRoleExample().app)).not.toThrow();
  });

  test('logical ids are pinned', () => {
    expect(Object.keys(json.Resources).sort()).toEqual(['BlueOidcProvider86AC3D5F', 'ReportsReader1C2F753D', 'ReportsReaderDefaultPolicy4C94616B']);
  });

  test('snapshot of the template', () => {
    expect(json).toMatchSnapshot();
  });
});

describe('examples/shared-role: Kubernetes YAML', () => {
  test('one file per cluster; every object validates and holds only literals', () => {
    expect(Object.keys(output.yaml)).toEqual(['blue.yaml', 'green.yaml']);
    validateKubernetesObjects(allObjects(output));
    for (const [file, text] of Object.entries(output.yaml)) assertNoUnresolvedTokens(text, file);
  });

  test('each cluster\'s file has its service accounts, annotated with the shared role\'s literal ARN, and their namespaces', () => {
    for (const cluster of ['blue', 'green'] as const) {
      const objects = parseYamlDocuments(output.yaml[`${cluster}.yaml`]);
      const accounts = objects.filter(o => o.kind === 'ServiceAccount');
      expect(accounts.map(o => `${o.metadata.namespace}/${o.metadata.name}`))
        .toEqual(SHARED_ROLE_USERS.filter(u => u[0] === cluster).map(u => `${u[1]}/${u[2]}`));
      for (const account of accounts) {
        expect(account.metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/reports-reader' });
      }
      expect(objects.filter(o => o.kind === 'Namespace').map(o => o.metadata.name)).toEqual(accounts.map(o => o.metadata.namespace));
    }
  });

  test('snapshot of the YAML', () => {
    expect(output.yaml).toMatchSnapshot();
  });
});
