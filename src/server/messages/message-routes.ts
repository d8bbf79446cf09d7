import type { preHandlerAsyncHookHandler } from 'fastify';
import {
  LIMITS,
  MessagesQuery,
  pageSize,
  Responses,
  RoomIdParams,
  RoomMessagesQuery,
  SendBody,
} from '../../protocol/index.js';
import { userOf } from '../http/authenticate.js';
import type { HttpApp } from '../http/types.js';
import type { MessageService } from './message-service.js';

const errors = {
  400: Responses.failure,
  401: Responses.failure,
  403: Responses.failure,
  404: Responses.failure,
  429: Responses.failure,
};

export function messageRoutes(
  app: HttpApp,
  messages: MessageService,
  auth: preHandlerAsyncHookHandler,
) {
  const meta = { tags: ['messages'], security: [{ bearer: [] }] };

  app.post(
    '/send',
    {
      preHandler: auth,
      schema: {
        ...meta,
        summary: 'Send to a room id, or to a username (direct message)',
        body: SendBody,
        response: { 201: Responses.message, ...errors },
      },
    },
    async (request, reply) => {
      const { recipient, content, client_id } = request.body;
      const { message } = await messages.sendTo(userOf(request), recipient, content, client_id);
      return reply.status(201).send({ success: true, message });
    },
  );

  app.get(
    '/messages',
    {
      preHandler: auth,
      schema: {
        ...meta,
        summary: 'Poll: every visible message with id > last_id, ascending',
        querystring: MessagesQuery,
        response: { 200: Responses.messages, ...errors },
      },
    },
    async (request) => {
      const { last_id, limit } = request.query;
      const size = pageSize(limit, LIMITS.pollDefault, LIMITS.pollMax);
      return {
        success: true as const,
        messages: await messages.poll(userOf(request), last_id, size),
      };
    },
  );

  app.get(
    '/rooms/:id/messages',
    {
      preHandler: auth,
      schema: {
        ...meta,
        summary: 'A page of room history before `before`, oldest first',
        params: RoomIdParams,
        querystring: RoomMessagesQuery,
        response: { 200: Responses.messages, ...errors },
      },
    },
    async (request) => {
      const { before, limit } = request.query;
      const size = pageSize(limit, LIMITS.historyDefault, LIMITS.historyMax);
      return {
        success: true as const,
        messages: await messages.history(userOf(request), request.params.id, before, size),
      };
    },
  );
}
