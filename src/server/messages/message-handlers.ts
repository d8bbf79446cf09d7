import {
  GENERAL_ROOM,
  HISTORY_PAGE,
  HistoryPayload,
  pageSize,
  SendMessagePayload,
  SyncPayload,
} from '../../protocol/index.js';
import { type ChatSocket, type HandlerLog, onEvent } from '../realtime/socket-handler.js';
import type { MessageService } from './message-service.js';

export function registerMessageHandlers(
  socket: ChatSocket,
  messages: MessageService,
  log: HandlerLog,
): void {
  const user = socket.data.user;

  onEvent(
    socket,
    'send_message',
    SendMessagePayload,
    async ({ content, room, client_id }) => {
      const { message } = await messages.send(user, {
        roomId: room ?? GENERAL_ROOM,
        content,
        clientId: client_id,
      });
      return { message };
    },
    log,
  );

  onEvent(
    socket,
    'history',
    HistoryPayload,
    async ({ room, before, limit }) => ({
      messages: await messages.history(
        user,
        room,
        before,
        pageSize(limit, HISTORY_PAGE.fallback, HISTORY_PAGE.max),
      ),
    }),
    log,
  );

  onEvent(socket, 'sync', SyncPayload, ({ last_id }) => messages.sync(user, last_id), log);
}
