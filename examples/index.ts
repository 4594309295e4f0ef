import { App } from 'aws-cdk-lib';
import * as cdk8s from 'cdk8s';
import { podIdentityExample } from './pod-identity/app';

/** Every example: its name and how to build its two apps into an output folder. */
export const EXAMPLES: Record<string, (outdir?: string) => { app: App; k8sApp: cdk8s.App }> = {
  'pod-identity': podIdentityExample,
};
