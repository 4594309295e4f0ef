import { App, Stack, aws_eks as eks, aws_iam as iam } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { ClusterScope, EksCluster, WorkloadRole, type ServiceAccountBinding } from '../src';
import { expectError, synthErrors } from './util/errors';
import { ACCOUNT, REGION, clusterArn, importCluster, logicalIdsOf, newStack, podIdentityTags } from './util/fixtures';
import { resolveIntrinsics } from './util/iam-simulator';
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

/** `items` as the library lists them in messages: the first ten, then how many more. */
function listed(items: string[]): string {
  return items.length <= 10 ? items.join(', ') : `${items.slice(0, 10).join(', ')} and ${items.length - 10} more`;
}

const POD_IDENTITY_SIZE_ADVICE = 'split them over a second role, or use ClusterScope.NAME';

/** The message of a trust policy over `max` characters, for the service accounts `tuples` (`ns/sa@cluster (Pod Identity)`). */
function sizeMessage(path: string, characters: number, tuples: string[], max = 2048, advice = POD_IDENTITY_SIZE_ADVICE): string {
  return `WorkloadRole ${path}: the trust policy is ${characters} characters (whitespace removed) for ${tuples.length} service account(s): ` +
    `${listed(tuples)}, expected at most maxTrustPolicySize, ${max}; ${advice}; or, if your account's trust policy quota was raised, ` +
    'set maxTrustPolicySize (at most 4096)';
}

/**
 * The whitespace-free length of the only role's trust policy in `stack` as it will deploy: synthesized without validation
 * (so also when it is over the limit), with `env` resolving its deploy-time values.
 */
function deployedTrustSize(stack: Stack, env: Parameters<typeof resolveIntrinsics>[1] = {}): number {
  const template = App.of(stack)!.synth({ skipValidation: true }).getStackArtifact(stack.artifactId).template;
  const [role] = Object.values(template.Resources as Record<string, any>).filter(r => r.Type === 'AWS::IAM::Role');
  return JSON.stringify(resolveIntrinsics(role.Properties.AssumeRolePolicyDocument, env)).length;
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

  describe('an association with session tags disabled', () => {
    const POD_IDENTITY = { Service: 'pods.eks.amazonaws.com' };
    const ACTIONS = ['sts:AssumeRole', 'sts:TagSession'];

    /** A role trusting a/x (session tags passed) and b/y (session tags disabled) on cluster demo. */
    function mixed(props: { allowUnscopedPodIdentityTrust?: boolean } = {}) {
      const stack = newStack();
      const cluster = importCluster(stack);
      const role = new WorkloadRole(stack, 'Role', props);
      role.addPodIdentityTrust({ cluster, namespace: 'a', serviceAccount: 'x' });
      role.addPodIdentityTrust({ cluster, namespace: 'b', serviceAccount: 'y' }, { sessionTags: false });
      return { stack, role };
    }

    test('without allowUnscopedPodIdentityTrust, synthesis fails, listing the service accounts that lose their scoping', () => {
      const { stack, role } = mixed();
      expect(role.allowUnscopedPodIdentityTrust).toBe(false);
      expect(synthErrors(stack)).toEqual([
        '[Test/Role] WorkloadRole Test/Role: the Pod Identity association of b/y@demo disables session tags, so the trust needs a ' +
        'statement without conditions, which lets any Pod Identity association in the account that names this role assume it. ' +
        'Service accounts that lose their scoping: b/y@demo (session tags disabled), a/x@demo (session tags passed), ' +
        'expected session tags on every association of the role; keep session tags (drop disableSessionTags; a session policy ' +
        'needs them off), give those service accounts a role of their own, or accept the wider trust with ' +
        'allowUnscopedPodIdentityTrust: true on the role (or on the WorkloadIdentity or PodIdentityAssociation that creates it)',
      ]);
    });

    test('with allowUnscopedPodIdentityTrust, the tag-scoped statement is kept and one statement without conditions is added', () => {
      const { stack, role } = mixed({ allowUnscopedPodIdentityTrust: true });
      expect(role.allowUnscopedPodIdentityTrust).toBe(true);
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: Match.exact([
            {
              Effect: 'Allow',
              Principal: POD_IDENTITY,
              Action: ACTIONS,
              Condition: {
                StringEquals: {
                  'aws:RequestTag/eks-cluster-arn': clusterArn('demo'),
                  'aws:RequestTag/kubernetes-namespace': 'a',
                  'aws:RequestTag/kubernetes-service-account': 'x',
                },
              },
            },
            { Effect: 'Allow', Principal: POD_IDENTITY, Action: ACTIONS },
          ]),
        },
      });
      expect(statements(stack)[1]).not.toHaveProperty('Condition');
      Annotations.fromStack(stack).hasInfo('/Test/Role', 'Pod Identity trust without conditions (allowUnscopedPodIdentityTrust): ' +
        'any Pod Identity association in the account that names this role can assume it. ' +
        'Service accounts named: b/y@demo (session tags disabled), a/x@demo (session tags passed).');
    });

    test('with allowUnscopedPodIdentityTrust, the simulator admits the untagged association, and with it any association naming the role', async () => {
      const { stack } = mixed({ allowUnscopedPodIdentityTrust: true });
      const template = Template.fromStack(stack);
      const [roleId] = logicalIdsOf(template, 'AWS::IAM::Role');
      // b/y's association passes no session tags.
      expect(await podIdentityDecision(template, roleId, {})).toBe('Allowed');
      expect(await podIdentityDecision(template, roleId, { action: 'sts:TagSession' })).toBe('Allowed');
      expect(await podIdentityDecision(template, roleId, { tags: podIdentityTags('a', 'x') })).toBe('Allowed');
      // The wider trust that was accepted: a service account the role never named, on another cluster.
      expect(await podIdentityDecision(template, roleId, { tags: podIdentityTags('other', 'intruder', 'elsewhere') })).toBe('Allowed');
      // Still only through Pod Identity.
      expect(await podIdentityDecision(template, roleId, { principal: 'ec2.amazonaws.com' })).toBe('Denied');
    });

    test('allowUnscopedPodIdentityTrust alone widens nothing: with session tags on every association, an untagged request is denied', async () => {
      const stack = newStack();
      new WorkloadRole(stack, 'Role', { allowUnscopedPodIdentityTrust: true, podIdentity: [{ cluster: importCluster(stack), namespace: 'a', serviceAccount: 'x' }] });
      const template = Template.fromStack(stack);
      const [roleId] = logicalIdsOf(template, 'AWS::IAM::Role');
      expect(statements(stack)).toHaveLength(1);
      expect(await podIdentityDecision(template, roleId, {})).toBe('Denied');
      expect(await podIdentityDecision(template, roleId, { tags: podIdentityTags('a', 'x') })).toBe('Allowed');
      Annotations.fromStack(stack).hasNoInfo('/Test/Role', Match.anyValue());
    });

    test('only untagged associations: the one statement without conditions', () => {
      const stack = newStack();
      const role = new WorkloadRole(stack, 'Role', { allowUnscopedPodIdentityTrust: true });
      role.addPodIdentityTrust({ cluster: importCluster(stack), namespace: 'b', serviceAccount: 'y' }, { sessionTags: false });
      expect(statements(stack)).toEqual([{ Effect: 'Allow', Principal: POD_IDENTITY, Action: ACTIONS }]);
    });

    test.each([
      ['allowUnscopedPodIdentityTrust', 'true', '"true" (string)'],
      ['allowUnscopedPodIdentityTrust', 1, '1 (number)'],
    ])('%s given as %p (JavaScript) is an error', (_prop, value, shown) => {
      const stack = newStack();
      expectError(() => new WorkloadRole(stack, 'Role', { allowUnscopedPodIdentityTrust: value as any }),
        `WorkloadRole Test/Role: allowUnscopedPodIdentityTrust is ${shown}, expected true or false`);
    });

    test('sessionTags given as the string "false" (JavaScript) is an error, not a truthy value', () => {
      const stack = newStack();
      const role = new WorkloadRole(stack, 'Role');
      expectError(() => role.addPodIdentityTrust({ cluster: importCluster(stack), namespace: 'a', serviceAccount: 'x' }, { sessionTags: 'false' as any }),
        'WorkloadRole Test/Role: sessionTags is "false" (string), expected true or false');
      expect(role.podIdentityBindings).toEqual([]);
    });
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
    expect(synthErrors(stack)).toEqual(['[Test/Lonely] WorkloadRole Test/Lonely: the role trusts no service account, expected at least one; ' +
      'add one with addPodIdentityTrust(), addIrsaTrust() or the podIdentity and irsa props']);
  });

  test('a trust policy over 2,048 characters fails at synth, naming its size, its service accounts and what to do', () => {
    // Distinct namespaces with distinct service accounts cannot share statements: each costs a statement.
    const bindings = Array.from({ length: 12 }, (_, i) => ['demo', `team-${i}`, `service-account-${i}`] as Tuple);
    // The size IAM will count: the deployed document (all literal here), without whitespace.
    const size = deployedTrustSize(roleWith(bindings).stack);
    expect(size).toBeGreaterThan(2048);
    const tuples = bindings.map(([c, ns, sa]) => `${ns}/${sa}@${c} (Pod Identity)`);
    const errors = synthErrors(roleWith(bindings).stack);
    expect(errors).toEqual([`[Test/Role] ${sizeMessage('Test/Role', size, tuples)}`]);
    // The message lists ten of them and counts the rest.
    expect(errors[0]).toContain('team-9/service-account-9@demo (Pod Identity) and 2 more, expected');
    expect(errors[0]).not.toContain('team-10/');
  });

  test('the measured size is the whitespace-free JSON IAM counts', () => {
    const bindings = Array.from({ length: 4 }, (_, i) => ['demo', `team-${i}`, `sa-${i}`] as Tuple);
    const { stack } = roleWith(bindings);
    const doc = (Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role'))[0] as any).Properties.AssumeRolePolicyDocument;
    const size = JSON.stringify(doc).length;
    const tuples = bindings.map(([c, ns, sa]) => `${ns}/${sa}@${c} (Pod Identity)`);
    // Just under the size: rejected; at the size: accepted.
    expect(synthErrors(roleWith(bindings, { maxTrustPolicySize: size - 1 }).stack))
      .toEqual([`[Test/Role] ${sizeMessage('Test/Role', size, tuples, size - 1)}`]);
    expect(() => Template.fromStack(roleWith(bindings, { maxTrustPolicySize: size }).stack)).not.toThrow();
  });

  test('a raised quota (maxTrustPolicySize 4096) admits what 2,048 does not', () => {
    const bindings = Array.from({ length: 10 }, (_, i) => ['demo', `team-${i}`, `service-account-${i}`] as Tuple);
    const size = deployedTrustSize(roleWith(bindings, { maxTrustPolicySize: 4096 }).stack);
    expect(size).toBeGreaterThan(2048);
    expect(size).toBeLessThanOrEqual(4096);
    expect(synthErrors(roleWith(bindings).stack))
      .toEqual([`[Test/Role] ${sizeMessage('Test/Role', size, bindings.map(([c, ns, sa]) => `${ns}/${sa}@${c} (Pod Identity)`))}`]);
  });

  test.each([0, 4097, 2048.5, -1])('maxTrustPolicySize %p is rejected', (max) => {
    expectError(() => roleWith([['demo', 'a', 'x']], { maxTrustPolicySize: max }),
      `WorkloadRole Test/Role: maxTrustPolicySize is ${max}, expected a whole number of characters from 1 to 4096 (IAM's largest quota)`);
  });

  test('maxTrustPolicySize given as a string (JavaScript) is rejected', () => {
    expectError(() => roleWith([['demo', 'a', 'x']], { maxTrustPolicySize: '4096' as any }),
      'WorkloadRole Test/Role: maxTrustPolicySize is "4096", expected a whole number of characters from 1 to 4096 (IAM\'s largest quota)');
  });

  test.each([1, 4096])('maxTrustPolicySize %p is accepted', (max) => {
    expect(() => roleWith([['demo', 'a', 'x']], { maxTrustPolicySize: max })).not.toThrow();
  });

  test('a cluster ARN known only at deploy time is measured at its worst case', () => {
    const measured = (stack: Stack) => {
      const cluster = importCluster(stack);
      const podIdentity = Array.from({ length: 3 }, (_, i) => ({ cluster, namespace: `team-${i}`, serviceAccount: `sa-${i}` }));
      new WorkloadRole(stack, 'Role', { podIdentity, maxTrustPolicySize: 1 });
      const [error] = synthErrors(stack);
      // Pseudo parameters have a longest value: the size is a bound, not an estimate ("about").
      const match = /: the trust policy is (\d+) characters \(whitespace removed\)/.exec(error);
      expect(match).not.toBeNull();
      return Number(match![1]);
    };
    const literalStack = newStack();
    const literal = measured(literalStack);
    // In a stack with an account and region, the cluster ARN is literal: the size is the template's.
    expect(literal).toBe(deployedTrustSize(roleWith([['demo', 'team-0', 'sa-0'], ['demo', 'team-1', 'sa-1'], ['demo', 'team-2', 'sa-2']], { maxTrustPolicySize: 4096 }).stack));
    const agnostic = measured(new Stack(new App(), 'Agnostic')); // no account or region: pseudo parameters in the ARN
    // Worst cases over the regions aws-cdk-lib knows: the longest partition and region names, any 12-digit account.
    const longest = (values: Array<string | undefined>) => Math.max(...values.filter((v): v is string => typeof v === 'string').map(v => v.length));
    const partition = longest(RegionInfo.regions.map(r => r.partition));
    const region = longest(RegionInfo.regions.map(r => r.name));
    const perArn = (partition - 'aws'.length) + (region - REGION.length) + (12 - ACCOUNT.length);
    expect(perArn).toBeGreaterThan(0);
    // One cluster ARN per statement, three statements.
    expect(agnostic - literal).toBe(3 * perArn);
  });

  test('EKS cluster attributes and role ARNs of the same stack are measured exactly, as they will deploy', () => {
    const build = (maxTrustPolicySize?: number) => {
      const stack = newStack();
      const cfnCluster = new eks.CfnCluster(stack, 'EksCluster', {
        name: 'in-app', roleArn: `arn:aws:iam::${ACCOUNT}:role/eks`, resourcesVpcConfig: { subnetIds: ['subnet-1'] },
      });
      const cluster = EksCluster.fromClusterAttributes(stack, 'InApp', { clusterName: cfnCluster.ref, clusterArn: cfnCluster.attrArn });
      const associationRole = new iam.Role(stack, 'AssociationRole', { roleName: 'association-role', assumedBy: new iam.AccountRootPrincipal() });
      const role = new WorkloadRole(stack, 'Role', {
        maxTrustPolicySize,
        podIdentity: Array.from({ length: 3 }, (_, i) => ({ cluster, namespace: `team-${i}`, serviceAccount: `sa-${i}` })),
      });
      role.addPodIdentityTargetTrust(associationRole, { cluster, namespace: 'chained', serviceAccount: 'sa' });
      return { stack, cfnCluster, associationRole };
    };
    const { stack, cfnCluster, associationRole } = build(4096);
    const template = Template.fromStack(stack);
    const clusterId = stack.getLogicalId(cfnCluster);
    const associationRoleId = stack.getLogicalId(associationRole.node.defaultChild as iam.CfnRole);
    const trust = (template.findResources('AWS::IAM::Role', { Properties: { RoleName: Match.absent() } }) as any);
    const [doc] = Object.values(trust).map((r: any) => r.Properties.AssumeRolePolicyDocument);
    // The template refers to the cluster and the association role; what IAM stores is their real values.
    expect(JSON.stringify(doc)).toContain(`"Fn::GetAtt":["${clusterId}","Arn"]`);
    expect(JSON.stringify(doc)).toContain(`"Fn::GetAtt":["${associationRoleId}","Arn"]`);
    const size = JSON.stringify(resolveIntrinsics(doc, {
      account: ACCOUNT,
      region: REGION,
      refs: { [clusterId]: 'in-app' },
      getAtts: {
        [`${clusterId}.Arn`]: `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/in-app`,
        [`${associationRoleId}.Arn`]: `arn:aws:iam::${ACCOUNT}:role/association-role`,
      },
    })).length;
    expect(() => Template.fromStack(build(size).stack)).not.toThrow();
    // The cluster's name is a deploy-time value: messages name the cluster by its construct path.
    const tuples = ['team-0/sa-0', 'team-1/sa-1', 'team-2/sa-2', 'chained/sa'].map(t => `${t}@Test/InApp (Pod Identity)`);
    expect(synthErrors(build(size - 1).stack)).toEqual([`[Test/Role] ${sizeMessage('Test/Role', size, tuples, size - 1)}`]);
  });
});

describe('WorkloadRole clusterScope', () => {
  test.each(['name', 'arn', 'cluster-arn', ''])('clusterScope %p (not a ClusterScope value, e.g. from JavaScript) is an error', (clusterScope) => {
    const stack = newStack();
    expectError(() => new WorkloadRole(stack, 'Role', { clusterScope: clusterScope as any }),
      `WorkloadRole Test/Role: clusterScope is ${JSON.stringify(clusterScope)}, expected one of ClusterScope.ARN, ClusterScope.NAME`);
    expect(stack.node.tryFindChild('Role')).toBeUndefined();
  });

  test.each([ClusterScope.ARN, ClusterScope.NAME])('ClusterScope.%s is accepted', (clusterScope) => {
    const stack = newStack();
    expect(() => new WorkloadRole(stack, 'Role', { clusterScope, podIdentity: [{ cluster: importCluster(stack), namespace: 'a', serviceAccount: 'x' }] })).not.toThrow();
    expect(Object.keys(statements(stack)[0].Condition.StringEquals)).toContain(
      clusterScope === ClusterScope.ARN ? 'aws:RequestTag/eks-cluster-arn' : 'aws:RequestTag/eks-cluster-name');
  });
});
