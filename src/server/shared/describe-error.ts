import { ERRORS } from '../../protocol/index.js';
import { AppError } from './app-error.js';

const BAD_BODY_CODES = new Set([
  'FST_ERR_CTP_INVALID_JSON_BODY',
  'FST_ERR_CTP_EMPTY_JSON_BODY',
  'FST_ERR_CTP_INVALID_MEDIA_TYPE',
  'FST_ERR_CTP_INVALID_CONTENT_LENGTH',
  'FST_ERR_CTP_EMPTY_TYPE',
  'FST_ERR_CTP_INVALID_TYPE',
]);

export interface ClientError {
  status: number;
  message: string;
  /** True for failures of ours (500): to be logged, never shown in detail. */
  internal: boolean;
}

/** Maps any thrown value to what a client is told. Never leaks stack traces or SQL. */
export function describeError(error: unknown): ClientError {
  if (error instanceof AppError) {
    return { status: error.statusCode, message: error.message, internal: false };
  }
  const e = error as { code?: string; statusCode?: number } | null;
  const code = e?.code;
  if (code && BAD_BODY_CODES.has(code))
    return { status: 400, message: ERRORS.noData, internal: false };
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE' || e?.statusCode === 413) {
    return { status: 413, message: ERRORS.bodyTooLarge, internal: false };
  }
  if (e?.statusCode === 429) return { status: 429, message: ERRORS.rateLimited, internal: false };
  if (e?.statusCode === 404) return { status: 404, message: ERRORS.notFound, internal: false };
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return { status: 400, message: ERRORS.noData, internal: false };
  }
  return { status: 500, message: ERRORS.serverError, internal: true };
}
