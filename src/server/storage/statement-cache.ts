import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import type { SqliteDatabase as KyselySqliteDatabase } from 'kysely';

/**
 * Kysely's SQLite driver prepares every query it runs: for the same SQL over and over (a
 * token lookup per connection, an insert per message) that is a parse and plan in SQLite and a
 * new native statement held until the garbage collector frees it. This hands Kysely the
 * database with a bounded cache of prepared statements, by SQL text, least recently used out.
 *
 * A statement still being iterated (a streamed query) is busy: whoever asks for the same SQL
 * meanwhile gets a fresh one. SQLite re-prepares a cached statement itself after a schema
 * change.
 */
export function withStatementCache(db: SqliteDatabase, capacity = 256): KyselySqliteDatabase {
  const cache = new Map<string, Statement>();
  return {
    close: () => db.close(),
    prepare(sql: string) {
      const cached = cache.get(sql);
      if (cached !== undefined && !cached.busy) {
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const statement = db.prepare(sql);
      if (cached === undefined) {
        if (cache.size >= capacity) {
          const oldest = cache.keys().next();
          if (!oldest.done) cache.delete(oldest.value);
        }
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}
