import { Stack, aws_iam as iam } from 'aws-cdk-lib';
import { toRectangles } from './rectangles';
import { PodIdentitySessionTag as Tag } from '../trust/pod-identity-session-tag';
import { ServiceAccountBinding } from '../trust/service-account-binding';

// FACTS.md, "Pod Identity": the service principal and the two actions, in one statement.
export const POD_IDENTITY_SERVICE = 'pods.eks.amazonaws.com';
export const POD_IDENTITY_ACTIONS = ['sts:AssumeRole', 'sts:TagSession'];

/** How a Pod Identity trust identifies the cluster. */
export type ClusterTag = 'arn' | 'name';

/** One value, or a list when there are several: IAM reads both the same way. */
function oneOrMany(values: string[]): string | string[] {
  return values.length === 1 ? values[0] : values;
}

/** The tag conditions admitting exactly the bindings of one rectangle. */
function tagConditions(bindings: readonly ServiceAccountBinding[], clusterTag: ClusterTag): Array<Record<string, unknown>> {
  return toRectangles(bindings).map(r => ({
    StringEquals: {
      [Tag.requestTag(clusterTag === 'arn' ? Tag.CLUSTER_ARN : Tag.CLUSTER_NAME)]:
        oneOrMany(r.clusters.map(c => clusterTag === 'arn' ? c.clusterArn : c.clusterName)),
      [Tag.requestTag(Tag.NAMESPACE)]: oneOrMany(r.namespaces),
      [Tag.requestTag(Tag.SERVICE_ACCOUNT)]: oneOrMany(r.serviceAccounts),
    },
  }));
}

/**
 * Statements trusting `pods.eks.amazonaws.com` for exactly `bindings`: one statement per rectangle of
 * bindings, each scoped by the session tags. With `scoped: false` (session tags disabled) one statement
 * without conditions.
 */
export function podIdentityStatements(bindings: readonly ServiceAccountBinding[], scoped: boolean, clusterTag: ClusterTag): iam.PolicyStatement[] {
  const base = () => new iam.PolicyStatement({
    actions: POD_IDENTITY_ACTIONS,
    principals: [new iam.ServicePrincipal(POD_IDENTITY_SERVICE)],
  });
  if (!scoped) return bindings.length > 0 ? [base()] : [];
  return tagConditions(bindings, clusterTag).map(conditions => {
    const statement = base();
    statement.addConditions(conditions);
    return statement;
  });
}

/** A Pod Identity association role, as the target role of a chained association trusts it. */
export interface AssociationChain {
  readonly associationRole: iam.IRole;
  readonly binding: ServiceAccountBinding;
  readonly sessionTags: boolean;
}

/**
 * Statements of a target role trusting the association roles that chain into it (FACTS.md, "Cross-account
 * target role"): principal = the cluster account's root, `ArnEquals aws:PrincipalARN` = the association role,
 * and the session tags of the binding; with session tags disabled, `sts:ExternalId` =
 * `<region>/<account>/<cluster>/<namespace>/<service account>` instead.
 */
export function targetRoleStatements(chains: readonly AssociationChain[], clusterTag: ClusterTag): iam.PolicyStatement[] {
  return chains.map(chain => {
    const cluster = chain.binding.cluster;
    const stack = Stack.of(cluster);
    const account = cluster.env.account;
    const statement = new iam.PolicyStatement({
      actions: POD_IDENTITY_ACTIONS,
      principals: [new iam.ArnPrincipal(stack.formatArn({ service: 'iam', region: '', account, resource: 'root' }))],
    });
    statement.addCondition('ArnEquals', { 'aws:PrincipalARN': chain.associationRole.roleArn });
    if (chain.sessionTags) {
      statement.addConditions(tagConditions([chain.binding], clusterTag)[0]);
    } else {
      const { namespace, serviceAccount } = chain.binding;
      statement.addCondition('StringEquals', {
        'sts:ExternalId': `${cluster.env.region}/${account}/${cluster.clusterName}/${namespace}/${serviceAccount}`,
      });
    }
    return statement;
  });
}
