import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { ERRORS, LIMITS } from '../../protocol/index.js';
import type { AccountService } from '../accounts/account-service.js';
import type { AnnouncementSource } from '../announcement/announcement-source.js';
import { registerMessageHandlers } from '../messages/message-handlers.js';
import type { MessageService } from '../messages/message-service.js';
import { registerPresenceHandlers, stopTyping } from '../presence/presence-handlers.js';
import type { PresenceService } from '../presence/presence-service.js';
import { registerRoomHandlers } from '../rooms/room-handlers.js';
import type { RoomService } from '../rooms/room-service.js';
import type { RoomStore } from '../rooms/room-store.js';
import { isAllowedOrigin, readCookie, SESSION_COOKIE } from '../shared/origin.js';
import { type ChatSocket, EventRouter, type HandlerLog } from './event-router.js';
import { type ChatServer, channel, type Notifier } from './notifier.js';
import { reconcileRooms } from './room-subscriptions.js';

const NO_ROOMS: string[] = [];

export interface SocketServerDeps {
  accounts: AccountService;
  roomStore: RoomStore;
  rooms: RoomService;
  messages: MessageService;
  presence: PresenceService;
  notifier: Notifier;
  announcement: AnnouncementSource;
  allowedOrigins: readonly string[];
  log: HandlerLog & { warn(obj: object, msg: string): void };
}

/** Creates the Socket.IO server on the HTTP server (not yet wired: see `wireSockets`). */
export function createSocketServer(http: HttpServer): ChatServer {
  return new Server(http, {
    maxHttpBufferSize: LIMITS.socketPacketBytes,
    serveClient: false,
    cors: { origin: false },
    connectionStateRecovery: undefined,
  });
}

/** Handshake authentication, subscriptions, presence and every client event. */
export function wireSockets(io: ChatServer, deps: SocketServerDeps): void {
  const { accounts, roomStore, presence, allowedOrigins, log } = deps;

  io.use(async (socket, next) => {
    try {
      const auth = socket.handshake.auth as { token?: unknown } | undefined;
      let token = typeof auth?.token === 'string' ? auth.token : undefined;
      if (token === undefined) {
        const headers = socket.handshake.headers;
        token = readCookie(headers.cookie, SESSION_COOKIE);
        if (token === undefined) return next(new Error(ERRORS.authRequired));
        if (!isAllowedOrigin(headers.origin, headers.host, allowedOrigins)) {
          return next(new Error(ERRORS.forbiddenOrigin));
        }
      }
      const user = await accounts.authenticate(token);
      if (!user) return next(new Error(ERRORS.sessionInvalid));
      socket.data.user = user;
      socket.data.roomIds = await roomStore.roomIdsOf(user.id);
      next();
    } catch (error) {
      log.error({ err: error }, 'socket handshake failed');
      next(new Error(ERRORS.serverError));
    }
  });

  const router = new EventRouter(log);
  registerRoomHandlers(router, deps);
  registerMessageHandlers(router, deps.messages);
  registerPresenceHandlers(router, deps);

  // One function for every socket (`this` is the socket): no closure per connection.
  function onDisconnect(this: ChatSocket): void {
    stopTyping(this, deps.notifier);
    const { user, present } = this.data;
    Promise.resolve(present)
      .then(() => presence.socketDisconnected(user.username, this.id))
      .catch((err) => log.error({ err }, 'presence update on disconnect failed'));
  }

  // Every client event goes to the router, in arrival order, never to event listeners (an
  // unknown or reserved name such as `error` included); until the socket's rooms are
  // reconciled, events wait. One function for every socket, bound to it (`this`).
  function gate(this: ChatSocket, packet: unknown[]): void {
    const pending = this.data.reconciled;
    if (pending === undefined) {
      if (this.connected) void router.dispatch(this, packet);
      return;
    }
    void pending.then((ok) => {
      if (ok && this.connected) return router.dispatch(this, packet);
    });
  }

  io.on('connection', (socket) => {
    const { user, roomIds } = socket.data;
    socket.join([
      channel.user(user.username),
      channel.session(user.tokenHash),
      ...roomIds.map(channel.room),
    ]);
    // Memberships may have changed since the handshake read them: catch up, and hold the
    // client's events until then (a `sync` then leaves no gap).
    socket.data.reconciled = reconcileRooms(socket, roomStore).then(
      () => {
        socket.data.reconciled = undefined;
        socket.data.roomIds = NO_ROOMS;
        return true;
      },
      (err) => {
        log.error({ err }, 'socket room subscription failed');
        socket.disconnect(true);
        return false;
      },
    );
    const counted = () => {
      socket.data.present = undefined;
    };
    socket.data.present = presence
      .socketConnected(user.username, socket.id)
      .then(counted, (err) => {
        log.error({ err }, 'presence update on connect failed');
        counted();
      });
    socket.use(gate.bind(socket) as Parameters<ChatSocket['use']>[0]);
    socket.on('disconnect', onDisconnect);
    const text = deps.announcement.current();
    if (text) socket.emit('announcement', { announcement: text });
  });
}
