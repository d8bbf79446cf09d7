import type { FastifyInstance } from 'fastify';

/**
 * JSON bodies, parsed as Fastify does by default (prototype poisoning refused), except that an
 * empty body is no body: `POST /logout` from a client that always sends
 * `content-type: application/json` works, and routes that need a body answer `No data provided`.
 */
export function installJsonBodyParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim().length === 0) done(null, undefined);
    else parseJson(request, text, done);
  });
}
