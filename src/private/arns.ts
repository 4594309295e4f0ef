import { type Stack, Token } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { fail, show, type Subject } from './errors';

/** The parts of a literal ARN: `arn:<partition>:<service>:<region>:<account>:<resource>`. */
export interface ArnParts {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  readonly resource: string;
}

const ARN = /^arn:([a-z0-9-]+):([a-z0-9-]+):([a-z0-9-]*):(\d{12}|):(.+)$/;

/** The parts of `arn`, or undefined when it is not a literal ARN. */
export function parseArn(arn: string): ArnParts | undefined {
  if (Token.isUnresolved(arn)) return undefined;
  const m = ARN.exec(arn);
  return m ? { partition: m[1], service: m[2], region: m[3], account: m[4], resource: m[5] } : undefined;
}

/** The partition of a region (`aws`, `aws-cn`, `aws-us-gov`, ...), or undefined for a token or a region aws-cdk-lib does not know. */
export function partitionOfRegion(region: string): string | undefined {
  if (Token.isUnresolved(region) || region === '') return undefined;
  return RegionInfo.get(region).partition;
}

/** The partition `stack` deploys to, when its region is literal and known. */
export function partitionOfStack(stack: Stack): string | undefined {
  return partitionOfRegion(stack.region);
}

/**
 * Throws when the literal ARN `arn` (the value of `what`) cannot be used from `stack`: its partition is not the
 * partition of its own region, or not the partition of the stack's region. Tokens and unknown regions are not checked.
 */
export function assertSamePartition(subject: Subject, what: string, arn: string, stack: Stack): void {
  const parts = parseArn(arn);
  if (!parts) return;
  const ofRegion = partitionOfRegion(parts.region);
  if (ofRegion !== undefined && ofRegion !== parts.partition) {
    fail(subject, `${what} ${show(arn)} has partition "${parts.partition}" but region "${parts.region}", which is in partition "${ofRegion}"`,
      `an ARN of the form arn:${ofRegion}:${parts.service}:${parts.region}:...`);
  }
  const ofStack = partitionOfStack(stack);
  if (ofStack !== undefined && ofStack !== parts.partition) {
    fail(subject, `${what} ${show(arn)} is in partition "${parts.partition}", but stack ${stack.node.path} deploys to region ` +
      `"${stack.region}" in partition "${ofStack}"`,
    `an ARN in partition "${ofStack}"`, 'IAM roles, OIDC providers and EKS clusters of one identity must share a partition');
  }
}
