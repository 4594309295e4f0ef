import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AddonConflictResolution, EksCluster, PodIdentityAgent, PodIdentityAgentAddon, WorkloadIdentity } from '../../src';
import { expectError } from '../util/errors';
import { importCluster, newStack } from '../util/fixtures';

describe('PodIdentityAgentAddon', () => {
  test('created once per cluster however many identities ask for it (aws/aws-cdk#32580)', () => {
    const stack = newStack();
    const cluster = importCluster(stack);
    for (const sa of ['one', 'two', 'three']) {
      new WorkloadIdentity(stack, `Id-${sa}`, { cluster, namespace: 'apps', serviceAccount: sa });
    }
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EKS::Addon', 1);
    template.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'eks-pod-identity-agent', ClusterName: 'demo' });
  });

  test('two imports of the same cluster, even in two stacks of the app, share one add-on', () => {
    const app = new App();
    const a = newStack({ stackName: 'A' }, app);
    const b = newStack({ stackName: 'B' }, app);
    new WorkloadIdentity(a, 'One', { cluster: importCluster(a), namespace: 'apps', serviceAccount: 'one' });
    new WorkloadIdentity(b, 'Two', { cluster: importCluster(b), namespace: 'apps', serviceAccount: 'two' });
    Template.fromStack(a).resourceCountIs('AWS::EKS::Addon', 1);
    Template.fromStack(b).resourceCountIs('AWS::EKS::Addon', 0);
  });

  test('each cluster gets its own add-on', () => {
    const stack = newStack();
    new WorkloadIdentity(stack, 'One', { cluster: importCluster(stack, 'one'), namespace: 'apps', serviceAccount: 'x' });
    new WorkloadIdentity(stack, 'Two', { cluster: importCluster(stack, 'two'), namespace: 'apps', serviceAccount: 'x' });
    Template.fromStack(stack).resourceCountIs('AWS::EKS::Addon', 2);
  });

  test('version, IPv4-only bind, extra arguments, conflict resolution and preservation are passed to EKS', () => {
    const stack = newStack();
    const cluster = importCluster(stack, 'demo', {
      podIdentityAgent: PodIdentityAgent.addon({
        addonVersion: 'v1.3.4-eksbuild.1',
        ipv4Only: true,
        additionalArgs: { '--metrics-port': '2705' },
        resolveConflicts: AddonConflictResolution.OVERWRITE,
        preserveOnDelete: true,
      }),
    });
    PodIdentityAgentAddon.forCluster(cluster);
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::Addon', {
      AddonName: 'eks-pod-identity-agent',
      AddonVersion: 'v1.3.4-eksbuild.1',
      ConfigurationValues: JSON.stringify({ agent: { additionalArgs: { '--metrics-port': '2705', '-b': '169.254.170.23' } } }),
      ResolveConflicts: 'OVERWRITE',
      PreserveOnDelete: true,
    });
  });

  test('without options there is no configuration', () => {
    const stack = newStack();
    PodIdentityAgentAddon.forCluster(importCluster(stack));
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::Addon', {
      ConfigurationValues: Match.absent(),
      AddonVersion: Match.absent(),
    });
  });

  test('a preinstalled agent creates no add-on', () => {
    const stack = newStack();
    const cluster = importCluster(stack, 'auto', { podIdentityAgent: PodIdentityAgent.preinstalled() });
    expect(PodIdentityAgentAddon.forCluster(cluster)).toBeUndefined();
    new WorkloadIdentity(stack, 'Id', { cluster, namespace: 'apps', serviceAccount: 'x' });
    Template.fromStack(stack).resourceCountIs('AWS::EKS::Addon', 0);
    Template.fromStack(stack).resourceCountIs('AWS::EKS::PodIdentityAssociation', 1);
  });

  test('forCluster and of return the add-on already created', () => {
    const stack = newStack();
    const cluster = importCluster(stack);
    expect(PodIdentityAgentAddon.of(cluster)).toBeUndefined();
    const addon = PodIdentityAgentAddon.forCluster(cluster);
    expect(PodIdentityAgentAddon.forCluster(cluster)).toBe(addon);
    expect(PodIdentityAgentAddon.of(EksCluster.fromClusterAttributes(stack, 'SameAgain', { clusterName: 'demo' }))).toBe(addon);
    expect(addon!.node.path).toBe('Test/Cluster-demo/PodIdentityAgent');
  });

  test('a second add-on for the same cluster is an error naming the first', () => {
    const stack = newStack();
    const cluster = importCluster(stack);
    new PodIdentityAgentAddon(stack, 'First', { cluster });
    expectError(() => new PodIdentityAgentAddon(stack, 'Second', { cluster }),
      'PodIdentityAgentAddon Test/Second: cluster "demo" already has the eks-pod-identity-agent add-on at Test/First, expected one ' +
      'add-on per EKS cluster; use PodIdentityAgentAddon.forCluster(cluster) to share it');
  });

  test('a cluster that cannot run the agent is an error, also through forCluster', () => {
    const stack = newStack();
    const cluster = importCluster(stack, 'fargate', { podIdentityAgent: PodIdentityAgent.unavailable('Fargate-only cluster') });
    const reason = 'cluster "fargate" cannot run EKS Pod Identity (Fargate-only cluster), expected a cluster whose nodes run the Pod ' +
      'Identity Agent; use IRSA for this workload, or declare how the agent is provided with podIdentityAgent: PodIdentityAgent.addon() ' +
      'or PodIdentityAgent.preinstalled()';
    expectError(() => new PodIdentityAgentAddon(stack, 'Agent', { cluster }), `PodIdentityAgentAddon Test/Agent: ${reason}`);
    expectError(() => PodIdentityAgentAddon.forCluster(cluster), `PodIdentityAgentAddon Test/Cluster-fargate/PodIdentityAgent: ${reason}`);
    Template.fromStack(stack).resourceCountIs('AWS::EKS::Addon', 0);
  });

  test.each<[string, unknown, string]>([
    ['without the v', '1.3.4', '"1.3.4"'],
    ['without the patch and build', 'v1.3', '"v1.3"'],
    ['a word', 'latest', '"latest"'],
    ['a number (JavaScript)', 5, '5'],
  ])('add-on version %s is rejected', (_, version, shown) => {
    const stack = newStack();
    expectError(() => new PodIdentityAgentAddon(stack, 'Agent', { cluster: importCluster(stack), addonVersion: version as string }),
      `PodIdentityAgentAddon Test/Agent: addonVersion is ${shown}, expected an EKS add-on version like "v1.3.4-eksbuild.1"; ` +
      'list them with aws eks describe-addon-versions --addon-name eks-pod-identity-agent');
  });

  test.each<[string, unknown, string]>([
    ['lowercase (JavaScript)', 'overwrite', '"overwrite"'],
    ['a value EKS does not have', 'REPLACE', '"REPLACE"'],
    ['a number', 1, '1'],
  ])('resolveConflicts %s is rejected', (_, value, shown) => {
    const stack = newStack();
    expectError(() => new PodIdentityAgentAddon(stack, 'Agent', { cluster: importCluster(stack), resolveConflicts: value as AddonConflictResolution }),
      `PodIdentityAgentAddon Test/Agent: resolveConflicts is ${shown}, expected one of AddonConflictResolution.NONE, ` +
      'AddonConflictResolution.OVERWRITE, AddonConflictResolution.PRESERVE');
  });

  test('a resolveConflicts EKS does not have, given through the cluster\'s podIdentityAgent, fails when the add-on is created', () => {
    const stack = newStack();
    const cluster = importCluster(stack, 'demo', { podIdentityAgent: PodIdentityAgent.addon({ resolveConflicts: 'overwrite' as AddonConflictResolution }) });
    expectError(() => new WorkloadIdentity(stack, 'Id', { cluster, namespace: 'apps', serviceAccount: 'x' }),
      'PodIdentityAgentAddon Test/Cluster-demo/PodIdentityAgent: resolveConflicts is "overwrite", expected one of ' +
      'AddonConflictResolution.NONE, AddonConflictResolution.OVERWRITE, AddonConflictResolution.PRESERVE');
  });

  test.each(Object.values(AddonConflictResolution))('resolveConflicts %p is passed to EKS', (value) => {
    const stack = newStack();
    new PodIdentityAgentAddon(stack, 'Agent', { cluster: importCluster(stack), resolveConflicts: value });
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::Addon', { ResolveConflicts: value });
  });

  test.each([
    ['metrics-port'],
    ['--'],
    ['-'],
    ['-b x'],
    ['--metrics_port'],
    [''],
  ])('additionalArgs key %p, which is not a flag, is rejected', (flag) => {
    const stack = newStack();
    expectError(() => new PodIdentityAgentAddon(stack, 'Agent', { cluster: importCluster(stack), additionalArgs: { [flag]: '2705' } }),
      `PodIdentityAgentAddon Test/Agent: additionalArgs has key ${JSON.stringify(flag)}, expected agent flags like "-b" or "--metrics-port"`);
  });

  test('an additionalArgs value that is not a string is rejected (JavaScript)', () => {
    const stack = newStack();
    const additionalArgs = { '--metrics-port': 2705 } as unknown as Record<string, string>;
    expectError(() => new PodIdentityAgentAddon(stack, 'Agent', { cluster: importCluster(stack), additionalArgs }),
      'PodIdentityAgentAddon Test/Agent: additionalArgs "--metrics-port" is 2705, expected a string');
  });

  test.each([['ipv4Only'], ['preserveOnDelete']])('%s given as a string is rejected (JavaScript)', (prop) => {
    const stack = newStack();
    expectError(() => new PodIdentityAgentAddon(stack, 'Agent', { cluster: importCluster(stack), [prop]: 'false' }),
      `PodIdentityAgentAddon Test/Agent: ${prop} is "false" (string), expected true or false`);
  });

  test('ipv4Only conflicting with another -b bind address is an error', () => {
    const stack = newStack();
    expectError(() => new PodIdentityAgentAddon(stack, 'Agent', { cluster: importCluster(stack), ipv4Only: true, additionalArgs: { '-b': '0.0.0.0' } }),
      'PodIdentityAgentAddon Test/Agent: ipv4Only binds "-b 169.254.170.23", but additionalArgs sets "-b" to "0.0.0.0", expected one ' +
      'of them; remove one');
  });

  test('ipv4Only with additionalArgs binding the same address is one bind', () => {
    const stack = newStack();
    new PodIdentityAgentAddon(stack, 'Agent', { cluster: importCluster(stack), ipv4Only: true, additionalArgs: { '-b': '169.254.170.23' } });
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::Addon', {
      ConfigurationValues: JSON.stringify({ agent: { additionalArgs: { '-b': '169.254.170.23' } } }),
    });
  });

  test('the add-on lives in the cluster\'s stack', () => {
    const app = new App();
    const clusterStack = newStack({ stackName: 'Cluster' }, app);
    const cluster = EksCluster.fromClusterAttributes(clusterStack, 'Demo', { clusterName: 'demo' });
    const apps = newStack({ stackName: 'Apps' }, app);
    new WorkloadIdentity(apps, 'Id', { cluster, namespace: 'apps', serviceAccount: 'x' });
    expect(Stack.of(PodIdentityAgentAddon.of(cluster)!)).toBe(clusterStack);
  });
});
