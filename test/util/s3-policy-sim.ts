/**
 * S3 checks for the discovery hostings: the objects a BucketDeployment publishes, read back from the cloud assembly,
 * and bucket policies evaluated with an IAM policy simulator.
 *
 * Evaluates S3 bucket policies with @cloud-copilot/iam-simulate (a devDependency only; AGPL), for anonymous
 * (unsigned) requests, AWS service principals (CloudFront origin access control) and IAM principals of other accounts.
 *
 * The simulator models anonymous requests itself (`anonymousPrincipal`: no identity policies, allowed only by a
 * resource policy that admits `*`), and S3 Block Public Access (RestrictPublicBuckets) when told it is on. Every
 * request carries `aws:SecureTransport` (true unless stated), as S3 sets it on every request.
 */
import * as fs from 'fs';
import * as path from 'path';
import { anonymousPrincipal, runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import type { Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import type { Decision } from './iam-simulator';
import { resolveIntrinsics, type IntrinsicEnv } from './intrinsics';

/** Who sends the request. */
export type S3Caller =
  /** An unsigned request from anyone on the internet. */
  | { readonly anonymous: true }
  /** An AWS service acting for a resource (`cloudfront.amazonaws.com` for `AWS:SourceArn`), as a service principal. */
  | { readonly service: string; readonly sourceArn?: string; readonly sourceAccount?: string }
  /** An IAM principal (user or role ARN), allowed the action by its own identity policy. */
  | { readonly arn: string };

/** One request to a bucket. */
export interface S3Request {
  readonly caller: S3Caller;
  /** `s3:GetObject`, `s3:ListBucket`, `s3:PutObject`, ... */
  readonly action: string;
  /** The bucket's name. */
  readonly bucket: string;
  /** The object's key; leave out for bucket-level actions (`s3:ListBucket`). */
  readonly key?: string;
  /** The account that owns the bucket. */
  readonly bucketAccount: string;
  /** The bucket policy, fully resolved (no intrinsics). */
  readonly policy: object;
  /** `aws:SecureTransport`. @default true */
  readonly secureTransport?: boolean;
  /** The effective S3 Block Public Access RestrictPublicBuckets setting. @default false */
  readonly blockPublicAccess?: boolean;
  /** @default 'aws' */
  readonly partition?: string;
}

/** The simulator's decision for `request`; implicit and explicit denies are both `Denied`. Throws on invalid input. */
export async function s3Decision(request: S3Request): Promise<Decision> {
  const partition = request.partition ?? 'aws';
  const resource = request.key === undefined
    ? `arn:${partition}:s3:::${request.bucket}`
    : `arn:${partition}:s3:::${request.bucket}/${request.key}`;
  const context: Record<string, string> = { 'aws:SecureTransport': String(request.secureTransport ?? true) };
  const { caller } = request;
  let principal: Simulation['request']['principal'];
  let identityPolicies: Simulation['identityPolicies'] = [];
  if ('anonymous' in caller) {
    principal = anonymousPrincipal;
  } else if ('service' in caller) {
    principal = caller.service;
    context['aws:PrincipalServiceName'] = caller.service;
    if (caller.sourceArn !== undefined) context['aws:SourceArn'] = caller.sourceArn;
    if (caller.sourceAccount !== undefined) context['aws:SourceAccount'] = caller.sourceAccount;
  } else {
    principal = caller.arn;
    context['aws:PrincipalArn'] = caller.arn;
    context['aws:PrincipalAccount'] = caller.arn.split(':')[4];
    identityPolicies = [{ name: 'caller', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: request.action, Resource: resource }] } }];
  }
  const response = await runSimulation({
    request: { principal, action: request.action, resource: { resource, accountId: request.bucketAccount }, contextVariables: context },
    identityPolicies,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: request.policy,
    additionalSettings: { s3: { blockPublicAccess: request.blockPublicAccess ?? false } },
  }, {});
  if (response.resultType === 'error') throw new Error(`iam-simulate rejected the simulation: ${JSON.stringify(response.errors)}`);
  if (response.resultType !== 'single') throw new Error(`unexpected ${response.resultType} simulation for ${resource}`);
  const ignored = response.result.ignoredContextKeys ?? [];
  if (ignored.length > 0) throw new Error(`iam-simulate ignores context keys ${ignored.join(', ')} for ${request.action}`);
  return response.overallResult === 'Allowed' ? 'Allowed' : 'Denied';
}

/** The policy document of the one AWS::S3::BucketPolicy in `template`, with intrinsics resolved by `env`. */
export function bucketPolicyOf(template: Template, env: IntrinsicEnv): object {
  const policies = Object.values(template.findResources('AWS::S3::BucketPolicy')) as Array<{ Properties: { PolicyDocument: object } }>;
  if (policies.length !== 1) throw new Error(`expected one AWS::S3::BucketPolicy, found ${policies.length}`);
  return resolveIntrinsics(policies[0].Properties.PolicyDocument, env) as object;
}

/** The files under `dir`, by their path relative to it (with '/'), dot-directories included. */
function filesUnder(dir: string, base = dir): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) Object.assign(out, filesUnder(full, base));
    else out[path.relative(base, full).split(path.sep).join('/')] = fs.readFileSync(full, 'utf8');
  }
  return out;
}

/**
 * The objects the Custom::CDKBucketDeployment `deploymentLogicalId` of `stack` writes, by key, read from the staged
 * assets of `assembly` (the directory each `SourceObjectKeys` entry is zipped from at publishing), with its deploy-time
 * values (`SourceMarkers`) resolved by `env` and JSON-escaped where `SourceMarkersConfig` says so, as the handler does.
 */
export function deployedObjects(assembly: CloudAssembly, stack: Stack, deploymentLogicalId: string, env: IntrinsicEnv = {}): Record<string, string> {
  const artifact = assembly.getStackArtifact(stack.artifactId);
  const resource = (artifact.template.Resources ?? {})[deploymentLogicalId];
  if (!resource || resource.Type !== 'Custom::CDKBucketDeployment') throw new Error(`no Custom::CDKBucketDeployment ${deploymentLogicalId}`);
  const props = resource.Properties as {
    SourceObjectKeys: string[];
    SourceMarkers?: Array<Record<string, unknown>>;
    SourceMarkersConfig?: Array<{ jsonEscape?: boolean }>;
    DestinationBucketKeyPrefix?: string;
  };
  const manifest = JSON.parse(fs.readFileSync(path.join(assembly.directory, `${stack.artifactId}.assets.json`), 'utf8')) as {
    files: Record<string, { source: { path: string; packaging?: string } }>;
  };
  const objects: Record<string, string> = {};
  props.SourceObjectKeys.forEach((zip, i) => {
    const asset = manifest.files[zip.replace(/\.zip$/, '')];
    if (!asset || asset.source.packaging !== 'zip') throw new Error(`source ${zip} is not a zipped directory asset of ${stack.artifactId}`);
    const markers = Object.entries(props.SourceMarkers?.[i] ?? {}).map(([marker, value]) => {
      const resolved = resolveIntrinsics(value, env);
      if (typeof resolved !== 'string') throw new Error(`marker ${marker} resolved to ${JSON.stringify(resolved)}`);
      return [marker, props.SourceMarkersConfig?.[i]?.jsonEscape ? JSON.stringify(resolved).slice(1, -1) : resolved] as const;
    });
    for (const [key, text] of Object.entries(filesUnder(path.join(assembly.directory, asset.source.path)))) {
      const target = `${props.DestinationBucketKeyPrefix ?? ''}${key}`;
      if (target in objects) throw new Error(`two sources write ${target}`);
      objects[target] = markers.reduce((t, [marker, value]) => t.split(marker).join(value), text);
    }
  });
  return objects;
}
