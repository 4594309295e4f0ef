export * from './cluster-oidc-provider';
export * from './discovery-hosting';
