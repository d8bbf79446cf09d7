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
  // A hit only stamps its entry: moving it to the end of the Map (delete, then set) made V8
  // rebuild the Map's table every few hundred queries, a new table that lived as long as the
  // cache and so was copied into the old generation each time: about a quarter of what the
  // server promoted there under load, and the major GCs that came with it
  // (docs/benchmarks.md, "Major GCs on a shared core"). The oldest stamp is looked for only
  // when a new SQL text arrives at a full cache.
  const cache = new Map<string, { statement: Statement; used: number }>();
  let clock = 0;
  return {
    close: () => db.close(),
    prepare(sql: string) {
      const cached = cache.get(sql);
      if (cached !== undefined && !cached.statement.busy) {
        cached.used = ++clock;
        return cached.statement;
      }
      const statement = db.prepare(sql);
      if (cached === undefined) {
        if (cache.size >= capacity) evictOldest(cache);
        cache.set(sql, { statement, used: ++clock });
      }
      return statement;
    },
  };
}

function evictOldest(cache: Map<string, { used: number }>): void {
  let oldest: string | undefined;
  let oldestUsed = Number.POSITIVE_INFINITY;
  for (const [sql, entry] of cache) {
    if (entry.used < oldestUsed) {
      oldest = sql;
      oldestUsed = entry.used;
    }
  }
  if (oldest !== undefined) cache.delete(oldest);
}
