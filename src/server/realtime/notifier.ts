import type { Server } from 'socket.io';
import {
  type ClientToServerEvents,
  joinedText,
  leftText,
  type Message,
  type Room,
  type ServerToClientEvents,
} from '../../protocol/index.js';

export interface SocketData {
  user: { id: number; username: string; tokenHash: string };
  /** The user's rooms as the handshake read them (emptied once reconciled). */
  roomIds: string[];
  /** Until the rooms are reconciled after connecting: whether the socket may go on. */
  reconciled?: Promise<boolean> | undefined;
  /** Until presence has counted this socket (its disconnect waits for that). */
  present?: Promise<unknown> | undefined;
  /** Rooms this socket said it is typing in. */
  typingIn?: Set<string>;
}

export type ChatServer = Server<ClientToServerEvents, ServerToClientEvents, object, SocketData>;

/**
 * Room channel names, one string per room: every socket in a room keeps the name in its own
 * set of rooms, so handing all of them the same string saves a copy per socket (bounded).
 */
const roomChannels = new Map<string, string>();
const ROOM_CHANNEL_CACHE = 10_000;

function roomChannel(roomId: string): string {
  let name = roomChannels.get(roomId);
  if (name === undefined) {
    if (roomChannels.size >= ROOM_CHANNEL_CACHE) roomChannels.clear();
    name = `room:${roomId}`;
    roomChannels.set(roomId, name);
  }
  return name;
}

/** Socket.IO rooms used as channels: one per chat room, per user and per session. */
export const channel = {
  room: roomChannel,
  user: (username: string) => `user:${username.toLowerCase()}`,
  session: (tokenHash: string) => `session:${tokenHash}`,
};

/** Emits several events to one room's sockets at once (broadcast-fast-path.ts). */
export type RoomBatchEmitter = (room: string, event: string, payloads: readonly unknown[]) => void;

/**
 * Everything the server pushes to clients goes through here. With the Redis adapter
 * these reach sockets on every node.
 */
export class Notifier {
  constructor(
    private readonly io: ChatServer,
    private readonly now: () => string,
    /** Single node: a batch of a room's messages in one walk over the room. */
    private readonly emitBatch?: RoomBatchEmitter,
  ) {}

  newMessage(message: Message): void {
    this.io.to(channel.room(message.room)).emit('new_message', message);
  }

  /**
   * A committed batch, in commit order. Each run of consecutive messages to one room goes out
   * as one batch emit: a socket in several rooms still gets every message in id order (a
   * client resumes from the highest id it saw).
   */
  newMessages(messages: readonly Message[]): void {
    const emitBatch = this.emitBatch;
    let start = 0;
    while (start < messages.length) {
      const room = (messages[start] as Message).room;
      let end = start + 1;
      while (end < messages.length && (messages[end] as Message).room === room) end++;
      if (emitBatch === undefined || end - start === 1) {
        for (let i = start; i < end; i++) this.newMessage(messages[i] as Message);
      } else {
        emitBatch(channel.room(room), 'new_message', messages.slice(start, end));
      }
      start = end;
    }
  }

  userJoined(roomId: string, username: string): void {
    this.io
      .to(channel.room(roomId))
      .except(channel.user(username))
      .emit('user_joined', {
        room: roomId,
        username,
        message: joinedText(username, roomId),
        timestamp: this.now(),
      });
  }

  userLeft(roomId: string, username: string): void {
    this.io
      .to(channel.room(roomId))
      .except(channel.user(username))
      .emit('user_left', {
        room: roomId,
        username,
        message: leftText(username, roomId),
        timestamp: this.now(),
      });
  }

  updateUsers(roomId: string, users: string[]): void {
    this.io.to(channel.room(roomId)).emit('update_users', { room: roomId, users });
  }

  typing(roomId: string, username: string, typing: boolean): void {
    this.io
      .to(channel.room(roomId))
      .except(channel.user(username))
      .emit('user_typing', { room: roomId, username, typing });
  }

  /** Subscribes every socket of each user to the room, then tells them about it. */
  roomCreated(room: Room, usernames: readonly string[]): void {
    for (const username of usernames) {
      this.io.in(channel.user(username)).socketsJoin(channel.room(room.id));
      this.io.to(channel.user(username)).emit('room_created', { room });
    }
  }

  subscribe(username: string, roomId: string): void {
    this.io.in(channel.user(username)).socketsJoin(channel.room(roomId));
  }

  unsubscribe(username: string, roomId: string): void {
    this.io.in(channel.user(username)).socketsLeave(channel.room(roomId));
  }

  disconnectSession(tokenHash: string): void {
    this.io.in(channel.session(tokenHash)).disconnectSockets(true);
  }

  /** Each node watches its own announcement file, so this stays on the local node. */
  announcement(text: string): void {
    this.io.local.emit('announcement', { announcement: text });
  }
}
