import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The PostgreSQL server tests use: trust auth on 127.0.0.1:5432 as `postgres` unless
 * TEST_POSTGRES_URL names another server (its maintenance database).
 */
export const POSTGRES_ADMIN_URL =
  process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  name: string;
  /** postgres://… of the new database. */
  url: string;
  /** Drops the database, disconnecting whoever is still connected. Safe to call twice. */
  drop(): Promise<void>;
}

function urlOf(name: string): string {
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A fresh, randomly named, empty database (`name` reuses one a previous call created). */
export async function createTestDatabase(name?: string): Promise<TestDatabase> {
  const dbName = name ?? `chatroom_test_${randomBytes(6).toString('hex')}`;
  if (!/^[a-z0-9_]+$/.test(dbName)) throw new Error(`unsafe database name ${dbName}`);
  if (name === undefined) await admin((c) => c.query(`create database ${dbName}`));
  let dropped: Promise<void> | undefined;
  return {
    name: dbName,
    url: urlOf(dbName),
    drop: () => {
      dropped ??= admin(async (c) => {
        await c.query(`drop database if exists ${dbName} with (force)`);
      });
      return dropped;
    },
  };
}

/** True when the test PostgreSQL server answers. */
export async function postgresAvailable(): Promise<boolean> {
  try {
    await admin((c) => c.query('select 1'));
    return true;
  } catch {
    return false;
  }
}
