import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { CLIENT_EVENTS, ERRORS, LIMITS } from '../../protocol/index.js';
import type { AccountService } from '../accounts/account-service.js';
import type { AnnouncementSource } from '../announcement/announcement-source.js';
import { registerMessageHandlers } from '../messages/message-handlers.js';
import type { MessageService } from '../messages/message-service.js';
import { registerPresenceHandlers } from '../presence/presence-handlers.js';
import type { PresenceService } from '../presence/presence-service.js';
import { registerRoomHandlers } from '../rooms/room-handlers.js';
import type { RoomService } from '../rooms/room-service.js';
import type { RoomStore } from '../rooms/room-store.js';
import { isAllowedOrigin, readCookie, SESSION_COOKIE } from '../shared/origin.js';
import { type ChatServer, channel, type Notifier } from './notifier.js';
import { reconcileRooms } from './room-subscriptions.js';
import type { HandlerLog } from './socket-handler.js';

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

const KNOWN_EVENTS = new Set<string>(CLIENT_EVENTS);

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
    socket.use((_packet, next) => {
      void reconciled.then((ok) => (ok ? next() : undefined));
    });
    const ready = presence.socketConnected(user.username, socket.id);
    registerRoomHandlers(socket, { ...deps, log });
    registerMessageHandlers(socket, deps.messages, log);
    registerPresenceHandlers(socket, { ...deps, log });
    socket.onAny((event: unknown, ...args: unknown[]) => {
      if (typeof event === 'string' && KNOWN_EVENTS.has(event)) return;
      const message = `Unknown event: ${String(event).slice(0, 50)}`;
      const ack = args.at(-1);
      if (typeof ack === 'function') ack({ success: false, message });
      else socket.emit('error', { message });
    });
    socket.on('disconnect', () => {
      ready
        .then(() => presence.socketDisconnected(user.username, socket.id))
        .catch((err) => log.error({ err }, 'presence update on disconnect failed'));
    });
    const text = deps.announcement.current();
    if (text) socket.emit('announcement', { announcement: text });
  });
}
