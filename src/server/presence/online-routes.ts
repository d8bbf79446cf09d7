import type { preHandlerAsyncHookHandler } from 'fastify';
import { OnlineQuery, Responses } from '../../protocol/index.js';
import { userOf } from '../http/authenticate.js';
import type { HttpApp } from '../http/types.js';
import type { RoomService } from '../rooms/room-service.js';
import type { PresenceService } from './presence-service.js';

export function onlineRoutes(
  app: HttpApp,
  presence: PresenceService,
  rooms: RoomService,
  auth: preHandlerAsyncHookHandler,
) {
  app.get(
    '/online',
    {
      preHandler: auth,
      schema: {
        tags: ['presence'],
        security: [{ bearer: [] }],
        summary: 'Online users, or those present in one room; sorted case-insensitively',
        querystring: OnlineQuery,
        response: {
          200: Responses.users,
          401: Responses.failure,
          403: Responses.failure,
          404: Responses.failure,
        },
      },
    },
    async (request) => {
      const { room } = request.query;
      if (room !== undefined) await rooms.requireMember(userOf(request), room);
      return { success: true as const, users: await presence.online(room) };
    },
  );
}
