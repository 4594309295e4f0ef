import { Stack, aws_iam as iam } from 'aws-cdk-lib';
import { PodIdentitySessionTag as Tag } from './pod-identity-session-tag';
import { toRectangles } from './rectangles';
import type { ServiceAccountBinding } from './service-account-binding';
import { partitionOfStack } from '../private/arns';

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

function podIdentityStatement(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: POD_IDENTITY_ACTIONS,
    principals: [new iam.ServicePrincipal(POD_IDENTITY_SERVICE)],
  });
}

/**
 * Statements trusting `pods.eks.amazonaws.com` for exactly `bindings`: one statement per rectangle of bindings,
 * each scoped by the session tags EKS passes.
 */
export function podIdentityStatements(bindings: readonly ServiceAccountBinding[], clusterTag: ClusterTag): iam.PolicyStatement[] {
  return tagConditions(bindings, clusterTag).map(conditions => {
    const statement = podIdentityStatement();
    statement.addConditions(conditions);
    return statement;
  });
}

/**
 * The statement for associations that pass no session tags: nothing in the request names the service account, so it
 * admits every Pod Identity association in the account that names the role. Only behind an explicit opt-in.
 */
export function unscopedPodIdentityStatement(): iam.PolicyStatement {
  return podIdentityStatement();
}

/** A Pod Identity association role, as the target role of a chained association trusts it. */
export interface AssociationChain {
  readonly associationRole: iam.IRole;
  readonly binding: ServiceAccountBinding;
  readonly sessionTags: boolean;
}

/**
 * The `sts:ExternalId` EKS Pod Identity sets when it assumes a target role, as the EKS User Guide gives it
 * ("Assign a target IAM role to an EKS Pod Identity association": `<region>/<account>/<cluster>/<namespace>/<service
 * account>`). The association's `ExternalId` attribute is not used: a target role in the same stack would depend on
 * the association that depends on it (a cycle), and one in another account cannot reference it at all.
 */
export function podIdentityExternalId(binding: ServiceAccountBinding): string {
  const cluster = binding.cluster;
  return `${cluster.env.region}/${cluster.env.account}/${cluster.clusterName}/${binding.namespace}/${binding.serviceAccount}`;
}

/**
 * Statements of a target role trusting the association roles that chain into it (EKS User Guide, "Assign a target IAM
 * role to an EKS Pod Identity association"): the principal is the cluster account's root, narrowed with
 * `ArnEquals aws:PrincipalARN` to the association role.
 * - With session tags: one statement, `sts:AssumeRole` and `sts:TagSession`, scoped by the binding's session tags.
 * - Without: `sts:AssumeRole` scoped by `sts:ExternalId`, and `sts:TagSession` as its own statement (the guide's form;
 *   here also narrowed to the association role).
 */
export function targetRoleStatements(chains: readonly AssociationChain[], clusterTag: ClusterTag): iam.PolicyStatement[] {
  return chains.flatMap(chain => {
    const cluster = chain.binding.cluster;
    const partition = partitionOfStack(Stack.of(cluster));
    const root = new iam.ArnPrincipal(Stack.of(cluster).formatArn({
      service: 'iam', region: '', account: cluster.env.account, resource: 'root', ...(partition ? { partition } : {}),
    }));
    const fromAssociationRole = { ArnEquals: { 'aws:PrincipalARN': chain.associationRole.roleArn } };
    if (chain.sessionTags) {
      const statement = new iam.PolicyStatement({ actions: POD_IDENTITY_ACTIONS, principals: [root] });
      statement.addConditions({ ...fromAssociationRole, ...tagConditions([chain.binding], clusterTag)[0] });
      return [statement];
    }
    return [
      new iam.PolicyStatement({
        actions: ['sts:AssumeRole'],
        principals: [root],
        conditions: { StringEquals: { 'sts:ExternalId': podIdentityExternalId(chain.binding) }, ...fromAssociationRole },
      }),
      new iam.PolicyStatement({ actions: ['sts:TagSession'], principals: [root], conditions: fromAssociationRole }),
    ];
  });
}
