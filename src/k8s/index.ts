export * from './namespace';
export * from './service-account';
export * from './webhook/pod-identity-webhook';
export * from './agent/pod-identity-agent';
