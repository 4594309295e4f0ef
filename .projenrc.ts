import { JsonFile, awscdk, javascript } from 'projen';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-workload-identity',
  description:
    'AWS IAM identities for Kubernetes workloads (EKS Pod Identity and IRSA): exact trust policies, ' +
    'Pod Identity associations and annotated ServiceAccounts from one definition, for AWS CDK and cdk8s.',
  author: 'cdk-workload-identity contributors',
  authorAddress: 'maintainers@example.com',
  repositoryUrl: 'https://example.com/cdk-workload-identity.git',
  license: 'Apache-2.0',
  keywords: ['cdk', 'cdk8s', 'eks', 'pod-identity', 'irsa', 'iam', 'kubernetes'],
  defaultReleaseBranch: 'main',
  github: false,
  release: false,
  projenrcTs: true,
  packageManager: javascript.NodePackageManager.NPM,

  // TOOLCHAIN.md: 2.257.0 is the minimum users need and the newest release whose cloud assembly
  // the integ-runner available here can read.
  cdkVersion: '2.257.0',
  jsiiVersion: '~6.0.0',

  peerDeps: ['cdk8s@^2.70.0', 'cdk8s-plus-28@^2.5.6'],
  devDeps: [
    // Independent checks used by the tests (never shipped).
    'kubernetes-models@4.5.1', // Kubernetes OpenAPI schemas; 4.x is CommonJS (5.x is ESM-only, same 1.27.1 schemas)
    '@kubernetes-models/cert-manager@4.4.4', // cert-manager's schemas, CommonJS like kubernetes-models 4.x
    'jose@^5.9.5', // a standard OIDC relying party, to verify tokens against the hosted discovery documents (5.x is CommonJS)
    '@cloud-copilot/iam-simulate@0.1.173', // IAM policy simulator (AGPL-3.0: dev only)
    'cdk-nag@2.38.2', // 3.x needs aws-cdk-lib > 2.257 (TOOLCHAIN.md)
    'yaml@^2.9.0',
    'aws-cdk@2.1148.1', // the CDK CLI: tests run the real `cdk synth` of each example app
  ],

  jestOptions: {
    // Snapshot drift must fail the run (projen's default rewrites snapshots silently).
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      coverageReporters: ['text-summary', 'lcov'],
    },
  },

  gitignore: ['/examples-out/', '/examples/**/cdk.out/', '/examples/quick-start/dist/', '.jsii.tabl.json', '/rosetta/*.tabl.json'],
});

// TOOLCHAIN.md: the registry here lacks non-Linux @unrs/resolver-binding-*@1.13.0, which breaks `npm ci`.
for (const p of ['/examples/', '/examples-out/', '/rosetta/', '/benchmarks/']) project.addPackageIgnore(p);

project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });

// examples/ and benchmarks/ are type-checked and linted like tests (the library's tsconfig covers src/ only).
// examples/quick-start imports the library by its package name, as a user's app does: here that name maps to src/.
for (const dir of ['examples', 'benchmarks']) {
  new JsonFile(project, `${dir}/tsconfig.json`, {
    obj: {
      extends: '../tsconfig.json',
      compilerOptions: {
        noEmit: true,
        rootDir: '..',
        ...(dir === 'examples' ? { paths: { 'cdk-workload-identity': ['../src'] } } : {}),
      },
      include: ['**/*.ts'],
      exclude: ['node_modules', '**/node_modules'],
    },
  });
}
const eslintrc = project.tryFindObjectFile('.eslintrc.json');
eslintrc?.addOverride('settings.import/resolver.typescript.project', ['./tsconfig.json', './examples/tsconfig.json']);
eslintrc?.addOverride('settings.import/resolver.typescript.noWarnOnMultipleProjects', true);
// Type-only imports say so (DESIGN.md, style).
project.eslint?.addRules({
  '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'separate-type-imports' }],
  '@typescript-eslint/no-import-type-side-effects': 'error',
});

// ts-jest runs with isolatedModules here and does not type-check: do it before jest runs.
// Never pass --passWithNoTests: a run that finds no test must fail.
const test = project.tasks.tryFind('test')!;
test.reset();
test.exec('tsc -p test/tsconfig.json --noEmit');
test.exec('tsc -p benchmarks/tsconfig.json --noEmit');
test.exec('jest --ci', { receiveArgs: true });
test.spawn(project.tasks.tryFind('eslint')!);

// README snippets compile, strictly, against rosetta/default.ts-fixture.
const rosetta = project.addTask('rosetta:extract', {
  description: 'Compile every TypeScript snippet in README.md (strict)',
  exec: 'jsii-rosetta extract --strict',
});
project.postCompileTask.spawn(rosetta);

// The main job: synthesize every example into CloudFormation and Kubernetes YAML.
project.addTask('examples', {
  description: 'Synthesize every example app into examples-out/<name>/ (CloudFormation and Kubernetes YAML)',
  exec: 'ts-node --project examples/tsconfig.json examples/synth-all.ts',
});

// Benchmarks print figures; they never run as tests.
project.addTask('bench', {
  description: 'Print resource counts and synthesis figures for the examples',
  exec: 'ts-node --project benchmarks/tsconfig.json benchmarks/run.ts',
});

// cert-manager types for the pod identity webhook's certificates, generated from the reduced CRD file kept in the repo
// (src/k8s/imports/cert-manager-crds.yaml). The generated file is committed; eslint --fix then puts it in this
// repository's style, so that the eslint task leaves it as generated.
const importCertManager = project.addTask('import:cert-manager', {
  description: 'Regenerate src/k8s/imports/cert-manager.io.ts from src/k8s/imports/cert-manager-crds.yaml (cdk8s import)',
  exec: 'npx --yes cdk8s-cli@2.207.60 import src/k8s/imports/cert-manager-crds.yaml --output src/k8s/imports --language typescript --no-check-upgrade',
});
importCertManager.exec('eslint --ext .ts --fix src/k8s/imports/cert-manager.io.ts', {
  env: { ESLINT_USE_FLAT_CONFIG: 'false', NODE_NO_WARNINGS: '1' },
});

project.eslint?.addLintPattern('examples');
project.eslint?.addLintPattern('benchmarks');

project.synth();
