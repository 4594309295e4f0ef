import { Annotations, Stack, aws_iam as iam } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AddonIdentityOptions, ManagedAddonInstallOptions } from './addon-identity-options';
import { errorMessage, fail, show, subjectFor, type Subject } from '../private/errors';
import { policySize } from '../trust/policy-size';
import { WorkloadIdentity } from '../workload-identity';

/** What one add-on of the catalog needs: its conventional service account and its least-privilege policy. */
export interface AddonPolicy {
  /** The add-on's name, for messages and the policy's description (`external-dns`). */
  readonly addon: string;
  /** Its conventional namespace and service account (from its upstream chart or installation). */
  readonly namespace: string;
  readonly serviceAccount: string;
  /** The statements of its policy; empty when `managedPolicies` give it everything. */
  readonly statements: iam.PolicyStatement[];
  /**
   * Statements of actions that take no resource (Describe, List, Get), written into a second customer managed policy
   * (construct id `ReadPolicy`): for add-ons whose policy exceeds one managed policy's 6,144 characters without any
   * resource input (the load balancer controller).
   */
  readonly readStatements?: iam.PolicyStatement[];
  /** AWS managed policies the add-on's documentation attaches instead of, or besides, statements. */
  readonly managedPolicies?: iam.IManagedPolicy[];
  /** The EKS managed add-on that installs it, when there is one (`aws-ebs-csi-driver`). */
  readonly eksAddonName?: string;
  /** What to give fewer of when the policy is too large ("hosted zones"). */
  readonly splitHint: string;
  /** The upstream source of the actions, for the policy's description. */
  readonly source: string;
}

/** Everything an `AddonIdentity` factory is given: the common options, and `installAddon` where the add-on has one. */
export interface AddonIdentityInput extends AddonIdentityOptions {
  readonly installAddon?: ManagedAddonInstallOptions;
}

// IAM quotas (IAM User Guide, "IAM and AWS STS quotas"): a customer managed policy holds at most 6,144 characters
// (whitespace not counted); a role has at most 10 managed policies by default, 20 after a quota increase.
const MAX_MANAGED_POLICY = 6144;
const DEFAULT_MANAGED_POLICIES_PER_ROLE = 10;
const MAX_MANAGED_POLICIES_PER_ROLE = 20;

/** The subject of messages about `AddonIdentity.<factory>(scope, id, ...)`. */
export function addonSubject(factory: string, scope: Construct, id: string): Subject {
  return subjectFor(`AddonIdentity.${factory}`, scope, id);
}

/**
 * The add-on's identity: a `WorkloadIdentity` for its service account (or the EKS managed add-on, with
 * `installAddon`), and its policy as a customer managed policy (construct id `Policy`), checked at synthesis against
 * IAM's limits.
 */
export function createAddonIdentity(subject: Subject, scope: Construct, id: string, input: AddonIdentityInput,
  policy: AddonPolicy): WorkloadIdentity {
  if (input.installAddon !== undefined && policy.eksAddonName === undefined) {
    fail(subject, 'installAddon is set', `an add-on EKS manages; ${policy.addon} is not one`, 'install it with its own chart or manifests');
  }
  const identity = new WorkloadIdentity(scope, id, {
    cluster: input.cluster,
    namespace: input.namespace ?? policy.namespace,
    serviceAccount: input.serviceAccount ?? policy.serviceAccount,
    mechanism: input.mechanism,
    chart: input.chart,
    roleName: input.roleName,
    eksAddon: input.installAddon ? { addonName: policy.eksAddonName!, ...input.installAddon } : undefined,
  });
  for (const managed of policy.managedPolicies ?? []) identity.role.addManagedPolicy(managed);
  const documents: Array<[string, iam.PolicyDocument]> = [];
  for (const [policyId, statements, what] of [['Policy', policy.statements, 'Least privilege'], ['ReadPolicy', policy.readStatements ?? [], 'Read-only calls']] as const) {
    if (statements.length === 0) continue;
    const document = new iam.PolicyDocument({ statements });
    const managed = new iam.ManagedPolicy(identity, policyId, {
      description: `${what} for ${policy.addon} (${policy.source})`.slice(0, 1000),
      document,
    });
    identity.role.addManagedPolicy(managed);
    documents.push([policyId, document]);
  }
  const where = { kind: subject.kind, path: identity.node.path };
  identity.node.addValidation({
    validate: () => {
      const errors: string[] = [];
      for (const [policyId, document] of documents) {
        const size = policySize(Stack.of(identity), document);
        if (size.characters > MAX_MANAGED_POLICY) {
          const which = policyId === 'Policy' ? 'policy' : 'read-only policy';
          errors.push(errorMessage(where, `the ${which} of ${policy.addon} is ${size.estimated ? 'about ' : ''}${size.characters} characters ` +
            '(whitespace removed)', `at most ${MAX_MANAGED_POLICY} (IAM's limit for a managed policy)`,
          `give one identity fewer ${policy.splitHint}, and the others to a second identity with its own service account`));
        }
      }
      const cfnRole = identity.role.node.defaultChild as iam.CfnRole | undefined;
      const arns = cfnRole ? Stack.of(identity).resolve(cfnRole.managedPolicyArns) : undefined;
      const count = Array.isArray(arns) ? arns.length : 0;
      if (count > MAX_MANAGED_POLICIES_PER_ROLE) {
        errors.push(errorMessage(where, `the role has ${count} managed policies`, `at most ${MAX_MANAGED_POLICIES_PER_ROLE} (IAM's largest quota)`));
      } else if (count > DEFAULT_MANAGED_POLICIES_PER_ROLE) {
        Annotations.of(identity).addWarningV2('cdk-workload-identity:managedPolicyQuota',
          `The role has ${count} managed policies: over IAM's default quota of ${DEFAULT_MANAGED_POLICIES_PER_ROLE} (raise it, or attach fewer).`);
      }
      return errors;
    },
  });
  return identity;
}

/** Throws unless `list` is an array with at least one element (a required resource input of an add-on). */
export function assertRequired<T>(subject: Subject, what: string, list: readonly T[] | undefined, why: string): T[] {
  if (!Array.isArray(list) || list.length === 0) {
    fail(subject, `${what} is ${show(list)}`, `at least one: ${why}`);
  }
  return [...list];
}
