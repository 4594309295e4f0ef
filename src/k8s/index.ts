export * from './service-account';
