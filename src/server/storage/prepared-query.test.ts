import Database from 'better-sqlite3';
import { type Generated, Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { type Param, PreparedQuery } from './prepared-query.js';

interface Schema {
  t: { id: Generated<number>; owner: number; tag: string | null; body: string };
}

describe('PreparedQuery', () => {
  const open: Kysely<Schema>[] = [];
  afterEach(async () => {
    for (const db of open.splice(0)) await db.destroy();
  });

  function sqlite(): Kysely<Schema> {
    const raw = new Database(':memory:');
    raw.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, owner INTEGER, tag TEXT, body TEXT)');
    const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: raw }) });
    open.push(db);
    return db;
  }

  it('compiles the SQL Kysely compiles and binds named values in its parameter order', () => {
    const db = sqlite();
    type P = { owner: number; from: number; body: string };
    const query = PreparedQuery.of((p: Param<P>) =>
      db
        .selectFrom('t')
        .select(['id', 'body'])
        .where('body', '=', p('body'))
        .where('owner', '=', p('owner'))
        .where('id', '>', p('from'))
        .where('owner', '<>', p('from'))
        .limit(3),
    );
    const bound = query.bind({ owner: 7, from: 2, body: 'hi' });
    const direct = db
      .selectFrom('t')
      .select(['id', 'body'])
      .where('body', '=', 'hi')
      .where('owner', '=', 7)
      .where('id', '>', 2)
      .where('owner', '<>', 2)
      .limit(3)
      .compile();
    expect(bound.sql).toBe(direct.sql);
    // A name used twice is bound twice; the constant (the limit) stays where it was compiled.
    expect(bound.parameters).toEqual(['hi', 7, 2, 2, 3]);
    expect(bound.parameters).toEqual(direct.parameters);
  });

  it('runs inserts and selects with new values each time, null included', async () => {
    const db = sqlite();
    const insert = PreparedQuery.of(
      (p: Param<{ owner: number; tag: string | null; body: string }>) =>
        db
          .insertInto('t')
          .values({ owner: p('owner'), tag: p('tag'), body: p('body') })
          .returning(['id', 'tag']),
    );
    const byOwner = PreparedQuery.of((p: Param<{ owner: number }>) =>
      db.selectFrom('t').select(['body', 'tag']).where('owner', '=', p('owner')).orderBy('id'),
    );
    const first = await insert.execute(db, { owner: 1, tag: 'a', body: 'one' });
    const second = await db
      .transaction()
      .execute((trx) => insert.execute(trx, { owner: 1, tag: null, body: 'two' }));
    await insert.execute(db, { owner: 2, tag: 'c', body: 'three' });
    expect(first.rows).toEqual([{ id: 1, tag: 'a' }]);
    expect(second.rows).toEqual([{ id: 2, tag: null }]);
    expect((await byOwner.execute(db, { owner: 1 })).rows).toEqual([
      { body: 'one', tag: 'a' },
      { body: 'two', tag: null },
    ]);
    expect((await byOwner.execute(db, { owner: 2 })).rows).toEqual([{ body: 'three', tag: 'c' }]);
  });

  it("compiles for the database it was built on (PostgreSQL's numbered placeholders)", () => {
    // Compiling needs no connection: the pool is never asked for one.
    const db = new Kysely<Schema>({
      dialect: new PostgresDialect({ pool: {} as never }),
    });
    const query = PreparedQuery.of((p: Param<{ owner: number; body: string }>) =>
      db.selectFrom('t').select('id').where('owner', '=', p('owner')).where('body', '=', p('body')),
    );
    const bound = query.bind({ owner: 3, body: 'x' });
    expect(bound.sql).toBe('select "id" from "t" where "owner" = $1 and "body" = $2');
    expect(bound.parameters).toEqual([3, 'x']);
  });
});
