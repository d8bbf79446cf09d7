import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Message } from '../src/protocol/index.js';
import {
  api,
  collect,
  connectSocket,
  newUser,
  nextEvent,
  PASSWORD,
  request,
  type TestSocket,
} from './helpers/clients.js';
import { createTestDatabase, type TestDatabase } from './helpers/postgres.js';
import {
  countRedisKeys,
  deleteRedisKeys,
  REDIS_TEST_URL,
  uniqueRedisPrefix,
} from './helpers/redis.js';
import { type ServerProcess, startServerProcess } from './helpers/server-process.js';

/** Heartbeat TTL of the test nodes: a killed node's users are swept within about 2 s. */
const PRESENCE_TTL_SECONDS = 1.5;
/** A REST poll keeps a user listed this long (the protocol's 30 s, short for the test). */
const POLLER_ONLINE_SECONDS = 1;
/** Bound on waiting for the sweep (far above TTL + sweep interval). */
const SWEEP_BOUND_MS = 20_000;

/**
 * Two real server processes (`src/server/main.ts`) sharing one PostgreSQL database and one
 * Redis: presence, chat, DMs, typing and logout work across them; a SIGKILLed node's user
 * leaves everyone's lists, and reconnecting to the surviving node loses nothing.
 */
describe('two nodes on PostgreSQL and Redis', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chatroom-nodes-'));
  const prefix = uniqueRedisPrefix('nodes');
  let database: TestDatabase | undefined;
  const nodes: ServerProcess[] = [];
  const sockets: TestSocket[] = [];

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await Promise.allSettled(nodes.map((node) => node.kill('SIGKILL')));
    await database?.drop();
    await deleteRedisKeys(prefix);
    rmSync(dir, { recursive: true, force: true });
  });

  async function connect(node: ServerProcess, token: string): Promise<TestSocket> {
    const socket = await connectSocket(node, token);
    sockets.push(socket);
    return socket;
  }

  it('share presence and chat, and survive a node being killed', { timeout: 120_000 }, async () => {
    database = await createTestDatabase();
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: REDIS_TEST_URL,
      REDIS_KEY_PREFIX: prefix,
      PRESENCE_TTL_SECONDS: String(PRESENCE_TTL_SECONDS),
      POLLER_ONLINE_SECONDS: String(POLLER_ONLINE_SECONDS),
      ANNOUNCEMENT_FILE: join(dir, 'announcement.txt'),
    };
    // Both start at once: they race to migrate the fresh database. One runs the sources, the
    // other the production bundle (its Redis scale-out is a chunk loaded only with REDIS_URL).
    const started = await Promise.allSettled([
      startServerProcess(env),
      startServerProcess(env, undefined, 'bundle'),
    ]);
    for (const result of started) if (result.status === 'fulfilled') nodes.push(result.value);
    for (const result of started) if (result.status === 'rejected') throw result.reason;
    const [one, two] = nodes;
    if (!one || !two) throw new Error('nodes did not start');

    const alice = await newUser(one);
    const bob = await newUser(two);
    const a = await connect(one, alice.token);
    const b = await connect(two, bob.token);
    const seenByAlice = collect(a, 'new_message');

    // Presence across nodes.
    expect((await request(a, 'join', {})).success).toBe(true);
    const bobJoined = nextEvent(a, 'user_joined', (p) => p.username === bob.username);
    expect((await request(b, 'join', {})).success).toBe(true);
    expect((await bobJoined).room).toBe('general');
    const online = await request(b, 'get_online_users', {});
    expect(online.users).toEqual(expect.arrayContaining([alice.username, bob.username]));
    const inGeneral = await api(one, 'GET', '/online?room=general', undefined, alice.token);
    expect(inGeneral.body.users).toEqual(expect.arrayContaining([alice.username, bob.username]));

    // Chat in a room, both ways.
    const toBob = nextEvent(b, 'new_message', (m) => m.content === 'hello from node 1');
    const sent = await request(a, 'send_message', {
      content: 'hello from node 1',
      client_id: 'retry-me',
    });
    expect(await toBob).toEqual(sent.message);
    const toAlice = nextEvent(a, 'new_message', (m) => m.content === 'hi from node 2');
    await request(b, 'send_message', { content: 'hi from node 2' });
    expect((await toAlice).username).toBe(bob.username);

    // A REST poller on node 1 is listed on node 2, and leaves the list once the window ends.
    const carol = await newUser(one);
    const withCarol = nextEvent(b, 'update_users', (p) => p.users.includes(carol.username));
    await api(one, 'GET', '/messages', undefined, carol.token);
    expect((await withCarol).room).toBe('general');
    const withoutCarol = nextEvent(
      b,
      'update_users',
      (p) => p.room === 'general' && !p.users.includes(carol.username),
    );
    expect((await withoutCarol).users).toEqual(
      expect.arrayContaining([alice.username, bob.username]),
    );

    // Typing.
    const typing = nextEvent(b, 'user_typing');
    await request(a, 'typing', { room: 'general', typing: true });
    expect(await typing).toEqual({ room: 'general', username: alice.username, typing: true });

    // A direct message: bob's socket on the other node is subscribed and told.
    const created = nextEvent(b, 'room_created');
    const opened = await request(a, 'open_direct', { username: bob.username });
    const dm = (opened.room as { id: string }).id;
    expect((await created).room.id).toBe(dm);
    const direct = nextEvent(b, 'new_message', (m) => m.room === dm);
    const dmSent = await request(a, 'send_message', { room: dm, content: 'psst' });
    expect((await direct).id).toBe((dmSent.message as Message).id);

    // Logout on one node revokes the session on the other at once and drops its sockets.
    const login = await api(one, 'POST', '/login', {
      username: bob.username,
      password: PASSWORD,
    });
    const second = login.body.token as string;
    const elsewhere = await connect(one, second);
    const dropped = new Promise<string>((resolve) => elsewhere.once('disconnect', resolve));
    expect((await api(two, 'POST', '/logout', undefined, second)).status).toBe(200);
    expect(await dropped).toBe('io server disconnect');
    expect((await api(one, 'GET', '/rooms', undefined, second)).status).toBe(401);

    // Node 1 dies without a word: bob sees alice leave once her node's heartbeat expires.
    const lastSeen = Math.max(...seenByAlice.map((m) => m.id));
    const left = nextEvent(
      b,
      'user_left',
      (p) => p.username === alice.username && p.room === 'general',
      SWEEP_BOUND_MS,
    );
    await one.kill('SIGKILL');
    expect((await left).room).toBe('general');
    const after = await request(b, 'get_online_users', {});
    expect(after.users).not.toContain(alice.username);
    expect(after.users).toContain(bob.username);

    // Meanwhile bob keeps writing, in the room and in the DM.
    const missed: number[] = [];
    for (const [room, content] of [
      ['general', 'while you were away 1'],
      [dm, 'dm while away'],
      ['general', 'while you were away 2'],
    ] as const) {
      const ack = await request(b, 'send_message', { room, content });
      missed.push((ack.message as Message).id);
    }

    // Alice reconnects to node 2 and syncs from the last id she saw: no gaps, no duplicates.
    const back = await connect(two, alice.token);
    const synced: Message[] = [];
    let cursor = lastSeen;
    for (let page = 0; page < 10; page++) {
      const reply = await request(back, 'sync', { last_id: cursor });
      const messages = reply.messages as Message[];
      synced.push(...messages);
      cursor = messages.at(-1)?.id ?? cursor;
      if (!reply.has_more) break;
    }
    expect(synced.map((m) => m.id)).toEqual(missed);
    const returned = nextEvent(b, 'user_joined', (p) => p.username === alice.username);
    expect((await request(back, 'join', {})).success).toBe(true);
    expect((await returned).room).toBe('general');

    // A retry of a message acknowledged by the dead node is recognised by the living one.
    const retried = await request(back, 'send_message', {
      content: 'hello from node 1',
      client_id: 'retry-me',
    });
    expect(retried.message).toEqual(sent.message);

    // A graceful stop takes the node's presence out of Redis with it.
    await two.kill('SIGTERM');
    expect(two.child.exitCode).toBe(0);
    expect(await countRedisKeys(prefix)).toBe(0);
  });
});
