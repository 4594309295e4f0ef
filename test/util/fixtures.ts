import { App, Stack, type StackProps } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { type IWorkloadCluster, EksCluster, type EksClusterAttributes } from '../../src';

export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';

/** A stack in a known account and region, in a new app. */
export function newStack(props: StackProps = {}, app = new App()): Stack {
  return new Stack(app, props.stackName ?? 'Test', { env: { account: ACCOUNT, region: REGION }, ...props });
}

/** An EKS cluster imported by name into `stack`. */
export function importCluster(stack: Stack, name = 'demo', attrs: Partial<EksClusterAttributes> = {}): IWorkloadCluster {
  return EksCluster.fromClusterAttributes(stack, `Cluster-${name}`, { clusterName: name, ...attrs });
}

/** The ARN of EKS cluster `name` in the fixture account and region. */
export function clusterArn(name = 'demo', region = REGION, account = ACCOUNT): string {
  return `arn:aws:eks:${region}:${account}:cluster/${name}`;
}

/** Logical ids of the resources of `type` in `template`. */
export function logicalIdsOf(template: Template, type: string): string[] {
  return Object.keys(template.findResources(type));
}

/** The session tags EKS Pod Identity sets for a pod of `namespace/serviceAccount` on `cluster`. */
export function podIdentityTags(namespace: string, serviceAccount: string, cluster = 'demo', arn = clusterArn(cluster)): Record<string, string> {
  return {
    'eks-cluster-arn': arn,
    'eks-cluster-name': cluster,
    'kubernetes-namespace': namespace,
    'kubernetes-service-account': serviceAccount,
    'kubernetes-pod-name': `${serviceAccount}-7d9f8b6c5-x2x4z`,
    'kubernetes-pod-uid': '0b6c7c3e-1b7e-4a53-9c6d-8f0e1d2c3b4a',
  };
}
