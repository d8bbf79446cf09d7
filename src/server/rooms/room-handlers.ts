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
import { type ChatSocket, type HandlerLog, onEvent } from '../realtime/socket-handler.js';
import type { RoomService } from './room-service.js';

export interface RoomHandlerDeps {
  rooms: RoomService;
  messages: MessageService;
  presence: PresenceService;
  log: HandlerLog;
}

export function registerRoomHandlers(socket: ChatSocket, deps: RoomHandlerDeps): void {
  const user = socket.data.user;
  const { rooms, messages, presence, log } = deps;

  onEvent(
    socket,
    'join',
    JoinPayload,
    async ({ room: requested }) => {
      const roomId = requested ?? GENERAL_ROOM;
      const { room } = await rooms.join(user, roomId);
      const history = await messages.history(user, roomId, undefined, LIMITS.historyOnJoin);
      socket.emit('message_history', { room: roomId, messages: history });
      // A socket that went away while we read the database must not come back as present:
      // its disconnect has been handled already, nothing would ever remove it again.
      if (socket.connected) await presence.socketEntered(user.username, socket.id, roomId);
      return { room };
    },
    log,
  );

  onEvent(
    socket,
    'leave',
    LeavePayload,
    async ({ room }) => {
      await rooms.leave(user, room);
      return {};
    },
    log,
  );

  onEvent(
    socket,
    'create_room',
    CreateRoomPayload,
    async ({ participants, name }) => ({
      room: await rooms.createGroup(user, participants, name),
    }),
    log,
  );

  onEvent(
    socket,
    'open_direct',
    OpenDirectPayload,
    async ({ username }) => ({ room: await rooms.openDirect(user, username) }),
    log,
  );
}
