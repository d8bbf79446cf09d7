import fastifyStatic from '@fastify/static';
import type { HttpApp } from './types.js';

/** Serves the built web client (dist/web) at `/`. Hashed assets are cached for good. */
export async function registerWebClient(app: HttpApp, root: string): Promise<void> {
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    index: ['index.html'],
    cacheControl: false,
    setHeaders(res, path) {
      const immutable = /[\\/]assets[\\/]/.test(path);
      res.setHeader(
        'Cache-Control',
        immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
}
