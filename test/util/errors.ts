/**
 * Assertions on the library's error messages: construction errors and the validation errors of synthesis.
 */
import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

/** Asserts that `fn` throws an Error whose message is exactly `message`. */
export function expectError(fn: () => unknown, message: string): void {
  expect(fn).toThrow(new Error(message));
}

/** The lines of the validation error `fn` throws (CDK or cdk8s), each `[<construct path>] <message>`; fails when it does not throw one. */
export function validationErrors(fn: () => unknown): string[] {
  let message: string | undefined;
  try {
    fn();
  } catch (e) {
    message = (e as Error).message;
  }
  expect(message).toBeDefined();
  const [header, ...lines] = message!.split('\n');
  expect(header).toBe('Validation failed with the following errors:');
  return lines.map(line => line.trim());
}

/** The validation errors synthesizing `stack` fails with, each `[<construct path>] <message>`; fails when it synthesizes. */
export function synthErrors(stack: Stack): string[] {
  return validationErrors(() => Template.fromStack(stack));
}
