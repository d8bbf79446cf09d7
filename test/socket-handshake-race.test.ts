import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Room } from '../src/protocol/index.js';
import { api, freshRoom, newUser, newUsers, nextEvent, request } from './helpers/clients.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { openSocket } from './helpers/sockets.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

/**
 * Holds the server's next reading of `username`'s rooms (taken while a socket connects) after
 * the read, until `release()`: membership changes in between are what is tested.
 */
async function holdRoomRead(username: string) {
  const account = await server.store.accounts.findUserByName(username);
  const rooms = server.store.rooms;
  const original = rooms.roomIdsOf.bind(rooms);
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let reached!: () => void;
  const holding = new Promise<void>((resolve) => {
    reached = resolve;
  });
  rooms.roomIdsOf = async (userId) => {
    const ids = await original(userId);
    if (userId === account?.id) {
      rooms.roomIdsOf = original;
      reached();
      await gate;
    }
    return ids;
  };
  return { holding, release };
}

describe('membership changes while a socket connects', () => {
  it('subscribes the new socket to a room the user was added to during its handshake', async () => {
    const [alice, bob] = await newUsers(server, 2);
    const hold = await holdRoomRead(alice.username);
    const { socket, connected } = openSocket(server, alice.token);
    await hold.holding;
    const created = await api(
      server,
      'POST',
      '/create_room',
      { participants: [alice.username] },
      bob.token,
    );
    const room = created.body.room as Room;
    hold.release();
    await connected;
    const delivered = nextEvent(socket, 'new_message', (m) => m.room === room.id);
    await api(server, 'POST', '/send', { recipient: room.id, content: 'you there?' }, bob.token);
    expect((await delivered).content).toBe('you there?');
    socket.close();
  });

  it('does not subscribe the new socket to a room the user left during its handshake', async () => {
    const [alice, bob] = await newUsers(server, 2);
    const room = freshRoom('left');
    await api(server, 'POST', '/join_room', { room }, alice.token);
    await api(server, 'POST', '/join_room', { room }, bob.token);
    const hold = await holdRoomRead(alice.username);
    const { socket, connected } = openSocket(server, alice.token);
    const seen: string[] = [];
    socket.on('new_message', (m) => seen.push(m.room));
    await hold.holding;
    await api(server, 'POST', '/leave_room', { room_id: room }, alice.token);
    hold.release();
    await connected;
    await api(server, 'POST', '/send', { recipient: room, content: 'not for alice' }, bob.token);
    const marker = nextEvent(socket, 'new_message', (m) => m.content === 'marker');
    await api(server, 'POST', '/send', { recipient: 'general', content: 'marker' }, bob.token);
    await marker;
    expect(seen).not.toContain(room);
    socket.close();
  });

  it('answers events sent right on connect as usual', async () => {
    const alice = await newUser(server);
    const { socket, connected } = openSocket(server, alice.token);
    const ack = new Promise<Record<string, unknown>>((resolve) => {
      socket.once('connect', () => {
        socket.emit('get_online_users', {}, resolve as never);
      });
    });
    await connected;
    expect((await ack).users).toContain(alice.username);
    expect((await request(socket, 'sync', { last_id: 0 })).success).toBe(true);
    socket.close();
  });
});
