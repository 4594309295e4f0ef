export * from './cluster';
export * from './trust';
export * from './oidc';
export * from './pod-identity';
export * from './identity-mechanism';
export * from './workload-role';
export * from './workload-identity';
export * as k8s from './k8s';
export * from './policies';
