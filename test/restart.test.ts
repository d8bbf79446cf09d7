import { afterAll, describe, expect, it } from 'vitest';
import type { Message, Room } from '../src/protocol/index.js';
import {
  api,
  collect,
  connectSocket,
  newUsers,
  nextEvent,
  PASSWORD,
  request,
} from './helpers/clients.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const servers: TestServer[] = [];
afterAll(async () => {
  const closed = new Set<string>();
  for (const server of servers.reverse()) {
    if (closed.has(server.dir)) await server.stop();
    else await server.close();
    closed.add(server.dir);
  }
});

async function start(dir?: string) {
  const server = await startTestServer(dir === undefined ? {} : { dir });
  servers.push(server);
  return server;
}

describe('a restart on the same database', () => {
  it('keeps accounts, sessions, rooms, memberships and messages', async () => {
    const first = await start();
    const [alice, bob] = await newUsers(first, 2);
    const group = await api(
      first,
      'POST',
      '/create_room',
      { participants: [bob.username], name: 'Kept' },
      alice.token,
    );
    const room = group.body.room as Room;
    const sent = await api(
      first,
      'POST',
      '/send',
      { recipient: room.id, content: 'before the restart' },
      alice.token,
    );
    const dm = await api(
      first,
      'POST',
      '/send',
      { recipient: bob.username, content: 'dm kept' },
      alice.token,
    );
    await first.stop();

    const second = await start(first.dir);
    const rooms = await api(second, 'GET', '/rooms', undefined, bob.token);
    expect(rooms.status).toBe(200);
    const ids = (rooms.body.rooms as Room[]).map((r) => r.id);
    expect(ids).toEqual(
      expect.arrayContaining(['general', room.id, (dm.body.message as Message).room]),
    );
    const history = await api(second, 'GET', `/rooms/${room.id}/messages`, undefined, bob.token);
    expect(history.body.messages).toEqual([sent.body.message]);
    const login = await api(second, 'POST', '/login', {
      username: alice.username,
      password: PASSWORD,
    });
    expect(login.status).toBe(200);
    const taken = await api(second, 'POST', '/register', {
      username: alice.username.toUpperCase(),
      password: PASSWORD,
    });
    expect(taken.status).toBe(409);
    const next = await api(
      second,
      'POST',
      '/send',
      { recipient: room.id, content: 'after' },
      alice.token,
    );
    expect((next.body.message as Message).id).toBeGreaterThan((sent.body.message as Message).id);
    await second.stop();
  });

  it('still recognises a client_id retry after the restart, broadcasting nothing new', async () => {
    const first = await start();
    const [alice, bob] = await newUsers(first, 2);
    let a = await connectSocket(first, alice.token);
    const original = await request(a, 'send_message', {
      content: 'exactly once',
      client_id: 'restart-1',
    });
    expect(original.success).toBe(true);
    a.close();
    await first.stop();

    const second = await start(first.dir);
    a = await connectSocket(second, alice.token);
    const b = await connectSocket(second, bob.token);
    const bobSees = collect(b, 'new_message');
    const retry = await request(a, 'send_message', {
      content: 'exactly once',
      client_id: 'restart-1',
    });
    expect(retry).toEqual(original);
    const marker = nextEvent(b, 'new_message', (m) => m.content === 'marker');
    await request(a, 'send_message', { content: 'marker' });
    await marker;
    expect(bobSees.map((m) => m.content)).toEqual(['marker']);
    const stored = await second.store.messages.roomHistory('general', undefined, 10);
    expect(stored.filter((m) => m.client_id === 'restart-1')).toHaveLength(1);
    a.close();
    b.close();
    await second.stop();
  });
});
