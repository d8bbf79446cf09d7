import type { RoomStore } from '../rooms/room-store.js';
import type { ChatSocket } from './event-router.js';
import { channel } from './notifier.js';

const ROOM_CHANNEL = channel.room('');

/**
 * Brings a just-connected socket's room subscriptions up to date. The handshake read the
 * user's rooms before the socket was in its user channel, so a membership change committed
 * in between reached the user's other sockets but not this one. Once the socket is in its
 * user channel (where every later change is applied after it is committed), one more read
 * closes that window: rooms joined meanwhile are added, rooms left meanwhile are dropped.
 */
export async function reconcileRooms(
  socket: ChatSocket,
  rooms: Pick<RoomStore, 'roomIdsOf'>,
): Promise<void> {
  const current = new Set((await rooms.roomIdsOf(socket.data.user.id)).map(channel.room));
  // A socket that is gone must not join anything: nothing would ever remove it again.
  if (!socket.connected) return;
  const known = new Set(socket.data.roomIds.map(channel.room));
  for (const name of socket.rooms) {
    if (name.startsWith(ROOM_CHANNEL) && !current.has(name)) socket.leave(name);
  }
  // Only rooms new since the handshake: re-joining the others could undo a leave applied
  // through the user channel while this read was on its way back.
  socket.join([...current].filter((name) => !known.has(name)));
}
