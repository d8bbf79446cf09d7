import type { FastifyReply, FastifyRequest } from 'fastify';
import { ERRORS } from '../../protocol/index.js';
import type { AccountService, AuthUser } from '../accounts/account-service.js';
import { fail } from '../shared/app-error.js';
import { isAllowedOrigin, SESSION_COOKIE } from '../shared/origin.js';

declare module 'fastify' {
  interface FastifyRequest {
    user: AuthUser | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * preHandler for routes that need a user: a Bearer token, or the session cookie under the
 * Origin rule for state-changing requests.
 */
export function requireUser(accounts: AccountService, allowedOrigins: readonly string[]) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    let token = bearerToken(request.headers.authorization);
    if (token === undefined) {
      token = request.cookies[SESSION_COOKIE];
      if (token === undefined) throw fail.unauthorized();
      if (
        !SAFE_METHODS.has(request.method) &&
        !isAllowedOrigin(request.headers.origin, request.headers.host, allowedOrigins)
      ) {
        throw fail.forbidden(ERRORS.forbiddenOrigin);
      }
    }
    const user = await accounts.authenticate(token);
    if (!user) throw fail.unauthorized();
    request.user = user;
  };
}

/** The authenticated user of a request that went through `requireUser`. */
export function userOf(request: FastifyRequest): AuthUser {
  if (!request.user) throw fail.unauthorized();
  return request.user;
}
