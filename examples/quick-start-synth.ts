// Runs examples/quick-start the way a user does (`npx cdk synth` in its folder, with the library installed under its
// package name) and moves its output to `outdir`/cloudformation and `outdir`/kubernetes.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { linkLibraryInto } from './local-install';

export const QUICK_START_DIR = path.join(__dirname, 'quick-start');

/** Synthesizes the quick-start app with the real CDK CLI into `outdir`; returns the files written. */
export function synthQuickStart(outdir: string): { templates: string[]; yaml: string[] } {
  linkLibraryInto(QUICK_START_DIR);
  const cfn = path.join(outdir, 'cloudformation');
  const k8s = path.join(outdir, 'kubernetes');
  const dist = path.join(QUICK_START_DIR, 'dist');
  fs.rmSync(dist, { recursive: true, force: true });
  execFileSync(require.resolve('aws-cdk/bin/cdk'), ['synth', '--quiet', '--no-notices', '--no-version-reporting', '--no-path-metadata', '-o', cfn], {
    cwd: QUICK_START_DIR,
    stdio: 'pipe',
    env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
  });
  fs.mkdirSync(k8s, { recursive: true });
  for (const file of fs.readdirSync(dist)) fs.renameSync(path.join(dist, file), path.join(k8s, file));
  fs.rmSync(dist, { recursive: true, force: true });
  return {
    templates: fs.readdirSync(cfn).filter(f => f.endsWith('.template.json')).sort().map(f => path.join(cfn, f)),
    yaml: fs.readdirSync(k8s).sort().map(f => path.join(k8s, f)),
  };
}
