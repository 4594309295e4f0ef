import type { App } from 'aws-cdk-lib';
import type * as cdk8s from 'cdk8s';
import { clusterAddonsExample } from './cluster-addons/app';
import { irsaExample } from './irsa/app';
import { MIGRATION_PHASES, migrationExample } from './migration/app';
import { podIdentityExample } from './pod-identity/app';
import { selfManagedExample } from './self-managed/app';
import { sharedRoleExample } from './shared-role/app';

/** One example build: its two apps, written under `outdir` when given. */
export type ExampleBuild = (outdir?: string) => { app: App; k8sApp: cdk8s.App };

/** Every example output: a name (a folder under examples-out/) and how to build it. */
export const EXAMPLES: Record<string, ExampleBuild> = {
  'pod-identity': podIdentityExample,
  'irsa': irsaExample,
  'shared-role': sharedRoleExample,
  'self-managed': selfManagedExample,
  'cluster-addons': clusterAddonsExample,
  ...Object.fromEntries(Object.keys(MIGRATION_PHASES).map(phase =>
    [`migration/${phase}`, (outdir?: string) => migrationExample(outdir, phase)])),
};

/** The example folders that are CDK apps of their own (`npx cdk synth` there), and the build each runs by default. */
export const EXAMPLE_APPS: Record<string, ExampleBuild> = {
  'pod-identity': podIdentityExample,
  'irsa': irsaExample,
  'shared-role': sharedRoleExample,
  'self-managed': selfManagedExample,
  'cluster-addons': clusterAddonsExample,
  'migration': (outdir?: string) => migrationExample(outdir), // phase from cdk.json's context: both
};
