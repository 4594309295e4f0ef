import { MIGRATION_PHASES, migrationExample } from '../../examples/migration/app';
import { type ExampleOutput, allObjects, onlyTemplate, resourceTypes, synthesizeExample } from '../util/examples';
import type { Decision } from '../util/iam-simulator';
import { irsaDecision } from '../util/irsa-sim';
import { assertNoUnresolvedTokens, validateKubernetesObjects } from '../util/kubernetes';
import { assertNagClean } from '../util/nag';
import { podIdentityDecision } from '../util/pod-identity-sim';

const ISSUER = 'https://oidc.eks.eu-central-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF';
const CLUSTER_ARN = 'arn:aws:eks:eu-central-1:111122223333:cluster/prod';
const phases = Object.keys(MIGRATION_PHASES);
const outputs: Record<string, ExampleOutput> = Object.fromEntries(phases.map(p => [p, synthesizeExample(o => migrationExample(o, p))]));
const templates = Object.fromEntries(phases.map(p => [p, onlyTemplate(outputs[p])]));
const roleIdOf = (phase: string) => Object.keys(templates[phase].template.findResources('AWS::IAM::Role'))[0];

/** Can the orders-api pods get credentials with IRSA, and with Pod Identity, in `phase`? */
async function access(phase: string): Promise<{ irsa: Decision; podIdentity: Decision }> {
  const { template } = templates[phase];
  const roleId = roleIdOf(phase);
  return {
    irsa: await irsaDecision(template, roleId, { issuer: ISSUER, namespace: 'orders', serviceAccount: 'orders-api' }),
    podIdentity: await podIdentityDecision(template, roleId, {
      tags: {
        'eks-cluster-arn': CLUSTER_ARN, 'eks-cluster-name': 'prod', 'kubernetes-namespace': 'orders', 'kubernetes-service-account': 'orders-api',
      },
    }),
  };
}

function serviceAccount(phase: string): any {
  return allObjects(outputs[phase]).find(o => o.kind === 'ServiceAccount');
}

describe('examples/migration: IRSA → BOTH → POD_IDENTITY', () => {
  test('the role keeps its logical id and name in every phase: no deployment replaces it under running pods', () => {
    const ids = phases.map(roleIdOf);
    expect(new Set(ids).size).toBe(1);
    for (const phase of phases) templates[phase].template.hasResourceProperties('AWS::IAM::Role', { RoleName: 'orders-api' });
    const associationIds = ['both', 'pod-identity'].map(p => Object.keys(templates[p].template.findResources('AWS::EKS::PodIdentityAssociation')));
    expect(associationIds[0]).toEqual(associationIds[1]);
    expect(associationIds[0]).toHaveLength(1);
  });

  test('resources per phase', () => {
    expect(resourceTypes(templates.irsa.json)).toEqual(['AWS::IAM::Policy', 'AWS::IAM::Role']);
    for (const phase of ['both', 'pod-identity']) {
      expect(resourceTypes(templates[phase].json)).toEqual(['AWS::EKS::Addon', 'AWS::EKS::PodIdentityAssociation', 'AWS::IAM::Policy', 'AWS::IAM::Role']);
    }
  });

  test('phase irsa: IRSA works, Pod Identity does not; the ServiceAccount is annotated', async () => {
    expect(await access('irsa')).toEqual({ irsa: 'Allowed', podIdentity: 'Denied' });
    expect(serviceAccount('irsa').metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/orders-api' });
  });

  test('phase both: either works, so old pods (IRSA) and new pods (Pod Identity) both get credentials', async () => {
    expect(await access('both')).toEqual({ irsa: 'Allowed', podIdentity: 'Allowed' });
    expect(serviceAccount('both').metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/orders-api' });
  });

  test('phase pod-identity: only Pod Identity; the annotation is gone', async () => {
    expect(await access('pod-identity')).toEqual({ irsa: 'Denied', podIdentity: 'Allowed' });
    expect(serviceAccount('pod-identity').metadata.annotations).toBeUndefined();
  });

  test.each(phases)('phase %s: the YAML validates and holds only literals; cdk-nag reports no errors', (phase) => {
    validateKubernetesObjects(allObjects(outputs[phase]));
    for (const [file, text] of Object.entries(outputs[phase].yaml)) assertNoUnresolvedTokens(text, file);
    expect(() => assertNagClean(migrationExample(undefined, phase).app)).not.toThrow();
  });

  test('an unknown phase is an error', () => {
    expect(() => migrationExample(undefined, 'later')).toThrow('Unknown phase "later": expected one of irsa, both, pod-identity');
  });

  test.each(phases)('snapshot of phase %s', (phase) => {
    expect({ template: templates[phase].json, yaml: outputs[phase].yaml }).toMatchSnapshot();
  });
});
