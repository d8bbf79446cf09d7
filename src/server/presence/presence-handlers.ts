import { OnlineUsersPayload, TypingPayload } from '../../protocol/index.js';
import type { Notifier } from '../realtime/notifier.js';
import { type ChatSocket, type HandlerLog, onEvent } from '../realtime/socket-handler.js';
import type { RoomService } from '../rooms/room-service.js';
import type { PresenceService } from './presence-service.js';

export interface PresenceHandlerDeps {
  presence: PresenceService;
  rooms: RoomService;
  notifier: Notifier;
  log: HandlerLog;
}

export function registerPresenceHandlers(socket: ChatSocket, deps: PresenceHandlerDeps): void {
  const user = socket.data.user;
  const { presence, rooms, notifier, log } = deps;

  // Rooms this socket says it is typing in: they hear it stop when the socket goes away,
  // rather than showing "alice is typing" forever.
  const typingIn = new Set<string>();
  onEvent(
    socket,
    'typing',
    TypingPayload,
    async ({ room, typing }) => {
      await rooms.requireMember(user, room);
      if (typing) typingIn.add(room);
      else typingIn.delete(room);
      notifier.typing(room, user.username, typing);
      return {};
    },
    log,
  );
  socket.on('disconnect', () => {
    for (const room of typingIn) notifier.typing(room, user.username, false);
  });

  onEvent(
    socket,
    'get_online_users',
    OnlineUsersPayload,
    async ({ room }) => {
      if (room !== undefined) await rooms.requireMember(user, room);
      const users = await presence.online(room);
      socket.emit('online_users', { users });
      return { users };
    },
    log,
  );
}
