import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERRORS } from '../../protocol/index.js';
import { describeError } from '../shared/describe-error.js';

/** Every failure leaves as the envelope `{ success: false, message }`. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const described = describeError(error);
    if (described.internal) request.log.error({ err: error }, 'request failed');
    reply.status(described.status).send({ success: false, message: described.message });
  });
  app.setNotFoundHandler((_request, reply) => {
    reply.status(404).send({ success: false, message: ERRORS.notFound });
  });
}

/**
 * Errors the router raises before any route runs (a malformed URL, a path parameter over
 * Fastify's length limit): no route can match them, so they answer like an unknown route.
 */
export function frameworkErrorHandler(
  _error: Error,
  _request: FastifyRequest,
  reply: FastifyReply,
): void {
  reply.status(404).send({ success: false, message: ERRORS.notFound });
}
