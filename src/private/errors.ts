import type { IConstruct } from 'constructs';

/**
 * Who an error is about: the kind of construct (its class name, as users write it) and its path in the tree.
 * Every message of this library starts with these two, so a user can find the line that caused it.
 */
export interface Subject {
  readonly kind: string;
  readonly path: string;
}

/** The subject for an existing construct. */
export function subjectOf(kind: string, construct: IConstruct): Subject {
  return { kind, path: construct.node.path };
}

/** The subject for a construct whose class is not known here (an `IWorkloadCluster`, an `IRole`): its class name. */
export function subjectOfAny(construct: IConstruct): Subject {
  return { kind: construct.constructor?.name || 'Construct', path: construct.node.path };
}

/** The subject for a construct about to be created as child `id` of `scope` (checks that run before `super()`). */
export function subjectFor(kind: string, scope: IConstruct, id: string): Subject {
  return { kind, path: scope.node.path === '' ? id : `${scope.node.path}/${id}` };
}

/** A value as it appears in messages: JSON, so that whitespace, newlines and empty strings are visible. */
export function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  return JSON.stringify(value);
}

/**
 * The one message format: `<Kind> <path>: <what was given>, expected <what is expected>; <how to fix>`.
 */
export function errorMessage(subject: Subject, given: string, expected: string, fix?: string): string {
  return `${subject.kind} ${subject.path}: ${given}, expected ${expected}${fix ? `; ${fix}` : ''}`;
}

/** Throws the error `errorMessage()` formats. */
export function fail(subject: Subject, given: string, expected: string, fix?: string): never {
  throw new Error(errorMessage(subject, given, expected, fix));
}

/** The first `max` items joined with ', ', then how many more. */
export function listed(items: readonly string[], max = 10): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}
