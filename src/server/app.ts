import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { LIMITS } from '../protocol/index.js';
import { accountRoutes } from './accounts/account-routes.js';
import { AccountService } from './accounts/account-service.js';
import { createArgon2Hasher, type PasswordHasher } from './accounts/password-hasher.js';
import { announcementRoutes } from './announcement/announcement-routes.js';
import { AnnouncementSource } from './announcement/announcement-source.js';
import type { Config } from './config.js';
import { requireUser } from './http/authenticate.js';
import { registerDocs } from './http/docs.js';
import { frameworkErrorHandler, installErrorHandling } from './http/error-handler.js';
import { healthRoutes } from './http/health-routes.js';
import { installJsonBodyParser } from './http/json-body.js';
import { zodValidatorCompiler } from './http/validator.js';
import { registerWebClient } from './http/web-client.js';
import { messageRoutes } from './messages/message-routes.js';
import { MessageService } from './messages/message-service.js';
import { MessageWriter } from './messages/message-writer.js';
import { MemoryPresence } from './presence/memory-presence.js';
import { onlineRoutes } from './presence/online-routes.js';
import type { Presence } from './presence/presence.js';
import { PresenceService } from './presence/presence-service.js';
import { installBroadcastFastPath, roomBatchEmitter } from './realtime/broadcast-fast-path.js';
import { releaseHandshakes } from './realtime/handshake-release.js';
import { type ChatServer, Notifier } from './realtime/notifier.js';
import { createSocketServer, wireSockets } from './realtime/socket-server.js';
import {
  flushBacklogMs,
  installWriteCoalescing,
  runAheadOfFlush,
} from './realtime/write-coalescing.js';
import { roomRoutes } from './rooms/room-routes.js';
import { RoomService } from './rooms/room-service.js';
import { type Clock, isoAt, systemClock } from './shared/clock.js';
import { RateLimiter } from './shared/rate-limiter.js';
import type { Store } from './storage/store.js';

export interface AppDeps {
  config: Config;
  store: Store;
  /** Defaults to single-node, in-memory presence. */
  presence?: Presence;
  hasher?: PasswordHasher;
  clock?: Clock;
  /** A pino logger, or `false` for none. */
  logger?: FastifyBaseLogger | false;
  /** Called once the Socket.IO server exists, before any socket connects (Redis adapter). */
  configureSockets?: (io: ChatServer) => void | Promise<void>;
  /**
   * Whether the server is past its capacity and refuses new messages. Defaults to the fanout
   * backlog against `OVERLOAD_SHED_MS` (with write coalescing; otherwise never).
   */
  overloaded?: () => boolean;
}

export interface ChatApp {
  http: ReturnType<typeof Fastify>;
  io: ChatServer;
  /** Stops accepting, finishes in-flight work, closes sockets; the store is the caller's. */
  close(): Promise<void>;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const here = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_WEB_ROOT = resolve(here, '../../dist/web');

/** Load shedding: the fanout backlog past `OVERLOAD_SHED_MS` (see flushBacklogMs). */
function backlogOver(config: Config): () => boolean {
  const limit = config.overloadShedMs;
  if (limit === 0 || !config.writeCoalescing) return () => false;
  return () => flushBacklogMs() > limit;
}

/** Wires the whole server from its dependencies. Call `http.listen()` to serve. */
export async function buildApp(deps: AppDeps): Promise<ChatApp> {
  const { config, store } = deps;
  const clock = deps.clock ?? systemClock;
  const now = () => isoAt(clock.now());
  const http = Fastify({
    loggerInstance: deps.logger || undefined,
    logger: deps.logger === false ? false : undefined,
    bodyLimit: LIMITS.httpBodyBytes,
    trustProxy: config.trustProxy,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    frameworkErrors: frameworkErrorHandler,
  }).withTypeProvider<ZodTypeProvider>();
  http.setValidatorCompiler(zodValidatorCompiler);
  http.setSerializerCompiler(serializerCompiler);
  http.decorateRequest('user', null);
  installErrorHandling(http);
  installJsonBodyParser(http);

  const io = createSocketServer(http.server);
  await deps.configureSockets?.(io);
  if (config.writeCoalescing) {
    installWriteCoalescing(io.engine);
    installBroadcastFastPath(io);
  }
  // A batch in one walk needs the in-memory adapter: another adapter (Redis) must see every
  // broadcast to carry it to the other nodes.
  const singleNode = deps.configureSockets === undefined;
  const notifier = new Notifier(
    io,
    now,
    config.writeCoalescing && singleNode ? roomBatchEmitter(io) : undefined,
  );
  const pollerWindowMs = config.pollerOnlineSeconds * 1000;
  const presenceStore = deps.presence ?? new MemoryPresence(clock, pollerWindowMs);
  const presence = new PresenceService(presenceStore, notifier);
  // A poller drops out of the lists within a sixth of the window after it ends (5 s of 30).
  const stopPollerSweep = presence.sweepPollersEvery(
    Math.min(5_000, Math.max(100, pollerWindowMs / 6)),
    (error) => http.log.error({ err: error }, 'poller sweep failed'),
  );
  const accounts = new AccountService(
    store.accounts,
    deps.hasher ?? createArgon2Hasher(),
    clock,
    config.sessionTtlHours * 60 * 60 * 1000,
    {
      loginFailuresByName: new RateLimiter(
        config.loginFailuresMax,
        config.loginFailuresWindowSeconds * 1000,
        () => clock.now(),
      ),
      loginFailuresByAddress: new RateLimiter(
        config.loginFailuresMax * 5,
        config.loginFailuresWindowSeconds * 1000,
        () => clock.now(),
      ),
      registrationsByAddress: new RateLimiter(
        config.registrationsMax,
        config.registrationsWindowSeconds * 1000,
        () => clock.now(),
      ),
    },
  );
  const rooms = new RoomService(store.rooms, store.accounts, presence, notifier, clock);
  const writer = new MessageWriter(
    store.messages,
    () => isoAt(clock.now() - DAY_MS),
    (results) => notifier.newMessages(results.filter((r) => !r.duplicate).map((r) => r.message)),
    { later: runAheadOfFlush },
  );
  const messages = new MessageService(
    store.messages,
    writer,
    rooms,
    (userId) => store.rooms.roomIdsOf(userId),
    presence,
    new RateLimiter(config.messagesMax, config.messagesWindowSeconds * 1000, () => clock.now()),
    clock,
    deps.overloaded ?? backlogOver(config),
  );
  const announcement = new AnnouncementSource(config.announcementFile, config.announcementPollMs);
  announcement.onChange((text) => notifier.announcement(text));
  announcement.start();

  await http.register(fastifyCookie);
  await http.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'", 'ws:', 'wss:'],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        // Helmet's default would send the browser to https:// for every script and style, which
        // breaks the web client served over plain HTTP on anything but localhost (a LAN box).
        upgradeInsecureRequests: null,
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  if (config.httpRequestsPerMinute > 0) {
    await http.register(fastifyRateLimit, {
      max: config.httpRequestsPerMinute,
      timeWindow: 60_000,
    });
  }
  await registerDocs(http);

  const auth = requireUser(accounts, config.allowedOrigins);
  healthRoutes(http);
  announcementRoutes(http, announcement);
  accountRoutes(http, { accounts, notifier, auth, secureCookies: config.secureCookies });
  roomRoutes(http, rooms, auth);
  messageRoutes(http, messages, auth);
  onlineRoutes(http, presence, rooms, auth);
  const webRoot = config.webRoot ?? DEFAULT_WEB_ROOT;
  if (existsSync(webRoot)) await registerWebClient(http, webRoot);

  wireSockets(io, {
    accounts,
    roomStore: store.rooms,
    rooms,
    messages,
    presence,
    notifier,
    announcement,
    allowedOrigins: config.allowedOrigins,
    log: http.log,
  });
  // After wireSockets: its connection handler is the last to read or grow what this releases.
  releaseHandshakes(io);

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      announcement.stop();
      stopPollerSweep();
      // Closing the transports (not disconnecting the sockets) lets clients reconnect on
      // their own to this node after a restart, or to another node.
      io.engine.close();
      await http.close();
      await new Promise<void>((done) => io.close(() => done()));
      await writer.drain();
      await presenceStore.close();
    })();
    return closing;
  };
  return { http, io, close };
}
