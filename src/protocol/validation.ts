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

/** Validates an untrusted payload; the message is the first problem, ready to show. */
export function parsePayload<S extends z.ZodType>(
  schema: S,
  data: unknown,
): ParseResult<z.output<S>> {
  const result = schema.safeParse(data, { error: (issue) => describeIssue(issue as RawIssue) });
  if (result.success) return { ok: true, data: result.data };
  return { ok: false, message: result.error.issues[0]?.message ?? ERRORS.noData };
}
