import { afterAll, describe, expect, it } from 'vitest';
import type { Message } from '../src/protocol/index.js';
import { api, connectSocket, newUser, nextEvent, request } from './helpers/clients.js';
import { startTestServer, type TestServer } from './helpers/server.js';

/**
 * One representative chat flow over real HTTP and Socket.IO, on SQLite and on PostgreSQL
 * (every other integration suite runs on PostgreSQL with TEST_DATABASE=postgres).
 */
describe.each(['sqlite', 'postgres'] as const)('a chat session on %s', (database) => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    // Newest first: the first server's close() drops the database the restarted one uses.
    for (const server of servers.reverse()) await server.close();
  });

  it('chats, DMs, polls, syncs, survives a restart, and revokes on logout', async () => {
    const first = await startTestServer({ database });
    servers.push(first);
    expect(first.store.dialect).toBe(database);
    const alice = await newUser(first);
    const bob = await newUser(first);
    const a = await connectSocket(first, alice.token);
    const b = await connectSocket(first, bob.token);
    try {
      expect((await request(b, 'join', {})).success).toBe(true);
      const joined = nextEvent(b, 'user_joined', (p) => p.username === alice.username);
      expect((await request(a, 'join', { room: 'general' })).success).toBe(true);
      expect((await joined).room).toBe('general');

      // A message reaches the room after it is stored; a retried client_id is not stored twice.
      const incoming = nextEvent(b, 'new_message');
      const sent = await request(a, 'send_message', { content: 'hi bob', client_id: 'k1' });
      expect(sent.success).toBe(true);
      const hello = sent.message as Message;
      expect(await incoming).toEqual(hello);
      const retry = await request(a, 'send_message', { content: 'hi bob', client_id: 'k1' });
      expect(retry.message).toEqual(hello);

      // Typing is relayed to the others.
      const typing = nextEvent(b, 'user_typing');
      await request(a, 'typing', { room: 'general', typing: true });
      expect(await typing).toEqual({ room: 'general', username: alice.username, typing: true });

      // A direct room: created once, both subscribed, messages delivered.
      const created = nextEvent(b, 'room_created');
      const opened = await request(a, 'open_direct', { username: bob.username });
      const dm = (opened.room as { id: string }).id;
      expect(dm).toMatch(/^dm_\d+$/);
      expect((await created).room.id).toBe(dm);
      const direct = nextEvent(b, 'new_message', (m) => m.room === dm);
      const dmSent = await request(a, 'send_message', { room: dm, content: 'just us' });
      expect((await direct).id).toBe((dmSent.message as Message).id);

      // REST: send, then poll and sync from before the first message.
      const viaHttp = await api(
        first,
        'POST',
        '/send',
        { recipient: dm, content: 'by http' },
        bob.token,
      );
      expect(viaHttp.status).toBe(201);
      const polled = await api(
        first,
        'GET',
        `/messages?last_id=${hello.id - 1}`,
        undefined,
        alice.token,
      );
      const polledIds = (polled.body.messages as Message[]).map((m) => m.id);
      expect(polledIds).toEqual([
        hello.id,
        (dmSent.message as Message).id,
        (viaHttp.body.message as Message).id,
      ]);
      const synced = await request(a, 'sync', { last_id: hello.id - 1 });
      expect((synced.messages as Message[]).map((m) => m.id)).toEqual(polledIds);
      expect(synced.has_more).toBe(false);
      const history = await request(b, 'history', { room: dm });
      expect((history.messages as Message[]).map((m) => m.content)).toEqual(['just us', 'by http']);
    } finally {
      a.close();
      b.close();
    }

    // Restart on the same database: everything is still there.
    await first.stop();
    const second = await startTestServer({ database, dir: first.dir });
    servers.push(second);
    const rooms = await api(second, 'GET', '/rooms', undefined, alice.token);
    expect(rooms.status).toBe(200);
    expect((rooms.body.rooms as { kind: string }[]).map((r) => r.kind)).toEqual([
      'public',
      'direct',
    ]);

    // Logout revokes the token at once and disconnects its sockets.
    const socket = await connectSocket(second, bob.token);
    const gone = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    expect((await api(second, 'POST', '/logout', undefined, bob.token)).status).toBe(200);
    expect(await gone).toBe('io server disconnect');
    expect((await api(second, 'GET', '/rooms', undefined, bob.token)).status).toBe(401);
    await expect(connectSocket(second, bob.token)).rejects.toThrow();
  });
});
