import { Responses } from '../../protocol/index.js';
import type { HttpApp } from './types.js';

export function healthRoutes(app: HttpApp): void {
  app.get(
    '/health',
    {
      config: { rateLimit: false },
      schema: { tags: ['server'], summary: 'Liveness', response: { 200: Responses.health } },
    },
    async () => ({ success: true as const, status: 'ok' as const }),
  );
}
