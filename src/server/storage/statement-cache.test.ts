import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { withStatementCache } from './statement-cache.js';

describe('withStatementCache', () => {
  const open: Database.Database[] = [];
  afterEach(() => {
    for (const db of open.splice(0)) if (db.open) db.close();
  });

  function database(): { db: Database.Database; prepared: string[] } {
    const db = new Database(':memory:');
    open.push(db);
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    const prepared: string[] = [];
    const prepare = db.prepare.bind(db);
    db.prepare = ((sql: string) => {
      prepared.push(sql);
      return prepare(sql);
    }) as typeof db.prepare;
    return { db, prepared };
  }

  it('prepares each SQL text once and reuses the statement, through Kysely', async () => {
    const { db, prepared } = database();
    const kysely = new Kysely<{ t: { id: number; v: string } }>({
      dialect: new SqliteDialect({ database: withStatementCache(db) }),
    });
    for (let i = 1; i <= 50; i++)
      await kysely
        .insertInto('t')
        .values({ id: i, v: `v${i}` })
        .execute();
    const rows = [];
    for (let i = 1; i <= 50; i++) {
      rows.push(await kysely.selectFrom('t').select('v').where('id', '=', i).executeTakeFirst());
    }
    expect(rows.map((r) => r?.v)).toEqual(Array.from({ length: 50 }, (_, i) => `v${i + 1}`));
    expect(prepared.filter((sql) => sql.startsWith('insert'))).toHaveLength(1);
    expect(prepared.filter((sql) => sql.startsWith('select'))).toHaveLength(1);
  });

  it('gives a fresh statement while the cached one is still being iterated', () => {
    const { db } = database();
    db.exec("INSERT INTO t (v) VALUES ('a'), ('b')");
    const cached = withStatementCache(db);
    const first = cached.prepare('SELECT v FROM t ORDER BY id');
    const iterator = first.iterate([]);
    expect(iterator.next().value).toEqual({ v: 'a' });
    const second = cached.prepare('SELECT v FROM t ORDER BY id');
    expect(second).not.toBe(first);
    expect(second.all([])).toEqual([{ v: 'a' }, { v: 'b' }]);
    iterator.return?.();
    expect(cached.prepare('SELECT v FROM t ORDER BY id')).toBe(first);
  });

  it('keeps at most `capacity` statements, the least recently used out first', () => {
    const { db, prepared } = database();
    const cached = withStatementCache(db, 2);
    const sql = (n: number) => `SELECT ${n} AS n`;
    cached.prepare(sql(1));
    cached.prepare(sql(2));
    cached.prepare(sql(1)); // 1 is now the most recent
    cached.prepare(sql(3)); // evicts 2
    cached.prepare(sql(1));
    cached.prepare(sql(2));
    expect(prepared).toEqual([sql(1), sql(2), sql(3), sql(2)]);
  });

  it('evicts by last use however many hits came before', () => {
    const { db, prepared } = database();
    const cached = withStatementCache(db, 3);
    const sql = (n: number) => `SELECT ${n} AS n`;
    for (let i = 0; i < 1000; i++) for (const n of [1, 2, 3]) cached.prepare(sql(n));
    cached.prepare(sql(2));
    cached.prepare(sql(3));
    cached.prepare(sql(4)); // 1 was used longest ago
    cached.prepare(sql(2));
    cached.prepare(sql(3));
    cached.prepare(sql(1));
    expect(prepared).toEqual([sql(1), sql(2), sql(3), sql(4), sql(1)]);
  });
});
