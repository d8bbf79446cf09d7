import { describe, expect, it } from 'vitest';
import { ERRORS } from '../../protocol/index.js';
import { AppError, fail } from './app-error.js';
import { describeError } from './describe-error.js';

describe('describeError', () => {
  it('passes an AppError through with its status', () => {
    expect(describeError(fail.forbidden())).toEqual({
      status: 403,
      message: ERRORS.notMember,
      internal: false,
    });
    expect(describeError(new AppError(409, ERRORS.usernameTaken)).status).toBe(409);
  });

  it('answers bad bodies with 400 "No data provided"', () => {
    for (const code of ['FST_ERR_CTP_INVALID_JSON_BODY', 'FST_ERR_CTP_INVALID_MEDIA_TYPE']) {
      expect(describeError(Object.assign(new Error('x'), { code }))).toEqual({
        status: 400,
        message: ERRORS.noData,
        internal: false,
      });
    }
  });

  it('answers 413 for a body too large and 429 for the HTTP rate limit', () => {
    expect(describeError({ code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }).status).toBe(413);
    expect(describeError({ statusCode: 429, message: 'Rate limit exceeded' })).toEqual({
      status: 429,
      message: ERRORS.rateLimited,
      internal: false,
    });
  });

  it('hides everything else behind a 500 without detail', () => {
    const sql = new Error('SQLITE_CONSTRAINT: UNIQUE constraint failed: users.username_key');
    expect(describeError(sql)).toEqual({
      status: 500,
      message: ERRORS.serverError,
      internal: true,
    });
    expect(describeError(undefined).status).toBe(500);
    expect(describeError('a string').status).toBe(500);
  });
});
