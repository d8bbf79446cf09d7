import type { preHandlerAsyncHookHandler } from 'fastify';
import { LoginBody, RegisterBody, Responses } from '../../protocol/index.js';
import { userOf } from '../http/authenticate.js';
import type { HttpApp } from '../http/types.js';
import type { Notifier } from '../realtime/notifier.js';
import { SESSION_COOKIE } from '../shared/origin.js';
import type { AccountService } from './account-service.js';

export interface AccountRouteDeps {
  accounts: AccountService;
  notifier: Notifier;
  auth: preHandlerAsyncHookHandler;
  secureCookies: boolean;
}

const errors = { 400: Responses.failure, 401: Responses.failure, 429: Responses.failure };

export function accountRoutes(app: HttpApp, deps: AccountRouteDeps): void {
  app.post(
    '/register',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Create an account (a member of general from the start)',
        body: RegisterBody,
        response: { 201: Responses.registered, 409: Responses.failure, ...errors },
      },
    },
    async (request, reply) => {
      const user = await deps.accounts.register(request.body, request.ip);
      return reply.status(201).send({ success: true, user });
    },
  );

  app.post(
    '/login',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Log in: returns a bearer token and sets the HttpOnly session cookie',
        body: LoginBody,
        response: { 200: Responses.loggedIn, ...errors },
      },
    },
    async (request, reply) => {
      const result = await deps.accounts.login(request.body, request.ip);
      reply.setCookie(SESSION_COOKIE, result.token, {
        httpOnly: true,
        sameSite: 'lax',
        path: '/',
        secure: deps.secureCookies,
        maxAge: result.maxAgeSeconds,
      });
      return { success: true as const, token: result.token, user: result.user };
    },
  );

  app.post(
    '/logout',
    {
      preHandler: deps.auth,
      schema: {
        tags: ['accounts'],
        summary: 'Revoke the session on every node and disconnect its sockets',
        security: [{ bearer: [] }],
        response: { 200: Responses.ok, ...errors },
      },
    },
    async (request, reply) => {
      const user = userOf(request);
      await deps.accounts.logout(user);
      deps.notifier.disconnectSession(user.tokenHash);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { success: true as const };
    },
  );
}
