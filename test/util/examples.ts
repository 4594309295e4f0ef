import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { parseYamlDocuments } from './kubernetes';
import type { ExampleBuild } from '../../examples';

/** What the main job writes for one example, read back from disk. */
export interface ExampleOutput {
  /** Template file name → parsed template. */
  readonly templates: Record<string, any>;
  /** YAML file name → file text. */
  readonly yaml: Record<string, string>;
}

/** Synthesizes `build` the way `npx projen examples` does, into a temporary folder, and reads the files back. */
export function synthesizeExample(build: ExampleBuild): ExampleOutput {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'example-'));
  try {
    const { app, k8sApp } = build(outdir);
    app.synth();
    k8sApp.synth();
    const read = (dir: string, pattern: RegExp) => Object.fromEntries(fs.readdirSync(path.join(outdir, dir))
      .filter(f => pattern.test(f)).sort().map(f => [f, fs.readFileSync(path.join(outdir, dir, f), 'utf8')]));
    const templates = Object.fromEntries(Object.entries(read('cloudformation', /\.template\.json$/)).map(([f, text]) => [f, JSON.parse(text)]));
    return { templates, yaml: read('kubernetes', /\.yaml$/) };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** The only template of an example, as an assertions Template and as JSON. */
export function onlyTemplate(output: ExampleOutput): { template: Template; json: any } {
  const names = Object.keys(output.templates);
  if (names.length !== 1) throw new Error(`expected one template, found ${names.join(', ')}`);
  const json = output.templates[names[0]];
  return { template: Template.fromJSON(json), json };
}

/** Every Kubernetes object of every YAML file. */
export function allObjects(output: ExampleOutput): any[] {
  return Object.values(output.yaml).flatMap(parseYamlDocuments);
}

/** Resource type of every resource, sorted. */
export function resourceTypes(json: any): string[] {
  return Object.values(json.Resources as Record<string, { Type: string }>).map(r => r.Type).sort();
}
