import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createArgon2Hasher } from '../../src/server/accounts/password-hasher.js';
import { type AppDeps, buildApp, type ChatApp } from '../../src/server/app.js';
import { type Config, loadConfig } from '../../src/server/config.js';
import { openStore, type Store } from '../../src/server/storage/store.js';
import { createTestDatabase, type TestDatabase } from './postgres.js';

/** Real argon2id, with cheap parameters so suites stay quick. */
export const testHasher = createArgon2Hasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });

export interface TestServer {
  app: ChatApp;
  store: Store;
  config: Config;
  /** http://127.0.0.1:<port>, set once listening. */
  url: string;
  dir: string;
  /** The SQLite file (unused on PostgreSQL: see `config.databaseUrl`). */
  dbPath: string;
  /** Stops the server and closes the store; keeps the SQLite file unless `cleanup`. */
  stop(): Promise<void>;
  /** Stops and deletes the temporary directory (and the PostgreSQL test database). */
  close(): Promise<void>;
}

export interface TestServerOptions {
  config?: Partial<Record<keyof Config, unknown>>;
  /** Reuse a directory (restart on the same SQLite file). */
  dir?: string;
  listen?: boolean;
  deps?: Partial<AppDeps>;
  /**
   * `postgres`: a fresh randomly named database on the test server (see helpers/postgres.ts),
   * dropped by `close()`; a restart with the same `dir` reuses it. Defaults to the
   * TEST_DATABASE environment variable, else `sqlite`.
   */
  database?: TestDialect;
}

export type TestDialect = 'sqlite' | 'postgres';

/** The dialect integration tests run on: TEST_DATABASE=postgres switches them all. */
export function testDialect(): TestDialect {
  return process.env.TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';
}

/** PostgreSQL: the database recorded in `dir` (a restart), else a new one recorded there. */
async function postgresFor(dir: string): Promise<TestDatabase> {
  const marker = join(dir, 'postgres-database');
  if (existsSync(marker)) return createTestDatabase(readFileSync(marker, 'utf8').trim());
  const database = await createTestDatabase();
  writeFileSync(marker, database.name);
  return database;
}

/**
 * Builds the real app on a temporary SQLite file, or a PostgreSQL database (see `database`);
 * rate limits off unless configured.
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'chatroom-test-'));
  const dbPath = join(dir, 'chat.db');
  const postgres =
    (options.database ?? testDialect()) === 'postgres' ? await postgresFor(dir) : undefined;
  const config = loadConfig(
    {},
    {
      port: 0,
      host: '127.0.0.1',
      databaseUrl: postgres?.url ?? dbPath,
      announcementFile: join(dir, 'announcement.txt'),
      announcementPollMs: 50,
      logLevel: 'silent',
      loginFailuresMax: 0,
      registrationsMax: 0,
      messagesMax: 0,
      httpRequestsPerMinute: 0,
      webRoot: join(dir, 'no-web'),
      ...(options.config as object),
    },
  );
  const store = await openStore(config.databaseUrl, { sqliteSynchronous: 'normal' });
  const app = await buildApp({ config, store, logger: false, hasher: testHasher, ...options.deps });
  let url = '';
  if (options.listen !== false) {
    const address = await app.http.listen({ port: 0, host: '127.0.0.1' });
    url = address.replace('localhost', '127.0.0.1');
  }
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      await app.close();
      await store.close();
    })();
    return stopped;
  };
  return {
    app,
    store,
    config,
    url,
    dir,
    dbPath,
    stop,
    close: async () => {
      await stop();
      await postgres?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
