import type { preHandlerAsyncHookHandler } from 'fastify';
import { CreateRoomBody, JoinRoomBody, LeaveRoomBody, Responses } from '../../protocol/index.js';
import { userOf } from '../http/authenticate.js';
import type { HttpApp } from '../http/types.js';
import type { RoomService } from './room-service.js';

const errors = {
  400: Responses.failure,
  401: Responses.failure,
  403: Responses.failure,
  404: Responses.failure,
};

export function roomRoutes(app: HttpApp, rooms: RoomService, auth: preHandlerAsyncHookHandler) {
  const common = { preHandler: auth };
  const meta = { tags: ['rooms'], security: [{ bearer: [] }] };

  app.get(
    '/rooms',
    {
      ...common,
      schema: {
        ...meta,
        summary: "The caller's rooms",
        response: { 200: Responses.rooms, ...errors },
      },
    },
    async (request) => ({ success: true as const, rooms: await rooms.list(userOf(request)) }),
  );

  app.post(
    '/join_room',
    {
      ...common,
      schema: {
        ...meta,
        summary: 'Join a public room by name (created on first use)',
        body: JoinRoomBody,
        response: { 200: Responses.room, ...errors },
      },
    },
    async (request) => ({
      success: true as const,
      room: await rooms.joinByRequest(userOf(request), request.body.room),
    }),
  );

  app.post(
    '/create_room',
    {
      ...common,
      schema: {
        ...meta,
        summary: 'Create a private group room; the caller becomes its admin',
        body: CreateRoomBody,
        response: { 201: Responses.room, ...errors },
      },
    },
    async (request, reply) => {
      const { participants, name } = request.body;
      const room = await rooms.createGroup(userOf(request), participants, name);
      return reply.status(201).send({ success: true, room });
    },
  );

  app.post(
    '/leave_room',
    {
      ...common,
      schema: {
        ...meta,
        summary: 'Stop being a member of a room',
        body: LeaveRoomBody,
        response: { 200: Responses.ok, ...errors },
      },
    },
    async (request) => {
      await rooms.leave(userOf(request), request.body.room_id);
      return { success: true as const };
    },
  );
}
