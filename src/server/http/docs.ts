import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import type { HttpApp } from './types.js';

/** OpenAPI generated from the route schemas, served at /docs (JSON at /docs/json). */
export async function registerDocs(app: HttpApp): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Chatroom HTTP API',
        description:
          'The polling REST half of the Chatroom protocol. Every answer is an envelope: ' +
          '`{ success: true, ... }` or `{ success: false, message }`.',
        version: '1',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', staticCSP: true });
}
