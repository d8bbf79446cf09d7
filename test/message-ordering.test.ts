import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserRecord } from '../src/server/accounts/account-store.js';
import { MESSAGE_COMMIT_LOCK, type NewMessage } from '../src/server/messages/message-store.js';
import { openStore, type Store } from '../src/server/storage/store.js';
import { createTestDatabase, type TestDatabase } from './helpers/postgres.js';

/**
 * Several nodes append messages to one PostgreSQL database at once. Pollers (`/messages`,
 * `sync`) read `id > last_id`, so ids must become visible in id order: the append transaction
 * takes a cluster-wide advisory lock (docs/scaling-out.md, "Message ordering").
 */
describe('message ids across concurrent nodes (PostgreSQL)', () => {
  let database: TestDatabase;
  const stores: Store[] = [];
  const clients: pg.Client[] = [];
  let poller: Store;
  let author: UserRecord;

  const message = (content: string): NewMessage => ({
    roomId: 'general',
    userId: author.id,
    username: author.username,
    content,
    createdAt: new Date().toISOString(),
  });

  async function rawClient(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: database.url });
    client.on('error', () => undefined);
    await client.connect();
    clients.push(client);
    return client;
  }

  /** A raw insert, as the store does it (same columns), returning the id. */
  async function insertRaw(client: pg.Client, content: string): Promise<number> {
    const result = await client.query<{ id: string }>(
      `insert into messages (room_id, user_id, username, content, client_id, created_at)
       values ('general', $1, $2, $3, null, $4) returning id`,
      [author.id, author.username, content, new Date().toISOString()],
    );
    return Number(result.rows[0]?.id);
  }

  /** Waits (bounded) until some session waits for the message commit lock. */
  async function untilSomeoneWaitsForTheLock(observer: pg.Client): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const { rows } = await observer.query(
        `select 1 from pg_locks
         where locktype = 'advisory' and not granted and objid = $1`,
        [MESSAGE_COMMIT_LOCK],
      );
      if (rows.length > 0) return;
      if (Date.now() > deadline) throw new Error('no append ever waited for the commit lock');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    // One store per "node": separate pools, separate connections.
    for (let i = 0; i < 4; i++) stores.push(await openStore(database.url));
    poller = await openStore(database.url);
    const created = await poller.accounts.createUser('orderly', 'hash', new Date().toISOString());
    if (!created) throw new Error('user not created');
    author = created;
  });

  afterAll(async () => {
    for (const client of clients) await client.end().catch(() => undefined);
    for (const store of [...stores, poller]) await store?.close();
    await database?.drop();
  });

  it('a poller running alongside concurrent appenders sees every id exactly once, in order', async () => {
    const appended: number[] = [];
    let appending = true;
    const appenders = stores.map(async (store, node) => {
      for (let round = 0; round < 40; round++) {
        const size = 1 + ((node + round) % 5);
        const batch = Array.from({ length: size }, (_, i) => message(`n${node} r${round} #${i}`));
        const results = await store.messages.append(batch, new Date(0).toISOString());
        for (const r of results) appended.push(r.message.id);
      }
    });

    const seen: number[] = [];
    const polling = (async () => {
      let lastId = 0;
      const pollOnce = async () => {
        const page = await poller.messages.visibleSince(author.id, lastId, 25);
        for (const m of page) {
          if (m.id <= lastId) throw new Error(`id ${m.id} after ${lastId}: out of order`);
          seen.push(m.id);
          lastId = m.id;
        }
        return page.length;
      };
      while (appending) await pollOnce();
      while ((await pollOnce()) > 0);
    })();

    try {
      await Promise.all(appenders);
    } finally {
      appending = false;
    }
    await polling;

    expect(new Set(appended).size).toBe(appended.length);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...appended].sort((a, b) => a - b));
  });

  it('an append waits for a commit in progress elsewhere, so its id comes later', async () => {
    const start = (await poller.messages.visibleSince(author.id, 0, 1_000_000)).at(-1)?.id ?? 0;
    const holder = await rawClient();
    const observer = await rawClient();
    await holder.query('begin');
    await holder.query('select pg_advisory_xact_lock($1)', [MESSAGE_COMMIT_LOCK]);
    const first = await insertRaw(holder, 'committed first');

    const second = stores[1]?.messages.append([message('committed second')], '1970-01-01');
    await untilSomeoneWaitsForTheLock(observer);
    expect(await poller.messages.visibleSince(author.id, start, 100)).toEqual([]);

    await holder.query('commit');
    const [result] = (await second) ?? [];
    expect(result?.message.id).toBeGreaterThan(first);
    const after = await poller.messages.visibleSince(author.id, start, 100);
    expect(after.map((m) => m.id)).toEqual([first, result?.message.id]);
  });

  it('without the lock a poller would skip a message (why the lock exists)', async () => {
    const start = (await poller.messages.visibleSince(author.id, 0, 1_000_000)).at(-1)?.id ?? 0;
    const slow = await rawClient();
    const fast = await rawClient();
    await slow.query('begin');
    const early = await insertRaw(slow, 'id taken first, committed last');
    const late = await insertRaw(fast, 'id taken last, committed first');
    const firstPoll = await poller.messages.visibleSince(author.id, start, 100);
    expect(firstPoll.map((m) => m.id)).toEqual([late]);
    await slow.query('commit');
    const nextPoll = await poller.messages.visibleSince(author.id, late, 100);
    expect(nextPoll.map((m) => m.id)).not.toContain(early);
  });
});
