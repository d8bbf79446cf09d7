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

  io.on('connection', (socket) => {
    const { user, roomIds } = socket.data;
    socket.join([
      channel.user(user.username),
      channel.session(user.tokenHash),
      ...roomIds.map(channel.room),
    ]);
    // Memberships may have changed since the handshake read them: catch up, and hold the
    // client's events until then (a `sync` then leaves no gap).
    const reconciled = reconcileRooms(socket, roomStore).then(
      () => true,
      (err) => {
        log.error({ err }, 'socket room subscription failed');
        socket.disconnect(true);
        return false;
      },
    );
    socket.data.present = presence.socketConnected(user.username, socket.id);
    // Every client event goes to the router, in arrival order, never to event listeners
    // (an unknown or reserved name such as `error` included).
    socket.use((packet) => {
      void reconciled.then((ok) => {
        if (ok && socket.connected) return router.dispatch(socket, packet);
      });
    });
    socket.on('disconnect', onDisconnect);
    const text = deps.announcement.current();
    if (text) socket.emit('announcement', { announcement: text });
  });
}
