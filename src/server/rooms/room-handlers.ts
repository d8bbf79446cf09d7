import {
  CreateRoomPayload,
  GENERAL_ROOM,
  JoinPayload,
  LeavePayload,
  LIMITS,
  OpenDirectPayload,
} from '../../protocol/index.js';
import type { MessageService } from '../messages/message-service.js';
import type { PresenceService } from '../presence/presence-service.js';
import type { EventRouter } from '../realtime/event-router.js';
import type { RoomService } from './room-service.js';

export interface RoomHandlerDeps {
  rooms: RoomService;
  messages: MessageService;
  presence: PresenceService;
}

export function registerRoomHandlers(router: EventRouter, deps: RoomHandlerDeps): void {
  const { rooms, messages, presence } = deps;

  router.on('join', JoinPayload, async (socket, { room: requested }) => {
    const user = socket.data.user;
    const roomId = requested ?? GENERAL_ROOM;
    const { room } = await rooms.join(user, roomId);
    const history = await messages.history(user, roomId, undefined, LIMITS.historyOnJoin);
    socket.emit('message_history', { room: roomId, messages: history });
    // A socket that went away while we read the database must not come back as present:
    // its disconnect has been handled already, nothing would ever remove it again.
    if (socket.connected) await presence.socketEntered(user.username, socket.id, roomId);
    return { room };
  });

  router.on('leave', LeavePayload, async (socket, { room }) => {
    await rooms.leave(socket.data.user, room);
    return {};
  });

  router.on('create_room', CreateRoomPayload, async (socket, { participants, name }) => ({
    room: await rooms.createGroup(socket.data.user, participants, name),
  }));

  router.on('open_direct', OpenDirectPayload, async (socket, { username }) => ({
    room: await rooms.openDirect(socket.data.user, username),
  }));
}
