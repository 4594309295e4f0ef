/**
 * cdk-nag (AwsSolutions) checks for tests: errors fail the test, warnings are returned.
 */
import { Aspects, Stack, Stage } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import type { SynthesisMessage } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks, NagSuppressions } from 'cdk-nag';
import type { IConstruct } from 'constructs';

const NAG_RULE = /AwsSolutions-/;

function format(stack: Stack, m: SynthesisMessage): string {
  return `${stack.node.path} ${m.id}: ${String(m.entry.data)}`;
}

/** Messages of one stack, read from the assembly of the stage that holds it (nested stages included). */
function stackMessages(stack: Stack): SynthesisMessage[] {
  const stage = Stage.of(stack);
  if (!stage) throw new Error(`stack ${stack.node.path} is not in a Stage`);
  return stage.synth().getStackArtifact(stack.artifactId).messages;
}

function nagMessages(stack: Stack, level: 'error' | 'warning'): string[] {
  if (Stage.of(stack) === stack.node.root) {
    const annotations = Annotations.fromStack(stack);
    const found = level === 'error'
      ? annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))
      : annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'));
    return found.map((m) => format(stack, m));
  }
  return stackMessages(stack)
    .filter((m) => m.level === level && NAG_RULE.test(String(m.entry.data)))
    .map((m) => format(stack, m));
}

/**
 * Applies AwsSolutionsChecks (verbose) to `app`, synthesizes it and throws one Error listing every
 * AwsSolutions error of every stack (nested stages included). Returns the AwsSolutions warnings.
 */
export function assertNagClean(app: Stage): string[] {
  const constructs = app.node.findAll();
  // Aspects do not cross Stage boundaries: every nested stage needs its own.
  for (const stage of constructs.filter((c): c is Stage => Stage.isStage(c))) {
    Aspects.of(stage).add(new AwsSolutionsChecks({ verbose: true }));
  }
  app.synth();
  const stacks = constructs.filter((c): c is Stack => Stack.isStack(c));
  const errors = [...new Set(stacks.flatMap((s) => nagMessages(s, 'error')))];
  const warnings = [...new Set(stacks.flatMap((s) => nagMessages(s, 'warning')))];
  if (errors.length > 0) {
    throw new Error(`cdk-nag AwsSolutions errors (${errors.length}):\n  ${errors.join('\n  ')}`);
  }
  return warnings;
}

/**
 * Suppresses cdk-nag rule `id` (e.g. 'AwsSolutions-IAM4') on `construct` and its children: every finding of the
 * rule, or only the granular findings in `appliesTo` (e.g. 'Resource::*'). A written reason of at least 20 characters
 * is required.
 */
export function suppress(construct: IConstruct, id: string, reason: string, appliesTo?: string[]): void {
  if (reason.trim().length < 20) {
    throw new Error(`suppression of ${id} on ${construct.node.path} needs a reason of at least 20 characters, got '${reason}'`);
  }
  if (appliesTo !== undefined && appliesTo.length === 0) {
    throw new Error(`suppression of ${id} on ${construct.node.path}: appliesTo is empty (leave it out to suppress every finding)`);
  }
  NagSuppressions.addResourceSuppressions(construct, [{ id, reason, ...(appliesTo ? { appliesTo } : {}) }], true);
}

/** Suppresses, with reasons, the findings on aws-s3-deployment's BucketDeployment handler, which this library does not shape. */
export function suppressBucketDeployment(stack: Stack): void {
  const handler = stack.node.children.find(c => c.node.id.startsWith('Custom::CDKBucketDeployment'));
  if (!handler) throw new Error('no BucketDeployment handler in the stack');
  suppress(handler, 'AwsSolutions-IAM4', 'The BucketDeployment handler of aws-cdk-lib uses AWSLambdaBasicExecutionRole for its logs.');
  suppress(handler, 'AwsSolutions-IAM5', 'The BucketDeployment handler of aws-cdk-lib reads the asset bucket and writes objects ' +
    'under the destination (object wildcards by construction; cloudfront:CreateInvalidation on * for the CloudFront hosting).');
  suppress(handler, 'AwsSolutions-L1', 'The BucketDeployment handler\'s Python runtime is chosen by aws-cdk-lib, not by this library.');
}
