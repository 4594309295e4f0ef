export * from './service-account-binding';
export * from './pod-identity-session-tag';
export * from './cluster-scope';
export * from './namespace-binding';
