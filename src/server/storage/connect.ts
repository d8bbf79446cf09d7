import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { migrateToLatest } from './migrations.js';
import type { Database, Dialect } from './schema.js';
import { withStatementCache } from './statement-cache.js';

export interface Connection {
  db: Kysely<Database>;
  dialect: Dialect;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** SQLite `synchronous` pragma: `full` survives power loss, `normal` a process crash. */
  sqliteSynchronous?: 'full' | 'normal' | 'extra';
  /** PostgreSQL pool size per node (default 10). */
  poolSize?: number;
  /**
   * PostgreSQL: an idle pooled connection failed (server restart, network). The pool drops it
   * and opens a new one when needed; without a listener the error would end the process.
   */
  onPoolError?: (error: Error) => void;
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** `./data/chatroom.db`, `sqlite:./x.db`, `file:x.db` or `:memory:` → a file path for SQLite. */
export function sqlitePath(url: string): string {
  return url.replace(/^sqlite:(\/\/)?/i, '').replace(/^file:(\/\/)?/i, '');
}

/** The pg driver, loaded only for PostgreSQL (a SQLite node never pays for it). */
async function loadPg() {
  const { default: pg } = await import('pg');
  // int8 (bigserial ids) as numbers: ids stay far below 2^53.
  pg.types.setTypeParser(20, (value) => Number(value));
  return pg;
}

/**
 * Migrates, closing the connection when that fails. Several nodes may start at once: the
 * migrator takes a lock, so one applies the migrations and the others find them done.
 */
async function migrated(db: Kysely<Database>, dialect: Dialect): Promise<void> {
  try {
    await migrateToLatest(db as Kysely<unknown>, dialect);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw error;
  }
}

/** Opens the database named by `url`, migrated to the newest schema. */
export async function connect(url: string, options: ConnectOptions = {}): Promise<Connection> {
  if (isPostgresUrl(url)) {
    const pg = await loadPg();
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      application_name: 'chatroom',
    });
    pool.on('error', (error) => options.onPoolError?.(error));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    await migrated(db, 'postgres');
    return { db, dialect: 'postgres', close: () => db.destroy() };
  }
  const path = sqlitePath(url);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SqliteDatabase(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${options.sqliteSynchronous ?? 'full'}`);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(sqlite) }),
  });
  await migrated(db, 'sqlite');
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}
