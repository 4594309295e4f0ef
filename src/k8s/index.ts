export * from './namespace';
export * from './service-account';
