import { App, Stack, aws_iam as iam } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ClusterScope, ServiceAccountBinding, WorkloadRole } from '../src';
import { clusterArn, importCluster, logicalIdsOf, newStack, podIdentityTags } from './util/fixtures';
import { podIdentityDecision } from './util/pod-identity-sim';

type Tuple = [cluster: string, namespace: string, serviceAccount: string];

function roleWith(bindings: Tuple[], props: { clusterScope?: ClusterScope; maxTrustPolicySize?: number } = {}) {
  const stack = newStack();
  const clusters = new Map<string, ReturnType<typeof importCluster>>();
  const cluster = (name: string) => {
    if (!clusters.has(name)) clusters.set(name, importCluster(stack, name));
    return clusters.get(name)!;
  };
  const podIdentity: ServiceAccountBinding[] = bindings.map(([c, namespace, serviceAccount]) => ({ cluster: cluster(c), namespace, serviceAccount }));
  const role = new WorkloadRole(stack, 'Role', { podIdentity, ...props });
  return { stack, role };
}

function statements(stack: Stack): any[] {
  const roles = Template.fromStack(stack).findResources('AWS::IAM::Role');
  return (Object.values(roles)[0] as any).Properties.AssumeRolePolicyDocument.Statement;
}

describe('WorkloadRole Pod Identity trust', () => {
  test('one service account: one statement for pods.eks.amazonaws.com, both actions, scoped by the three session tags', () => {
    const { stack } = roleWith([['demo', 'kube-system', 'metrics-server']]);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{
          Effect: 'Allow',
          Principal: { Service: 'pods.eks.amazonaws.com' },
          Action: ['sts:AssumeRole', 'sts:TagSession'],
          Condition: {
            StringEquals: {
              'aws:RequestTag/eks-cluster-arn': clusterArn('demo'),
              'aws:RequestTag/kubernetes-namespace': 'kube-system',
              'aws:RequestTag/kubernetes-service-account': 'metrics-server',
            },
          },
        }],
      },
    });
  });

  test('service accounts in different namespaces get separate statements: no cross product', () => {
    const { stack } = roleWith([['demo', 'a', 'x'], ['demo', 'b', 'y']]);
    expect(statements(stack)).toHaveLength(2);
  });

  test('namespaces with the same service accounts share one statement, and clusters with the same shape too', () => {
    const { stack } = roleWith([
      ['one', 'a', 'x'], ['one', 'a', 'y'], ['one', 'b', 'x'], ['one', 'b', 'y'],
      ['two', 'a', 'x'], ['two', 'a', 'y'], ['two', 'b', 'y'], ['two', 'b', 'x'],
    ]);
    const [only, ...rest] = statements(stack);
    expect(rest).toEqual([]);
    expect(only.Condition.StringEquals).toEqual({
      'aws:RequestTag/eks-cluster-arn': [clusterArn('one'), clusterArn('two')],
      'aws:RequestTag/kubernetes-namespace': ['a', 'b'],
      'aws:RequestTag/kubernetes-service-account': ['x', 'y'],
    });
  });

  test('the same binding twice is trusted once', () => {
    const { stack, role } = roleWith([['demo', 'a', 'x'], ['demo', 'a', 'x']]);
    expect(statements(stack)).toHaveLength(1);
    expect(role.podIdentityBindings).toHaveLength(1);
  });

  // The simulator decides, for every (cluster, namespace, service account) drawn from the values used,
  // whether the trust admits it: exactly the requested tuples may pass, for several shapes of request.
  const shapes: Array<Array<[string, string, string]>> = [
    [['one', 'a', 'x'], ['one', 'b', 'y']],
    [['one', 'a', 'x'], ['one', 'a', 'y'], ['one', 'b', 'x']],
    [['one', 'a', 'x'], ['two', 'b', 'y'], ['two', 'a', 'x']],
    [['one', 'a', 'x'], ['one', 'b', 'x'], ['two', 'a', 'y'], ['two', 'b', 'y'], ['two', 'c', 'x']],
  ];
  test.each(shapes.map(s => [s.map(t => t.join('/')).join(' '), s] as const))('exactly the requested tuples are admitted: %s', async (_name, shape) => {
    const { stack } = roleWith(shape);
    const template = Template.fromStack(stack);
    const [roleId] = logicalIdsOf(template, 'AWS::IAM::Role');
    const clusters = [...new Set(shape.map(t => t[0]))];
    const namespaces = [...new Set(shape.map(t => t[1]))];
    const accounts = [...new Set(shape.map(t => t[2]))];
    for (const c of clusters) {
      for (const ns of namespaces) {
        for (const sa of accounts) {
          const wanted = shape.some(t => t[0] === c && t[1] === ns && t[2] === sa);
          const decision = await podIdentityDecision(template, roleId, { tags: podIdentityTags(ns, sa, c) });
          expect(`${c}/${ns}/${sa}: ${decision}`).toBe(`${c}/${ns}/${sa}: ${wanted ? 'Allowed' : 'Denied'}`);
        }
      }
    }
  });

  test('ClusterScope.NAME scopes with aws:RequestTag/eks-cluster-name', () => {
    const { stack } = roleWith([['demo', 'a', 'x']], { clusterScope: ClusterScope.NAME });
    const [statement] = statements(stack);
    expect(statement.Condition.StringEquals).toEqual({
      'aws:RequestTag/eks-cluster-name': 'demo',
      'aws:RequestTag/kubernetes-namespace': 'a',
      'aws:RequestTag/kubernetes-service-account': 'x',
    });
  });

  test('disabled session tags make one unscoped statement and a warning', () => {
    const stack = newStack();
    const cluster = importCluster(stack);
    const role = new WorkloadRole(stack, 'Role');
    role.addPodIdentityTrust({ cluster, namespace: 'a', serviceAccount: 'x' });
    role.addPodIdentityTrust({ cluster, namespace: 'b', serviceAccount: 'y' }, { sessionTags: false });
    expect(statements(stack)).toEqual([{
      Effect: 'Allow',
      Principal: { Service: 'pods.eks.amazonaws.com' },
      Action: ['sts:AssumeRole', 'sts:TagSession'],
    }]);
    const warnings = Template.fromStack(stack).findResources('AWS::IAM::Role') && stack.node.findAll()
      .flatMap(c => c.node.metadata).filter(m => m.type === 'aws:cdk:warning').map(m => String(m.data));
    expect(warnings.join('\n')).toMatch(/Session tags are disabled for b\/y@demo.*any Pod Identity association in the account/);
  });

  test('bindings added after construction are rendered', () => {
    const stack = newStack();
    const role = new WorkloadRole(stack, 'Role');
    role.addPodIdentityTrust({ cluster: importCluster(stack), namespace: 'late', serviceAccount: 'sa' });
    expect(statements(stack)[0].Condition.StringEquals['aws:RequestTag/kubernetes-namespace']).toBe('late');
  });

  test('statements added to assumeRolePolicy are kept after the workload trust', () => {
    const stack = newStack();
    const role = new WorkloadRole(stack, 'Role', { podIdentity: [{ cluster: importCluster(stack), namespace: 'a', serviceAccount: 'x' }] });
    role.assumeRolePolicy!.addStatements(new iam.PolicyStatement({
      actions: ['sts:AssumeRole'],
      principals: [new iam.ArnPrincipal('arn:aws:iam::111122223333:role/break-glass')],
    }));
    const all = statements(stack);
    expect(all).toHaveLength(2);
    expect(all[0].Principal).toEqual({ Service: 'pods.eks.amazonaws.com' });
    expect(all[1]).toEqual({ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/break-glass' } });
  });

  test('the role is an ordinary IAM role: grants, managed policies, name and its CloudFormation resource as default child', () => {
    const stack = newStack();
    const role = new WorkloadRole(stack, 'Role', {
      roleName: 'catalog-api',
      podIdentity: [{ cluster: importCluster(stack), namespace: 'a', serviceAccount: 'x' }],
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: ['arn:aws:s3:::b'] }));
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', { RoleName: 'catalog-api' });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [Match.objectLike({ Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b' })] },
    });
    expect(role.node.defaultChild).toBe(role.node.findChild('Resource'));
    expect(WorkloadRole.isWorkloadRole(role)).toBe(true);
    expect(WorkloadRole.isWorkloadRole({})).toBe(false);
  });
});

describe('WorkloadRole synthesis errors', () => {
  test('a role that trusts nobody fails at synth', () => {
    const stack = newStack();
    new WorkloadRole(stack, 'Lonely');
    expect(() => Template.fromStack(stack)).toThrow('WorkloadRole Test/Lonely trusts no service account: add one with addPodIdentityTrust(), addIrsaTrust() or the podIdentity and irsa props');
  });

  test('a trust policy over 2,048 characters fails at synth, naming its size, its service accounts and what to do', () => {
    // Distinct namespaces with distinct service accounts cannot share statements: each costs a statement.
    const bindings = Array.from({ length: 12 }, (_, i) => ['demo', `team-${i}`, `service-account-${i}`] as [string, string, string]);
    const { stack } = roleWith(bindings);
    expect(() => Template.fromStack(stack)).toThrow(/team-9\/service-account-9@demo \(Pod Identity\) and 2 more\./);
    expect(() => Template.fromStack(stack)).toThrow(
      /WorkloadRole Test\/Role: trust policy is \d{4} characters \(whitespace removed\), over the limit of 2048\. It trusts 12 service account\(s\): team-0\/service-account-0@demo \(Pod Identity\), .*Split them over a second role, or use ClusterScope.NAME; or.*set maxTrustPolicySize \(at most 4096\)/,
    );
  });

  test('the measured size is the whitespace-free JSON IAM counts', () => {
    const bindings = Array.from({ length: 4 }, (_, i) => ['demo', `team-${i}`, `sa-${i}`] as [string, string, string]);
    const { stack } = roleWith(bindings);
    const doc = (Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role'))[0] as any).Properties.AssumeRolePolicyDocument;
    const size = JSON.stringify(doc).length;
    // Just under the size: rejected; at the size: accepted.
    expect(() => Template.fromStack(roleWith(bindings, { maxTrustPolicySize: size - 1 }).stack)).toThrow(`trust policy is ${size} characters`);
    expect(() => Template.fromStack(roleWith(bindings, { maxTrustPolicySize: size }).stack)).not.toThrow();
  });

  test('a raised quota (maxTrustPolicySize 4096) admits what 2,048 does not', () => {
    const bindings = Array.from({ length: 10 }, (_, i) => ['demo', `team-${i}`, `service-account-${i}`] as [string, string, string]);
    expect(() => Template.fromStack(roleWith(bindings).stack)).toThrow(/over the limit of 2048/);
    expect(() => Template.fromStack(roleWith(bindings, { maxTrustPolicySize: 4096 }).stack)).not.toThrow();
  });

  test.each([0, 4097, 2048.5])('maxTrustPolicySize %p is rejected', (max) => {
    expect(() => roleWith([['demo', 'a', 'x']], { maxTrustPolicySize: max }))
      .toThrow(`Invalid maxTrustPolicySize ${max}: expected a whole number of characters up to 4096 (IAM's largest quota)`);
  });

  test('a cluster ARN known only at deploy time is measured at its worst case', () => {
    const measured = (stack: Stack) => {
      const cluster = importCluster(stack);
      const podIdentity = Array.from({ length: 3 }, (_, i) => ({ cluster, namespace: `team-${i}`, serviceAccount: `sa-${i}` }));
      new WorkloadRole(stack, 'Role', { podIdentity, maxTrustPolicySize: 1 });
      const message = (() => { try { Template.fromStack(stack); } catch (e) { return String(e); } return ''; })();
      return Number(/trust policy is (?:about )?(\d+) characters/.exec(message)![1]);
    };
    const literal = measured(newStack());
    const agnostic = measured(new Stack(new App(), 'Agnostic')); // no account or region: pseudo parameters in the ARN
    // Worst cases: partition aws-us-gov (7 more than aws), region ap-southeast-7 (5 more than eu-west-1); one ARN per statement.
    expect(agnostic - literal).toBe(3 * (7 + 5));
  });
});
