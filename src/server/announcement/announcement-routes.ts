import { Responses } from '../../protocol/index.js';
import type { HttpApp } from '../http/types.js';
import type { AnnouncementSource } from './announcement-source.js';

export function announcementRoutes(app: HttpApp, source: AnnouncementSource): void {
  app.get(
    '/announcement',
    {
      schema: {
        tags: ['server'],
        summary: 'The server announcement ("" when none)',
        response: { 200: Responses.announcement },
      },
    },
    async () => ({ success: true as const, announcement: source.current() }),
  );
}
