import { z } from 'zod';
import { ERRORS } from './errors.js';
import { codePointLength, LIMITS } from './limits.js';

export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]{1,20}$/;

const requiredString = z.string({
  error: (issue) =>
    issue.input === undefined || issue.input === null ? ERRORS.credentialsRequired : undefined,
});

/** Body of POST /register: checks in the order people meet them (empty, then shapes). */
export const RegisterBody = z
  .strictObject({ username: requiredString, password: requiredString })
  .superRefine((body, ctx) => {
    if (body.username.length === 0 || body.password.length === 0) {
      ctx.addIssue({ code: 'custom', message: ERRORS.credentialsRequired });
    } else if (!USERNAME_PATTERN.test(body.username)) {
      ctx.addIssue({ code: 'custom', path: ['username'], message: ERRORS.usernameShape });
    } else {
      const length = codePointLength(body.password);
      if (length < LIMITS.passwordMin || length > LIMITS.passwordMax)
        ctx.addIssue({ code: 'custom', path: ['password'], message: ERRORS.passwordShape });
    }
  });
export type RegisterBody = z.infer<typeof RegisterBody>;

/** Body of POST /login: shapes are not checked here, a wrong one is simply a failed login. */
export const LoginBody = z
  .strictObject({ username: requiredString.max(200), password: requiredString.max(1000) })
  .superRefine((body, ctx) => {
    if (body.username.length === 0 || body.password.length === 0) {
      ctx.addIssue({ code: 'custom', message: ERRORS.credentialsRequired });
    }
  });
export type LoginBody = z.infer<typeof LoginBody>;

export const PublicUser = z.object({ id: z.number().int(), username: z.string() });
export type PublicUser = z.infer<typeof PublicUser>;

/** Usernames sort case-insensitively everywhere (PROTOCOL.md, `/online`). */
export function compareUsernames(a: string, b: string): number {
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  if (la !== lb) return la < lb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
