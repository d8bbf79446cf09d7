import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import type { Config } from '../config.js';
import { RedisPresence } from '../presence/redis-presence.js';
import { type Clock, systemClock } from '../shared/clock.js';
import type { ChatServer } from './notifier.js';

export interface ScaleOutLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** What a node needs to run beside others: shared presence and the Socket.IO Redis adapter. */
export interface ScaleOut {
  presence: RedisPresence;
  /** For buildApp: installs the Redis adapter, so every emit reaches sockets on every node. */
  configureSockets(io: ChatServer): void;
  /** After the app closed: stops presence (if still running) and closes the Redis clients. */
  close(): Promise<void>;
}

type ScaleOutConfig = Pick<
  Config,
  'redisUrl' | 'redisKeyPrefix' | 'presenceTtlSeconds' | 'pollerOnlineSeconds'
>;

/**
 * Connects to `config.redisUrl`: one client publishes and runs presence scripts, a second
 * one subscribes (a subscribed Redis connection can do nothing else).
 */
export async function connectScaleOut(
  config: ScaleOutConfig,
  log: ScaleOutLog,
  clock: Clock = systemClock,
): Promise<ScaleOut> {
  if (!config.redisUrl) throw new Error('REDIS_URL is not set');
  const pub = createClient({ url: config.redisUrl });
  const sub = pub.duplicate();
  pub.on('error', (err) => log.warn({ err }, 'redis (publish) connection error'));
  sub.on('error', (err) => log.warn({ err }, 'redis (subscribe) connection error'));
  try {
    await Promise.all([pub.connect(), sub.connect()]);
  } catch (error) {
    pub.destroy();
    sub.destroy();
    throw error;
  }

  let io: ChatServer | undefined;
  const presence = new RedisPresence({
    redis: pub,
    keyPrefix: `${config.redisKeyPrefix}:presence`,
    clock,
    pollerWindowMs: config.pollerOnlineSeconds * 1000,
    ttlMs: config.presenceTtlSeconds * 1000,
    onEvicted: () => {
      log.warn({}, 'this node missed its presence heartbeats: reconnecting its sockets');
      // Closing the transports (not a server-side disconnect) makes clients reconnect.
      for (const socket of io?.of('/').sockets.values() ?? []) socket.conn.close();
    },
    onError: (err, context) => log.error({ err }, `${context} failed`),
  });
  await presence.start();

  let closed: Promise<void> | undefined;
  return {
    presence,
    configureSockets(server) {
      io = server;
      server.adapter(createAdapter(pub, sub, { key: `${config.redisKeyPrefix}:socket.io` }));
    },
    close() {
      closed ??= (async () => {
        await presence.close();
        await Promise.allSettled([pub.close(), sub.close()]);
      })();
      return closed;
    },
  };
}
