export * from './pod-identity-agent';
export * from './workload-cluster';
export * from './eks-cluster';
export * from './self-managed-cluster';
