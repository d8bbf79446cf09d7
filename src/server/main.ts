import { buildApp } from './app.js';
import { ConfigError, describeConfig, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { coalescingStats } from './realtime/write-coalescing.js';
import { startEventLoopProbe } from './shared/event-loop-probe.js';
import { lowerHelperThreadPriority } from './shared/helper-thread-priority.js';
import { tuneV8 } from './shared/v8-tuning.js';
import { openStore } from './storage/store.js';

/** Entry point: wires the server from the environment and listens. */
async function main(): Promise<void> {
  tuneV8();
  const helperThreads = await lowerHelperThreadPriority();
  // Opt-in for `npm run bench`: event-loop delay percentiles over the IPC channel.
  if (process.env.BENCH_EVENT_LOOP === '1') {
    startEventLoopProbe(() => ({ coalescing: coalescingStats() }));
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config);
  const store = await openStore(config.databaseUrl, {
    sqliteSynchronous: config.sqliteSynchronous,
    onPoolError: (err) => logger.warn({ err }, 'idle database connection failed'),
  });
  // Several nodes (REDIS_URL): the Socket.IO Redis adapter and presence in Redis.
  if (config.redisUrl) logger.info('connecting to Redis');
  // Loaded only then: a single node never loads the Redis client.
  const scaleOut = config.redisUrl
    ? await (await import('./realtime/redis-scale-out.js')).connectScaleOut(config, logger)
    : undefined;
  const app = await buildApp({
    config,
    store,
    logger,
    presence: scaleOut?.presence,
    configureSockets: scaleOut?.configureSockets,
  });
  const address = await app.http.listen({ port: config.port, host: config.host });
  logger.info({ config: describeConfig(config), address }, `Chatroom listening on ${address}`);
  if ('skipped' in helperThreads) {
    logger.info({ reason: helperThreads.skipped }, 'helper threads keep their priority');
  } else {
    const { lowered, pool } = helperThreads;
    logger.debug({ lowered, pool }, 'helper threads behind the event loop, thread pool as it was');
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown took too long, exiting');
      process.exit(1);
    }, config.shutdownGraceMs);
    force.unref();
    await app.close();
    await scaleOut?.close();
    await store.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error) => {
  console.error('Chatroom failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
