/**
 * Kubernetes manifest checks for tests: schema validation against the Kubernetes
 * OpenAPI schemas (kubernetes-models 4.x, Kubernetes 1.27 era) and, on request, cert-manager's
 * (@kubernetes-models/cert-manager 4.x), detection of unresolved CDK tokens, cdk8s chart synthesis
 * and YAML parsing.
 */
import { createRequire } from 'node:module';
import { type Chart, Testing } from 'cdk8s';
import { parseAllDocuments } from 'yaml';

/** A Kubernetes object as it appears in a manifest. */
export type KubernetesObject = Record<string, any>;

/** Validates one object of a kind kubernetes-models does not know (e.g. a CRD); throws on errors. */
export type KubernetesObjectValidator = (obj: KubernetesObject) => void;

/** Shape of a kubernetes-models model class (e.g. `require('kubernetes-models/v1').ServiceAccount`). */
export interface KubernetesModelClass {
  readonly apiVersion?: string;
  readonly kind?: string;
  new (data: unknown): { validate(): void };
}

const loadModule = createRequire(__filename);
const API_VERSION_PATTERN = /^(?:[a-z0-9]([a-z0-9.-]*[a-z0-9])?\/)?v[0-9]+(?:(?:alpha|beta)[0-9]+)?$/;
const KIND_PATTERN = /^[A-Z][A-Za-z0-9]*$/;
const modelCache = new Map<string, KubernetesModelClass | undefined>();

/**
 * Finds the kubernetes-models class for `apiVersion`/`kind`, or `undefined` when there is none.
 * Modules live at `kubernetes-models/<group>/<version>/<Kind>`; the core group is `kubernetes-models/v1/<Kind>`.
 */
export function kubernetesModelFor(apiVersion: string, kind: string): KubernetesModelClass | undefined {
  const cacheKey = `${apiVersion}/${kind}`;
  if (modelCache.has(cacheKey)) return modelCache.get(cacheKey);
  let model: KubernetesModelClass | undefined;
  if (API_VERSION_PATTERN.test(apiVersion) && KIND_PATTERN.test(kind)) {
    try {
      const exported = loadModule(`kubernetes-models/${apiVersion}/${kind}`)[kind] as KubernetesModelClass | undefined;
      // Only top-level resources carry apiVersion/kind (PodSpec and friends do not).
      if (exported && exported.apiVersion === apiVersion && exported.kind === kind) model = exported;
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw e;
    }
  }
  modelCache.set(cacheKey, model);
  return model;
}

/**
 * Finds the @kubernetes-models/cert-manager class for `apiVersion`/`kind` (any of cert-manager's groups, e.g.
 * `cert-manager.io/v1` `Certificate`), or `undefined` when there is none. Modules live at
 * `@kubernetes-models/cert-manager/<group>/<version>/<Kind>`.
 */
export function certManagerModelFor(apiVersion: string, kind: string): KubernetesModelClass | undefined {
  const cacheKey = `@kubernetes-models/cert-manager ${apiVersion}/${kind}`;
  if (modelCache.has(cacheKey)) return modelCache.get(cacheKey);
  let model: KubernetesModelClass | undefined;
  const group = apiVersion.split('/')[0];
  if (API_VERSION_PATTERN.test(apiVersion) && apiVersion.includes('/') && /(^|\.)cert-manager\.io$/.test(group) && KIND_PATTERN.test(kind)) {
    try {
      const exported = loadModule(`@kubernetes-models/cert-manager/${apiVersion}/${kind}`)[kind] as KubernetesModelClass | undefined;
      if (exported && exported.apiVersion === apiVersion && exported.kind === kind) model = exported;
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw e;
    }
  }
  modelCache.set(cacheKey, model);
  return model;
}

/** The `extraValidators` entry for one cert-manager kind: validates against @kubernetes-models/cert-manager's schema. */
export function certManagerValidator(apiVersion: string, kind: string): KubernetesObjectValidator {
  const Model = certManagerModelFor(apiVersion, kind);
  if (!Model) throw new Error(`no cert-manager schema for ${apiVersion}/${kind} in @kubernetes-models/cert-manager`);
  return (obj) => new Model(obj).validate();
}

/**
 * `extraValidators` for the kinds of cert-manager.io/v1 (Issuer, ClusterIssuer, Certificate, CertificateRequest), checked
 * against cert-manager's complete schemas (@kubernetes-models/cert-manager): pass it to `validateKubernetesObjects` or
 * `synthChartObjects` for charts that emit cert-manager objects.
 */
export const CERT_MANAGER_VALIDATORS: Readonly<Record<string, KubernetesObjectValidator>> = Object.freeze(Object.fromEntries(
  ['Issuer', 'ClusterIssuer', 'Certificate', 'CertificateRequest'].map(kind => [`cert-manager.io/v1/${kind}`, certManagerValidator('cert-manager.io/v1', kind)]),
));

/** Describes an object as `<apiVersion>/<kind> <namespace>/<name>` for error messages. */
export function describeObject(obj: unknown): string {
  const o = (obj ?? {}) as KubernetesObject;
  const meta = (o.metadata ?? {}) as KubernetesObject;
  return `${o.apiVersion ?? '<no apiVersion>'}/${o.kind ?? '<no kind>'} ${meta.namespace ?? ''}/${meta.name ?? '<no name>'}`;
}

function validationMessages(error: unknown): string {
  const details = (error as { errors?: Array<{ instancePath?: string; message?: string; params?: unknown }> }).errors;
  if (Array.isArray(details) && details.length > 0) {
    return details.map((d) => `${d.instancePath || '/'} ${d.message ?? ''} ${d.params ? JSON.stringify(d.params) : ''}`.trim()).join('; ');
  }
  return error instanceof Error ? error.message : String(error);
}

function problemsOf(obj: unknown, extraValidators: Record<string, KubernetesObjectValidator>): string | undefined {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return `not an object: ${JSON.stringify(obj)}`;
  const o = obj as KubernetesObject;
  const missing = [
    typeof o.apiVersion === 'string' && o.apiVersion ? undefined : 'apiVersion',
    typeof o.kind === 'string' && o.kind ? undefined : 'kind',
    typeof o.metadata?.name === 'string' && o.metadata.name ? undefined : 'metadata.name',
  ].filter((m) => m !== undefined);
  if (missing.length > 0) return `missing ${missing.join(', ')}`;

  const typeKey = `${o.apiVersion}/${o.kind}`;
  try {
    const extra = extraValidators[typeKey];
    if (extra) {
      extra(o);
      return undefined;
    }
    const Model = kubernetesModelFor(o.apiVersion, o.kind);
    if (!Model) {
      return `no Kubernetes schema for ${typeKey} in kubernetes-models; pass a validator for '${typeKey}' in extraValidators`;
    }
    new Model(o).validate();
    return undefined;
  } catch (e) {
    return validationMessages(e);
  }
}

/**
 * Validates every object against the Kubernetes OpenAPI schemas (types, enums, required fields).
 * Objects without a kubernetes-models class (CRDs) fail unless `extraValidators` has an entry keyed
 * `<apiVersion>/<kind>` (e.g. `'cert-manager.io/v1/Certificate'`; `CERT_MANAGER_VALIDATORS` has cert-manager's). Also fails on a missing apiVersion,
 * kind or metadata.name. Throws one Error listing every bad object.
 * Note: unknown (misspelled) fields are not detected; the schemas allow additional properties.
 */
export function validateKubernetesObjects(
  objects: unknown[],
  extraValidators: Record<string, KubernetesObjectValidator> = {},
): void {
  const failures: string[] = [];
  objects.forEach((obj) => {
    const problems = problemsOf(obj, extraValidators);
    if (problems) failures.push(`${describeObject(obj)}: ${problems}`);
  });
  if (failures.length > 0) {
    throw new Error(`${failures.length} invalid Kubernetes object(s):\n  ${failures.join('\n  ')}`);
  }
}

/** Matches CDK string/list tokens and the CDK number-token encoding (doubles around -1.8881545897087e+289). */
const TOKEN_PATTERNS: RegExp[] = [/\$\{Token\[/, /#\{Token\[/, /-1\.888154589708\d*e\+289/];

/**
 * Throws if `content` (a string, or anything JSON-serialisable) contains an unresolved CDK token,
 * naming `what` and showing the first offending snippet.
 */
export function assertNoUnresolvedTokens(content: unknown, what: string): void {
  const text = typeof content === 'string' ? content : JSON.stringify(content) ?? '';
  let first: { index: number; length: number } | undefined;
  for (const pattern of TOKEN_PATTERNS) {
    const match = pattern.exec(text);
    if (match && (!first || match.index < first.index)) first = { index: match.index, length: match[0].length };
  }
  if (first) {
    const snippet = text.slice(Math.max(0, first.index - 60), first.index + first.length + 60);
    throw new Error(`${what} contains an unresolved CDK token: ...${snippet}...`);
  }
}

/**
 * Synthesizes a cdk8s chart (`Testing.synth`), validates every object and checks for unresolved
 * tokens; returns the objects.
 */
export function synthChartObjects(
  chart: Chart,
  extraValidators: Record<string, KubernetesObjectValidator> = {},
): any[] {
  const objects = Testing.synth(chart);
  assertNoUnresolvedTokens(objects, `chart ${chart.node.path}`);
  validateKubernetesObjects(objects, extraValidators);
  return objects;
}

/** Parses a multi-document YAML string; empty documents are skipped, parse errors throw. */
export function parseYamlDocuments(text: string): any[] {
  const result: any[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      throw new Error(`YAML parse error: ${doc.errors.map((e) => e.message).join('; ')}`);
    }
    const value = doc.toJS();
    if (value !== null && value !== undefined) result.push(value);
  }
  return result;
}
