// WorkloadIdentity with `serviceAccounts`: several service accounts, on one or several clusters, sharing one role.
import { CfnParameter, type CfnResource, Names, type Stack, aws_s3 as s3 } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Testing } from 'cdk8s';
import { EksCluster, IdentityMechanism, WorkloadIdentity, WorkloadRole, type IWorkloadCluster, type ServiceAccountBinding } from '../src';
import { expectError } from './util/errors';
import { ACCOUNT, clusterArn, logicalIdsOf, newStack, podIdentityTags } from './util/fixtures';
import { createdProviders, eksIssuer, irsaDecision, providerArnFor } from './util/irsa-sim';
import { synthChartObjects } from './util/kubernetes';
import { podIdentityDecision } from './util/pod-identity-sim';

const ISSUERS: Record<string, string> = { one: eksIssuer('ONE00000'), two: eksIssuer('TWO00000') };

type Tuple = [cluster: 'one' | 'two', namespace: string, serviceAccount: string];

/** A stack with the clusters `one` and `two` (each with an OIDC issuer), and the bindings of `tuples` on them. */
function setup(tuples: Tuple[] = []) {
  const stack = newStack();
  const clusters: Record<string, IWorkloadCluster> = {
    one: EksCluster.fromClusterAttributes(stack, 'One', { clusterName: 'one', oidcIssuerUrl: ISSUERS.one }),
    two: EksCluster.fromClusterAttributes(stack, 'Two', { clusterName: 'two', oidcIssuerUrl: ISSUERS.two }),
  };
  const bindings: ServiceAccountBinding[] = tuples.map(([c, namespace, serviceAccount]) => ({ cluster: clusters[c], namespace, serviceAccount }));
  return { stack, clusters, bindings };
}

/** Every (cluster, namespace, service account) drawn from the values `tuples` use, with whether it is one of them. */
function crossProduct(tuples: Tuple[]): Array<{ tuple: Tuple; listed: boolean }> {
  const values = (i: 0 | 1 | 2) => [...new Set(tuples.map(t => t[i]))];
  return (values(0) as Tuple[0][]).flatMap(c => values(1).flatMap(ns => values(2).map(sa => ({
    tuple: [c, ns, sa] as Tuple,
    listed: tuples.some(t => t[0] === c && t[1] === ns && t[2] === sa),
  }))));
}

// Two service accounts on cluster one in different namespaces, and on cluster two one of the same names in one of the
// same namespaces: the cross product has tuples that are near misses of each listed one.
const TUPLES: Tuple[] = [['one', 'shop', 'api'], ['one', 'batch', 'worker'], ['two', 'shop', 'worker']];

describe('WorkloadIdentity with serviceAccounts (Pod Identity)', () => {
  test('one role; one association per service account, with id Association.<cluster>.<namespace>.<service account>', () => {
    const { stack, bindings } = setup(TUPLES);
    const identity = new WorkloadIdentity(stack, 'Api', { serviceAccounts: bindings });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 3);
    const [roleId] = logicalIdsOf(template, 'AWS::IAM::Role');
    for (const [cluster, namespace, serviceAccount] of TUPLES) {
      template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
        ClusterName: cluster, Namespace: namespace, ServiceAccount: serviceAccount, RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
      });
    }
    expect(identity.associations.map(a => a.node.id)).toEqual(['Association.one.shop.api', 'Association.one.batch.worker', 'Association.two.shop.worker']);
    expect(identity.association).toBe(identity.associations[0]);
    expect(identity.associations.every(a => a.role === identity.role)).toBe(true);
    expect(identity.bindings).toEqual(bindings);
    // The agent add-on, once per cluster.
    template.resourceCountIs('AWS::EKS::Addon', 2);
  });

  test('the role trusts exactly the listed tuples: the simulator denies every other combination of their values', async () => {
    const { stack, bindings } = setup(TUPLES);
    new WorkloadIdentity(stack, 'Api', { serviceAccounts: bindings });
    const template = Template.fromStack(stack);
    const [roleId] = logicalIdsOf(template, 'AWS::IAM::Role');
    const combinations = crossProduct(TUPLES);
    expect(combinations.filter(c => !c.listed).length).toBeGreaterThanOrEqual(5);
    for (const { tuple: [c, ns, sa], listed } of combinations) {
      const decision = await podIdentityDecision(template, roleId, { tags: podIdentityTags(ns, sa, c) });
      expect(`${c}/${ns}/${sa}: ${decision}`).toBe(`${c}/${ns}/${sa}: ${listed ? 'Allowed' : 'Denied'}`);
    }
    // A listed namespace and service account on a cluster of the same name in another region is not admitted either.
    expect(await podIdentityDecision(template, roleId, { tags: podIdentityTags('shop', 'api', 'one', clusterArn('one', 'us-east-1')) })).toBe('Denied');
  });

  test('association ids do not change when the list is reordered or grows', () => {
    const ids = (tuples: Tuple[]) => {
      const { stack, bindings } = setup(tuples);
      const identity = new WorkloadIdentity(stack, 'Api', { serviceAccounts: bindings });
      return Object.fromEntries(identity.associations.map(a => [a.node.id, stack.getLogicalId(a.node.defaultChild as CfnResource)]));
    };
    const first = ids(TUPLES);
    const reordered = ids([...TUPLES].reverse());
    const grown = ids([['one', 'web', 'frontend'], ...TUPLES]);
    expect(reordered).toEqual(first);
    expect(grown).toEqual(expect.objectContaining(first));
    expect(Object.keys(grown)).toHaveLength(4);
  });

  test('a cluster whose name is known only at deploy time is named by its unique id in the association id', () => {
    const stack = newStack();
    const name = new CfnParameter(stack, 'ClusterName').valueAsString;
    const cluster = EksCluster.fromClusterAttributes(stack, 'Param', { clusterName: name });
    const identity = new WorkloadIdentity(stack, 'Api', { serviceAccounts: [{ cluster, namespace: 'shop', serviceAccount: 'api' }, { cluster, namespace: 'shop', serviceAccount: 'web' }] });
    expect(identity.associations.map(a => a.node.id)).toEqual([`Association.${Names.uniqueId(cluster)}.shop.api`, `Association.${Names.uniqueId(cluster)}.shop.web`]);
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::PodIdentityAssociation', { ClusterName: { Ref: 'ClusterName' }, ServiceAccount: 'web' });
  });

  test('a chart gets one ServiceAccount per namespace and name: the same one on two clusters is one object', () => {
    const tuples: Tuple[] = [['one', 'shop', 'api'], ['two', 'shop', 'api'], ['two', 'batch', 'worker']];
    const { stack, bindings } = setup(tuples);
    const chart = Testing.chart();
    const identity = new WorkloadIdentity(stack, 'Api', { serviceAccounts: bindings, chart, serviceAccountOptions: { labels: { team: 'shop' } } });
    expect(synthChartObjects(chart)).toEqual([
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'api', namespace: 'shop', labels: { team: 'shop' } } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'worker', namespace: 'batch', labels: { team: 'shop' } } },
    ]);
    expect(identity.serviceAccountObjects.map(sa => `${sa.namespace}/${sa.name}`)).toEqual(['shop/api', 'batch/worker']);
    expect(identity.serviceAccount).toBe(identity.serviceAccountObjects[0]);
    // Pod Identity still needs one association per cluster.
    Template.fromStack(stack).resourceCountIs('AWS::EKS::PodIdentityAssociation', 3);
  });

  test('grants go to the one role', () => {
    const { stack, bindings } = setup(TUPLES);
    const identity = new WorkloadIdentity(stack, 'Api', { serviceAccounts: bindings });
    s3.Bucket.fromBucketName(stack, 'Bucket', 'data').grantRead(identity);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Policy', 1);
    template.hasResourceProperties('AWS::IAM::Policy', { Roles: [{ Ref: logicalIdsOf(template, 'AWS::IAM::Role')[0] }] });
  });

  test('a shared WorkloadRole gets every listed service account added to its trust', () => {
    const { stack, bindings } = setup(TUPLES);
    const role = new WorkloadRole(stack, 'Shared');
    new WorkloadIdentity(stack, 'Api', { serviceAccounts: bindings, role });
    expect(role.podIdentityBindings.map(b => `${b.cluster.clusterName}/${b.namespace}/${b.serviceAccount}`))
      .toEqual(['one/shop/api', 'one/batch/worker', 'two/shop/worker']);
  });
});

describe('WorkloadIdentity with serviceAccounts (IRSA)', () => {
  test('one role trusting each service account on its cluster\'s provider; one ServiceAccount per namespace and name with the literal ARN', async () => {
    const tuples: Tuple[] = [...TUPLES, ['two', 'shop', 'api']];
    const { stack, bindings } = setup(tuples);
    const chart = Testing.chart();
    const identity = new WorkloadIdentity(stack, 'Api', { serviceAccounts: bindings, mechanism: IdentityMechanism.IRSA, chart });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.resourceCountIs('AWS::IAM::OIDCProvider', 2);
    template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 0);
    expect(identity.associations).toEqual([]);

    const [roleId] = logicalIdsOf(template, 'AWS::IAM::Role');
    for (const { tuple: [c, namespace, serviceAccount], listed } of crossProduct(tuples)) {
      const decision = await irsaDecision(template, roleId, { issuer: ISSUERS[c], namespace, serviceAccount });
      expect(`${c}/${namespace}/${serviceAccount}: ${decision}`).toBe(`${c}/${namespace}/${serviceAccount}: ${listed ? 'Allowed' : 'Denied'}`);
    }
    // A token of one cluster's issuer presented through the other cluster's provider.
    expect(await irsaDecision(template, roleId, { issuer: ISSUERS.one, namespace: 'shop', serviceAccount: 'api', providerArn: providerArnFor(ISSUERS.two) }, createdProviders(template)))
      .toBe('Denied');

    const roleName = (Object.values(template.findResources('AWS::IAM::Role'))[0] as any).Properties.RoleName;
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/${roleName}`;
    expect(synthChartObjects(chart)).toEqual([
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'api', namespace: 'shop', annotations: { 'eks.amazonaws.com/role-arn': roleArn } } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'worker', namespace: 'batch', annotations: { 'eks.amazonaws.com/role-arn': roleArn } } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'worker', namespace: 'shop', annotations: { 'eks.amazonaws.com/role-arn': roleArn } } },
    ]);
  });

  test('BOTH: each service account gets its association and its IRSA trust', async () => {
    const { stack, bindings } = setup(TUPLES);
    const identity = new WorkloadIdentity(stack, 'Api', { serviceAccounts: bindings, mechanism: IdentityMechanism.BOTH });
    const template = Template.fromStack(stack);
    expect(identity.associations).toHaveLength(3);
    const [roleId] = logicalIdsOf(template, 'AWS::IAM::Role');
    for (const [c, namespace, serviceAccount] of TUPLES) {
      expect(await irsaDecision(template, roleId, { issuer: ISSUERS[c], namespace, serviceAccount })).toBe('Allowed');
      expect(await podIdentityDecision(template, roleId, { tags: podIdentityTags(namespace, serviceAccount, c) })).toBe('Allowed');
    }
    expect(await irsaDecision(template, roleId, { issuer: ISSUERS.two, namespace: 'shop', serviceAccount: 'api' })).toBe('Denied');
    expect(await podIdentityDecision(template, roleId, { tags: podIdentityTags('shop', 'api', 'two') })).toBe('Denied');
  });
});

describe('WorkloadIdentity serviceAccounts errors: nothing is created', () => {
  /** Asserts the error, and that neither the identity nor an OIDC provider nor a ServiceAccount was created. */
  function rejected(build: (ctx: ReturnType<typeof setup> & { chart: ReturnType<typeof Testing.chart> }) => unknown, message: string) {
    const ctx = { ...setup(TUPLES), chart: Testing.chart() };
    expectError(() => build(ctx), message);
    expect(ctx.stack.node.tryFindChild('Api')).toBeUndefined();
    expect(Object.keys(Template.fromStack(ctx.stack).toJSON().Resources ?? {})).toEqual([]);
    expect(ctx.chart.node.children).toEqual([]);
  }
  const api = (stack: Stack, props: Record<string, unknown>) => new WorkloadIdentity(stack, 'Api', props as any);
  const EITHER = 'expected either cluster, namespace and serviceAccount, or serviceAccounts; put each service account, with its cluster, in serviceAccounts';

  test('namespace together with serviceAccounts', () => {
    rejected(({ stack, bindings, chart }) => api(stack, { namespace: 'shop', serviceAccounts: bindings, chart, mechanism: IdentityMechanism.IRSA }),
      `WorkloadIdentity Test/Api: namespace is set together with serviceAccounts, ${EITHER}`);
  });

  test('cluster, namespace and serviceAccount together with serviceAccounts', () => {
    rejected(({ stack, clusters, bindings, chart }) => api(stack, { cluster: clusters.one, namespace: 'shop', serviceAccount: 'api', serviceAccounts: bindings, chart }),
      `WorkloadIdentity Test/Api: cluster, namespace, serviceAccount are set together with serviceAccounts, ${EITHER}`);
  });

  test('neither form', () => {
    rejected(({ stack, chart }) => api(stack, { chart, mechanism: IdentityMechanism.IRSA }),
      'WorkloadIdentity Test/Api: cluster, namespace, serviceAccount are not set, expected cluster, namespace and serviceAccount ' +
      '(one service account), or serviceAccounts (several)');
  });

  test('half of the single form', () => {
    rejected(({ stack, clusters, chart }) => api(stack, { cluster: clusters.one, namespace: 'shop', chart }),
      'WorkloadIdentity Test/Api: serviceAccount is not set, expected cluster, namespace and serviceAccount (one service account), ' +
      'or serviceAccounts (several)');
  });

  test('an empty list', () => {
    rejected(({ stack, chart }) => api(stack, { serviceAccounts: [], chart }), 'WorkloadIdentity Test/Api: serviceAccounts is empty, expected at least one service account');
  });

  test('a list that is not a list (JavaScript)', () => {
    rejected(({ stack, chart }) => api(stack, { serviceAccounts: 'shop/api', chart }),
      'WorkloadIdentity Test/Api: serviceAccounts is "shop/api", expected a list of service accounts');
  });

  test('a service account listed twice', () => {
    const twice = (bindings: ServiceAccountBinding[]) => [...bindings, { ...bindings[0] }];
    rejected(({ stack, bindings, chart }) => api(stack, { serviceAccounts: twice(bindings), chart, mechanism: IdentityMechanism.IRSA }),
      'WorkloadIdentity Test/Api: serviceAccounts names shop/api@one more than once, expected each service account once');
  });

  test('service accounts listed twice, through two imports of the same cluster', () => {
    rejected(({ stack, clusters, chart }) => {
      const again = EksCluster.fromClusterAttributes(stack, 'OneAgain', { clusterName: 'one', oidcIssuerUrl: ISSUERS.one });
      return api(stack, {
        serviceAccounts: [
          { cluster: clusters.one, namespace: 'shop', serviceAccount: 'api' },
          { cluster: clusters.two, namespace: 'shop', serviceAccount: 'api' },
          { cluster: again, namespace: 'shop', serviceAccount: 'api' },
          { cluster: clusters.two, namespace: 'shop', serviceAccount: 'api' },
        ],
        chart,
      });
    }, 'WorkloadIdentity Test/Api: serviceAccounts names shop/api@one, shop/api@two more than once, expected each service account once');
  });

  test('a listed service account with a bad namespace', () => {
    rejected(({ stack, clusters, bindings, chart }) => api(stack, { serviceAccounts: [...bindings, { cluster: clusters.two, namespace: 'Shop', serviceAccount: 'api' }], chart }),
      'WorkloadIdentity Test/Api: namespace "Shop" is not a DNS-1123 label, expected 1 to 63 characters: lowercase letters, digits and \'-\', ' +
      'starting and ending with a letter or digit');
  });

  test('a listed service account without a cluster', () => {
    rejected(({ stack, chart }) => api(stack, { serviceAccounts: [{ namespace: 'shop', serviceAccount: 'api' }], chart }),
      'WorkloadIdentity Test/Api: the cluster of service account "shop"/"api" is undefined, expected an IWorkloadCluster ' +
      '(EksCluster.fromClusterAttributes(), EksCluster.fromCluster())');
  });
});
