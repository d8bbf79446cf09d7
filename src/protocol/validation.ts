import type { z } from 'zod';
import { ERRORS, fieldTooLongMessage, invalidFieldMessage, unknownFieldMessage } from './errors.js';

export type ParseResult<T> = { ok: true; data: T } | { ok: false; message: string };

type RawIssue = {
  code: string;
  path?: PropertyKey[];
  expected?: string;
  keys?: string[];
  maximum?: number | bigint;
  origin?: string;
};

function fieldName(path: PropertyKey[] | undefined): string {
  if (!path || path.length === 0) return 'payload';
  return path.map(String).join('.');
}

/**
 * Turns a zod issue without a message of its own into a sentence for people.
 * Schemas in this module give their own messages for the rows of PROTOCOL.md;
 * everything else (wrong types, unknown fields, ...) is described here.
 */
export function describeIssue(issue: RawIssue): string {
  const atRoot = !issue.path || issue.path.length === 0;
  switch (issue.code) {
    case 'invalid_type':
      if (atRoot) return ERRORS.noData;
      return invalidFieldMessage(fieldName(issue.path), issue.expected ?? 'another type');
    case 'unrecognized_keys':
      return unknownFieldMessage(issue.keys ?? []);
    case 'too_big':
      return fieldTooLongMessage(fieldName(issue.path), Number(issue.maximum ?? 0));
    default:
      return atRoot ? ERRORS.noData : `Invalid ${fieldName(issue.path)}`;
  }
}

/** zod's options for a parse whose issues become sentences (`describeIssue`). */
const DESCRIBED = { error: (issue: unknown) => describeIssue(issue as RawIssue) };

/**
 * Validates an untrusted payload; the message is the first problem, ready to show.
 *
 * A payload is parsed without options first, and again with `DESCRIBED` only when it is
 * invalid. zod copies a parse's options into a context object (`{ ...options, async: false }`),
 * and in Node 20's V8 an object built by a spread followed by a property gets a hidden class of
 * its own, allocated in the old generation, for as long as that line's inline cache has not gone
 * megamorphic: ~230 bytes a parse, kept until the next major GC. On the message path that was
 * most of what grew the old generation (docs/benchmarks.md, "A hidden class per message").
 */
export function parsePayload<S extends z.ZodType>(
  schema: S,
  data: unknown,
): ParseResult<z.output<S>> {
  const result = schema.safeParse(data);
  if (result.success) return { ok: true, data: result.data };
  const described = schema.safeParse(data, DESCRIBED);
  const issue = described.success ? undefined : described.error.issues[0];
  return { ok: false, message: issue?.message ?? ERRORS.noData };
}
