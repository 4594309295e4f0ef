export * from './pod-identity-agent-addon';
export * from './pod-identity-association';
export * from './eks-addon-options';
