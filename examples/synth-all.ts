// The main job: synthesize every example into examples-out/<name>/{cloudformation,kubernetes}.
import * as fs from 'fs';
import * as path from 'path';
import { EXAMPLES } from './index';
import { synthQuickStart } from './quick-start-synth';

const root = path.resolve(__dirname, '..', 'examples-out');
for (const [name, build] of Object.entries(EXAMPLES)) {
  const outdir = path.join(root, name);
  fs.rmSync(outdir, { recursive: true, force: true });
  const example = build(outdir);
  example.app.synth();
  example.k8sApp.synth();
  console.log(`${name}:`);
  for (const dir of ['cloudformation', 'kubernetes']) {
    for (const file of fs.readdirSync(path.join(outdir, dir)).filter(f => /\.(template\.json|ya?ml)$/.test(f)).sort()) {
      console.log(`  ${path.relative(process.cwd(), path.join(outdir, dir, file))}`);
    }
  }
}

// The quick-start app imports the library by its package name: it runs through the real CDK CLI, as a user runs it.
const quickStart = synthQuickStart(path.join(root, 'quick-start'));
console.log('quick-start:');
for (const file of [...quickStart.templates, ...quickStart.yaml]) console.log(`  ${path.relative(process.cwd(), file)}`);
