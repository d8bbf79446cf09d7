import { OnlineUsersPayload, TypingPayload } from '../../protocol/index.js';
import type { ChatSocket, EventRouter } from '../realtime/event-router.js';
import type { Notifier } from '../realtime/notifier.js';
import type { RoomService } from '../rooms/room-service.js';
import type { PresenceService } from './presence-service.js';

export interface PresenceHandlerDeps {
  presence: PresenceService;
  rooms: RoomService;
  notifier: Notifier;
}

export function registerPresenceHandlers(router: EventRouter, deps: PresenceHandlerDeps): void {
  const { presence, rooms, notifier } = deps;

  router.on('typing', TypingPayload, async (socket, { room, typing }) => {
    const user = socket.data.user;
    await rooms.requireMember(user, room);
    // Rooms this socket says it is typing in: they hear it stop when the socket goes away
    // (see `stopTyping`), rather than showing "alice is typing" forever.
    if (typing) {
      socket.data.typingIn ??= new Set();
      socket.data.typingIn.add(room);
    } else {
      socket.data.typingIn?.delete(room);
    }
    notifier.typing(room, user.username, typing);
    return {};
  });

  router.on('get_online_users', OnlineUsersPayload, async (socket, { room }) => {
    if (room !== undefined) await rooms.requireMember(socket.data.user, room);
    const users = await presence.online(room);
    socket.emit('online_users', { users });
    return { users };
  });
}

/** A socket went away: the rooms it was typing in hear it stop. */
export function stopTyping(socket: ChatSocket, notifier: Notifier): void {
  const typingIn = socket.data.typingIn;
  if (!typingIn) return;
  for (const room of typingIn) notifier.typing(room, socket.data.user.username, false);
}
