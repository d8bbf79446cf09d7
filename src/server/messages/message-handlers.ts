import {
  GENERAL_ROOM,
  HISTORY_PAGE,
  HistoryPayload,
  pageSize,
  SendMessagePayload,
  SyncPayload,
} from '../../protocol/index.js';
import type { EventRouter } from '../realtime/event-router.js';
import type { MessageService } from './message-service.js';

export function registerMessageHandlers(router: EventRouter, messages: MessageService): void {
  router.on('send_message', SendMessagePayload, async (socket, { content, room, client_id }) => {
    const { message } = await messages.send(socket.data.user, {
      roomId: room ?? GENERAL_ROOM,
      content,
      clientId: client_id,
    });
    return { message };
  });

  router.on('history', HistoryPayload, async (socket, { room, before, limit }) => ({
    messages: await messages.history(
      socket.data.user,
      room,
      before,
      pageSize(limit, HISTORY_PAGE.fallback, HISTORY_PAGE.max),
    ),
  }));

  router.on('sync', SyncPayload, (socket, { last_id }) => messages.sync(socket.data.user, last_id));
}
