import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EXAMPLE_APPS } from '../../examples';
import { CERT_MANAGER_VALIDATORS, parseYamlDocuments, validateKubernetesObjects } from '../util/kubernetes';

const EXAMPLES_DIR = path.join(__dirname, '..', '..', 'examples');

// The real CDK CLI runs each example app as a user would (`cd examples/<name> && npx cdk synth`), and its
// output must equal what the library synthesizes in-process.
describe.each(Object.keys(EXAMPLE_APPS))('cdk synth of examples/%s', (name) => {
  test('writes the same CloudFormation and valid Kubernetes YAML', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `cdk-synth-${name}-`));
    try {
      execFileSync(require.resolve('aws-cdk/bin/cdk'), ['synth', '--quiet', '--no-notices', '--no-version-reporting', '--no-path-metadata', '--no-asset-metadata', '-o', outdir], {
        cwd: path.join(EXAMPLES_DIR, name),
        stdio: 'pipe',
        env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
      });
      const example = EXAMPLE_APPS[name]();
      for (const stack of example.app.node.findAll().filter((c): c is Stack => (c as any).templateFile !== undefined)) {
        const written = JSON.parse(fs.readFileSync(path.join(outdir, stack.templateFile), 'utf8'));
        expect(written).toEqual(Template.fromStack(stack).toJSON());
      }
      const yamlFiles = fs.readdirSync(path.join(outdir, 'kubernetes'));
      expect(yamlFiles.length).toBeGreaterThan(0);
      for (const file of yamlFiles) {
        validateKubernetesObjects(parseYamlDocuments(fs.readFileSync(path.join(outdir, 'kubernetes', file), 'utf8')), CERT_MANAGER_VALIDATORS);
      }
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }, 120_000);
});
