/**
 * The reduced, hand-written cert-manager CRD file (src/k8s/imports/cert-manager-crds.yaml) against cert-manager's real
 * schemas (@kubernetes-models/cert-manager), and the generated types against the CRD file.
 *
 * The real schemas accept unknown fields, so validating the webhook's objects alone would not catch a misspelled field.
 * These tests close that gap: every field of the CRD file is a field of the real schema (the real schema rejects a value of
 * the wrong type there), its enum values and required fields are the real ones, the generated code renders exactly the
 * CRD file's fields, and the webhook emits no cert-manager field that is not in the CRD file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { webhookObjects } from './fixtures';
import { certManagerModelFor, CERT_MANAGER_VALIDATORS, validateKubernetesObjects, type KubernetesObject } from '../../util/kubernetes';

const IMPORTS = path.join(__dirname, '..', '..', '..', 'src', 'k8s', 'imports');
const crds: KubernetesObject[] = parseAllDocuments(fs.readFileSync(path.join(IMPORTS, 'cert-manager-crds.yaml'), 'utf8')).map(d => d.toJS());
const generated = fs.readFileSync(path.join(IMPORTS, 'cert-manager.io.ts'), 'utf8');

interface Field {
  readonly kind: string;
  readonly path: string[];
  readonly schema: KubernetesObject;
}

/** Every field under `spec` of every CRD, depth first. */
function fieldsOf(kind: string, schema: KubernetesObject, at: string[]): Field[] {
  const own = at.length > 0 ? [{ kind, path: at, schema }] : [];
  const children = Object.entries((schema.properties ?? {}) as Record<string, KubernetesObject>)
    .flatMap(([name, child]) => fieldsOf(kind, child, [...at, name]));
  return [...own, ...children];
}
const specFields: Field[] = crds.flatMap(crd => {
  const version = crd.spec.versions.find((v: KubernetesObject) => v.name === 'v1');
  return fieldsOf(crd.spec.names.kind, version.schema.openAPIV3Schema.properties.spec, ['spec']);
});

/** A minimal valid object of `kind`, with `value` at `at` (parents created as objects). */
function objectWith(kind: string, at: string[], value: unknown, remove?: string): KubernetesObject {
  const base: KubernetesObject = kind === 'Certificate'
    ? { apiVersion: 'cert-manager.io/v1', kind, metadata: { name: 'x' }, spec: { secretName: 's', issuerRef: { name: 'i' } } }
    : { apiVersion: 'cert-manager.io/v1', kind, metadata: { name: 'x' }, spec: {} };
  let node = base;
  for (const key of at.slice(0, -1)) node = (node[key] ??= {});
  node[at[at.length - 1]] = value;
  if (remove !== undefined) delete (value as KubernetesObject)[remove];
  return base;
}

/** The errors of cert-manager's real schema for `obj` (empty when valid). */
function realErrors(obj: KubernetesObject): Array<{ instancePath: string; keyword: string; params: KubernetesObject }> {
  const Model = certManagerModelFor(obj.apiVersion, obj.kind)!;
  try {
    new Model(obj).validate();
    return [];
  } catch (e) {
    return (e as { errors: Array<{ instancePath: string; keyword: string; params: KubernetesObject }> }).errors;
  }
}

/** A valid value of `schema`: its first enum value, or a value of its type with its required fields. */
function sampleOf(schema: KubernetesObject): unknown {
  if (schema.enum) return schema.enum[0];
  if (schema.type !== 'object') return SAMPLE[schema.type];
  return Object.fromEntries(((schema.required ?? []) as string[]).map(r => [r, sampleOf(schema.properties[r])]));
}

const WRONG: Record<string, unknown> = { string: 12345, integer: 'twelve', boolean: 'yes', object: 'an object', array: 'a list' };
const SAMPLE: Record<string, unknown> = { string: 'value', integer: 256, boolean: true, object: {}, array: [] };

describe('the reduced CRD file describes only real cert-manager fields', () => {
  test('it describes Issuer and Certificate of cert-manager.io/v1, and the real schemas know both', () => {
    expect(crds.map(c => `${c.apiVersion} ${c.metadata.name} ${c.spec.group} ${c.spec.names.kind} ${c.spec.scope}`)).toEqual([
      'apiextensions.k8s.io/v1 issuers.cert-manager.io cert-manager.io Issuer Namespaced',
      'apiextensions.k8s.io/v1 certificates.cert-manager.io cert-manager.io Certificate Namespaced',
    ]);
    expect(certManagerModelFor('cert-manager.io/v1', 'Issuer')).toBeDefined();
    expect(certManagerModelFor('cert-manager.io/v1', 'Certificate')).toBeDefined();
    expect(specFields.length).toBeGreaterThan(15);
  });

  test.each(specFields.map(f => [`${f.kind} ${f.path.join('.')}`, f] as const))('%s: the real schema has it with the same type', (_, field) => {
    const instancePath = `/${field.path.join('/')}`;
    expect(realErrors(objectWith(field.kind, field.path, WRONG[field.schema.type])))
      .toEqual(expect.arrayContaining([expect.objectContaining({ instancePath, keyword: 'type', params: { type: field.schema.type } })]));
    expect(realErrors(objectWith(field.kind, field.path, sampleOf(field.schema)))).toEqual([]);
  });

  test.each(specFields.filter(f => f.schema.enum ?? f.schema.items?.enum).map(f => [`${f.kind} ${f.path.join('.')}`, f] as const))(
    '%s: the enum values are the real ones', (_, field) => {
      const values: string[] = field.schema.enum ?? field.schema.items.enum;
      const wrap = (v: string) => (field.schema.type === 'array' ? [v] : v);
      for (const v of values) expect(realErrors(objectWith(field.kind, field.path, wrap(v)))).toEqual([]);
      expect(realErrors(objectWith(field.kind, field.path, wrap('Sometimes'))))
        .toEqual(expect.arrayContaining([expect.objectContaining({ keyword: 'enum' })]));
    });

  test.each(specFields.filter(f => f.schema.required).map(f => [`${f.kind} ${f.path.join('.')}`, f] as const))(
    '%s: its required fields are required by the real schema', (_, field) => {
      for (const missing of field.schema.required as string[]) {
        const value = sampleOf(field.schema) as KubernetesObject;
        expect(realErrors(objectWith(field.kind, field.path, value, missing))).toEqual(expect.arrayContaining([
          expect.objectContaining({ instancePath: `/${field.path.join('/')}`, keyword: 'required', params: { missingProperty: missing } }),
        ]));
      }
    });
});

describe('the generated types render exactly the CRD file\'s fields', () => {
  /** The keys a generated toJson_<type> function writes. */
  function renderedKeys(type: string): string[] {
    const body = new RegExp(`export function toJson_${type}\\([^)]*\\)[^{]*\\{([\\s\\S]*?)\\n\\}`).exec(generated);
    expect(body).not.toBeNull();
    return [...body![1].matchAll(/^\s+'([^']+)': /gm)].map(m => m[1]);
  }
  const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

  test.each(specFields.filter(f => f.schema.type === 'object').map(f => [`${f.kind} ${f.path.join('.')}`, f] as const))(
    '%s', (_, field) => {
      const type = field.kind + field.path.map(pascal).join('');
      expect(renderedKeys(type)).toEqual(Object.keys(field.schema.properties ?? {}));
    });

  test('the generated file says it is generated, and is not exported from the library', () => {
    expect(generated.startsWith('// generated by cdk8s\n')).toBe(true);
    const k8sIndex = fs.readFileSync(path.join(IMPORTS, '..', 'index.ts'), 'utf8');
    expect(k8sIndex).not.toMatch(/imports/);
  });
});

describe('the webhook emits only cert-manager fields of the CRD file', () => {
  /** The dotted paths of every field set in `value`, below `at` (array items are not descended into). */
  function setPaths(value: unknown, at: string[]): string[] {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
    return Object.entries(value).flatMap(([k, v]) => [[...at, k].join('.'), ...setPaths(v, [...at, k])]);
  }

  test('every spec field of every emitted Issuer and Certificate is described', () => {
    const known = new Set(specFields.map(f => `${f.kind} ${f.path.join('.')}`));
    const objects = webhookObjects().all.filter(o => o.apiVersion === 'cert-manager.io/v1');
    expect(objects).toHaveLength(4);
    for (const o of objects) {
      for (const p of setPaths(o.spec, ['spec'])) expect(known).toContain(`${o.kind} ${p}`);
    }
  });

  test('the validators used by the tests are live: a broken Certificate fails', () => {
    const serving = webhookObjects().named('Certificate', 'pod-identity-webhook');
    expect(() => validateKubernetesObjects([serving], CERT_MANAGER_VALIDATORS)).not.toThrow();
    const broken = { ...serving, spec: { ...serving.spec, issuerRef: undefined, privateKey: { rotationPolicy: 'Sometimes' } } };
    expect(() => validateKubernetesObjects([broken], CERT_MANAGER_VALIDATORS))
      .toThrow(/cert-manager.io\/v1\/Certificate pod-identity-webhook\/pod-identity-webhook: .*issuerRef.*rotationPolicy|rotationPolicy.*issuerRef/);
  });
});
