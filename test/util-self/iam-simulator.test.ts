import { App, Stack, aws_iam as iam } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { conditionHolds, resolveIntrinsics, simulateAssumeRole, trustPolicyOf, type AssumeRoleRequest } from '../util';

const ROLE_ARN = 'arn:aws:iam::111122223333:role/workload';
const POD_IDENTITY_TRUST = {
  Version: '2012-10-17',
  Statement: [{
    Effect: 'Allow',
    Principal: { Service: 'pods.eks.amazonaws.com' },
    Action: ['sts:AssumeRole', 'sts:TagSession'],
    Condition: {
      StringEquals: {
        'aws:RequestTag/kubernetes-namespace': 'team-a',
        'aws:RequestTag/kubernetes-service-account': 'app',
        'aws:RequestTag/eks-cluster-name': 'prod',
      },
    },
  }],
};
const TAGS = { 'kubernetes-namespace': 'team-a', 'kubernetes-service-account': 'app', 'eks-cluster-name': 'prod', 'kubernetes-pod-name': 'p-1' };

const podIdentity = async (overrides: Partial<AssumeRoleRequest> = {}) => (await simulateAssumeRole({
  trustPolicy: POD_IDENTITY_TRUST,
  roleArn: ROLE_ARN,
  principal: 'pods.eks.amazonaws.com',
  action: 'sts:AssumeRole',
  requestTags: TAGS,
  ...overrides,
})).decision;

describe('simulateAssumeRole: EKS Pod Identity trust (session tags)', () => {
  test('matching tags are allowed for sts:AssumeRole and sts:TagSession', async () => {
    expect(await podIdentity()).toBe('Allowed');
    expect(await podIdentity({ action: 'sts:TagSession' })).toBe('Allowed');
  });

  test('other namespace, other service account, other cluster and missing tags are denied', async () => {
    expect(await podIdentity({ requestTags: { ...TAGS, 'kubernetes-namespace': 'team-b' } })).toBe('Denied');
    expect(await podIdentity({ requestTags: { ...TAGS, 'kubernetes-service-account': 'other' } })).toBe('Denied');
    expect(await podIdentity({ requestTags: { ...TAGS, 'eks-cluster-name': 'dev' } })).toBe('Denied');
    expect(await podIdentity({ requestTags: {} })).toBe('Denied');
    const { 'kubernetes-service-account': _omit, ...withoutSa } = TAGS;
    expect(await podIdentity({ requestTags: withoutSa })).toBe('Denied');
  });

  test('wrong service principal and wrong action are denied', async () => {
    expect(await podIdentity({ principal: 'ec2.amazonaws.com' })).toBe('Denied');
    expect(await podIdentity({ principal: 'arn:aws:iam::111122223333:role/other' })).toBe('Denied');
    expect(await podIdentity({ action: 'sts:AssumeRoleWithWebIdentity' })).toBe('Denied');
    expect(await podIdentity({ action: 'sts:SetSourceIdentity' })).toBe('Denied');
  });

  test('a context key the simulator would drop, an invalid policy and a placeholder ARN throw', async () => {
    await expect(podIdentity({ context: { 'aws:RequestTags/kubernetes-namespace': 'team-a' } })).rejects.toThrow(/ignores context keys/);
    await expect(podIdentity({ trustPolicy: { Statement: [{ Effect: 'Maybe' }] } })).rejects.toThrow(/rejected the simulation/);
    await expect(podIdentity({ roleArn: '${Token[TOKEN.1]}' })).rejects.toThrow(/not a literal IAM role ARN/);
  });
});

describe('simulateAssumeRole: cross-account trust with aws:PrincipalArn', () => {
  const trust = {
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::444455556666:root' },
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      Condition: { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::444455556666:role/association' } },
    }],
  };
  const run = async (principal: string, principalPolicies?: object[]) => (await simulateAssumeRole({
    trustPolicy: trust, roleArn: ROLE_ARN, principal, action: 'sts:AssumeRole', principalPolicies,
  })).decision;

  test('the named role (and its sessions) is allowed, other roles are denied', async () => {
    expect(await run('arn:aws:iam::444455556666:role/association')).toBe('Allowed');
    expect(await run('arn:aws:sts::444455556666:assumed-role/association/session')).toBe('Allowed');
    expect(await run('arn:aws:iam::444455556666:role/other')).toBe('Denied');
    expect(await run('arn:aws:iam::777788889999:role/association')).toBe('Denied');
  });

  test('a caller without identity permission is denied', async () => {
    expect(await run('arn:aws:iam::444455556666:role/association', [])).toBe('Denied');
  });
});

describe('simulateAssumeRole: IRSA trust (web identity)', () => {
  const ISSUER = 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
  const PROVIDER = `arn:aws:iam::111122223333:oidc-provider/${ISSUER}`;
  const OTHER_PROVIDER = 'arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/OTHER';
  const exactTrust = {
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Allow',
      Principal: { Federated: PROVIDER },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: {
          [`${ISSUER}:aud`]: 'sts.amazonaws.com',
          [`${ISSUER}:sub`]: ['system:serviceaccount:team-a:app', 'system:serviceaccount:team-a:worker'],
        },
      },
    }],
  };
  const namespaceTrust = {
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Allow',
      Principal: { Federated: PROVIDER },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: { [`${ISSUER}:aud`]: 'sts.amazonaws.com' },
        StringLike: { [`${ISSUER}:sub`]: 'system:serviceaccount:team-a:*' },
      },
    }],
  };
  interface IrsaOptions { aud?: string; principal?: string; action?: string; issuer?: string }
  const irsa = async (trustPolicy: object, sub: string | undefined, opts: IrsaOptions = {}) => {
    const issuer = opts.issuer ?? ISSUER;
    const context: Record<string, string> = { [`${issuer}:aud`]: opts.aud ?? 'sts.amazonaws.com' };
    if (sub !== undefined) context[`${issuer}:sub`] = sub;
    return simulateAssumeRole({
      trustPolicy,
      roleArn: ROLE_ARN,
      principal: opts.principal ?? PROVIDER,
      action: opts.action ?? 'sts:AssumeRoleWithWebIdentity',
      context,
    });
  };

  test('exact subjects (either list entry) are allowed', async () => {
    const app = await irsa(exactTrust, 'system:serviceaccount:team-a:app');
    expect(app.decision).toBe('Allowed');
    expect(app.details.mode).toBe('Discovery');
    expect(app.details.externalConditions.map((c) => [c.key.split(':').pop(), c.holds])).toEqual([['aud', true], ['sub', true]]);
    expect((await irsa(exactTrust, 'system:serviceaccount:team-a:worker')).decision).toBe('Allowed');
  });

  test('other namespace, other service account, wildcard-looking subject, missing subject are denied', async () => {
    expect((await irsa(exactTrust, 'system:serviceaccount:team-b:app')).decision).toBe('Denied');
    expect((await irsa(exactTrust, 'system:serviceaccount:team-a:other')).decision).toBe('Denied');
    expect((await irsa(exactTrust, 'system:serviceaccount:team-a:*')).decision).toBe('Denied');
    expect((await irsa(exactTrust, 'SYSTEM:SERVICEACCOUNT:TEAM-A:APP')).decision).toBe('Denied');
    expect((await irsa(exactTrust, undefined)).decision).toBe('Denied');
  });

  test('other audience, other provider, claims of another issuer and sts:AssumeRole are denied', async () => {
    const sub = 'system:serviceaccount:team-a:app';
    expect((await irsa(exactTrust, sub, { aud: 'awssts' })).decision).toBe('Denied');
    expect((await irsa(exactTrust, sub, { principal: OTHER_PROVIDER })).decision).toBe('Denied');
    expect((await irsa(exactTrust, sub, { issuer: 'oidc.eks.us-east-1.amazonaws.com/id/OTHER' })).decision).toBe('Denied');
    expect((await irsa(exactTrust, sub, { action: 'sts:AssumeRole' })).decision).toBe('Denied');
  });

  test('StringLike namespace trust allows any service account of the namespace only', async () => {
    expect((await irsa(namespaceTrust, 'system:serviceaccount:team-a:app')).decision).toBe('Allowed');
    expect((await irsa(namespaceTrust, 'system:serviceaccount:team-a:anything')).decision).toBe('Allowed');
    expect((await irsa(namespaceTrust, 'system:serviceaccount:team-b:app')).decision).toBe('Denied');
    expect((await irsa(namespaceTrust, 'system:serviceaccount:team-ab:app')).decision).toBe('Denied');
    expect((await irsa(namespaceTrust, 'system:serviceaccount:team-a:app', { aud: 'other' })).decision).toBe('Denied');
    expect((await irsa(namespaceTrust, 'system:serviceaccount:team-a:app', { principal: OTHER_PROVIDER })).decision).toBe('Denied');
    expect((await irsa(namespaceTrust, 'system:serviceaccount:team-a:app', { action: 'sts:AssumeRole' })).decision).toBe('Denied');
  });

  test('a Deny statement on a web-identity claim is honoured', async () => {
    const withDeny = {
      ...namespaceTrust,
      Statement: [...namespaceTrust.Statement, {
        Effect: 'Deny',
        Principal: { Federated: PROVIDER },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { [`${ISSUER}:sub`]: 'system:serviceaccount:team-a:blocked' } },
      }],
    };
    expect((await irsa(withDeny, 'system:serviceaccount:team-a:app')).decision).toBe('Allowed');
    expect((await irsa(withDeny, 'system:serviceaccount:team-a:blocked')).decision).toBe('Denied');
  });

  test('service-prefixed conditions next to web-identity ones are still evaluated by the simulator', async () => {
    const withTag = {
      ...exactTrust,
      Statement: [{ ...exactTrust.Statement[0], Condition: { ...exactTrust.Statement[0].Condition, StringEquals: { ...exactTrust.Statement[0].Condition.StringEquals, 'aws:RequestTag/team': 'a' } } }],
    };
    const base = { trustPolicy: withTag, roleArn: ROLE_ARN, principal: PROVIDER, action: 'sts:AssumeRoleWithWebIdentity' };
    const claims = { [`${ISSUER}:aud`]: 'sts.amazonaws.com', [`${ISSUER}:sub`]: 'system:serviceaccount:team-a:app' };
    expect((await simulateAssumeRole({ ...base, context: claims, requestTags: { team: 'a' } })).decision).toBe('Allowed');
    expect((await simulateAssumeRole({ ...base, context: claims, requestTags: { team: 'b' } })).decision).toBe('Denied');
    expect((await simulateAssumeRole({ ...base, context: claims })).decision).toBe('Denied');
  });
});

describe('conditionHolds', () => {
  const ctx = { 'k:sub': 'system:serviceaccount:ns:sa', 'aws:TagKeys': ['a', 'b'] };
  test('implements IAM semantics for the operators it supports', () => {
    expect(conditionHolds({ operator: 'StringEquals', key: 'K:SUB', values: ['x', 'system:serviceaccount:ns:sa'] }, ctx)).toBe(true);
    expect(conditionHolds({ operator: 'StringLike', key: 'k:sub', values: ['system:serviceaccount:ns:?a'] }, ctx)).toBe(true);
    expect(conditionHolds({ operator: 'StringLike', key: 'k:sub', values: ['system:serviceaccount:n:*'] }, ctx)).toBe(false);
    expect(conditionHolds({ operator: 'StringNotEquals', key: 'k:missing', values: ['x'] }, ctx)).toBe(true);
    expect(conditionHolds({ operator: 'StringEqualsIfExists', key: 'k:missing', values: ['x'] }, ctx)).toBe(true);
    expect(conditionHolds({ operator: 'StringEquals', key: 'k:missing', values: ['x'] }, ctx)).toBe(false);
    expect(conditionHolds({ operator: 'Null', key: 'k:missing', values: ['true'] }, ctx)).toBe(true);
    expect(conditionHolds({ operator: 'ForAllValues:StringEquals', key: 'aws:TagKeys', values: ['a', 'b', 'c'] }, ctx)).toBe(true);
    expect(conditionHolds({ operator: 'ForAnyValue:StringEquals', key: 'aws:TagKeys', values: ['c'] }, ctx)).toBe(false);
    expect(() => conditionHolds({ operator: 'NumericEquals', key: 'k:sub', values: ['1'] }, ctx)).toThrow(/unsupported/);
    expect(() => conditionHolds({ operator: 'StringEquals', key: 'k:sub', values: ['${aws:username}'] }, ctx)).toThrow(/policy variables/);
  });
});

describe('resolveIntrinsics and trustPolicyOf', () => {
  test('resolves pseudo parameters, refs, attributes, joins, splits, selects and subs', () => {
    const value = {
      a: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':role/', { Ref: 'Role1' }]] },
      b: { 'Fn::GetAtt': ['Role1', 'Arn'] },
      c: { 'Fn::Select': [1, { 'Fn::Split': [':oidc-provider/', { Ref: 'Provider' }] }] },
      d: { 'Fn::Sub': 'sts.${AWS::URLSuffix} ${AWS::Region} ${Role1.Arn} ${!Literal}' },
      e: [{ Ref: 'AWS::NoValue' }, 'kept'],
    };
    expect(resolveIntrinsics(value, {
      partition: 'aws-cn',
      refs: { Role1: 'r1', Provider: 'arn:aws:iam::111122223333:oidc-provider/oidc.example.com/id/X' },
      getAtts: { 'Role1.Arn': 'arn:aws:iam::111122223333:role/r1' },
    })).toEqual({
      a: 'arn:aws-cn:iam::111122223333:role/r1',
      b: 'arn:aws:iam::111122223333:role/r1',
      c: 'oidc.example.com/id/X',
      d: 'sts.amazonaws.com us-east-1 arn:aws:iam::111122223333:role/r1 ${Literal}',
      e: ['kept'],
    });
  });

  test('throws on anything it cannot resolve', () => {
    expect(() => resolveIntrinsics({ Ref: 'Unknown' }, {})).toThrow(/cannot resolve \{ Ref: "Unknown" \}/);
    expect(() => resolveIntrinsics({ 'Fn::GetAtt': ['X', 'Arn'] }, {})).toThrow(/X.Arn/);
    expect(() => resolveIntrinsics({ 'Fn::If': ['c', 'a', 'b'] }, {})).toThrow(/unsupported intrinsic Fn::If/);
    expect(() => resolveIntrinsics({ k: '${Token[TOKEN.12]}' }, {})).toThrow(/unresolved CDK token/);
    expect(() => resolveIntrinsics({ Ref: 'AWS::StackName' }, {})).toThrow();
  });

  test('trustPolicyOf returns the resolved trust of a synthesized role, usable in a simulation', async () => {
    const stack = new Stack(new App(), 'S');
    const role = new iam.Role(stack, 'Workload', {
      assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com').withSessionTags(),
    });
    const id = stack.getLogicalId(role.node.defaultChild as iam.CfnRole);
    const template = Template.fromStack(stack);
    const trust = trustPolicyOf(template, id);
    expect(JSON.stringify(trust)).not.toMatch(/Ref|Fn::/);
    expect(() => trustPolicyOf(template, 'Missing')).toThrow(new RegExp(`roles: ${id}`));
    const run = (action: string) => simulateAssumeRole({ trustPolicy: trust, roleArn: ROLE_ARN, principal: 'pods.eks.amazonaws.com', action });
    expect((await run('sts:AssumeRole')).decision).toBe('Allowed');
    expect((await run('sts:TagSession')).decision).toBe('Allowed');
    expect((await run('sts:AssumeRoleWithWebIdentity')).decision).toBe('Denied');
  });
});
