import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSocket, newUser, nextEvent, request } from './helpers/clients.js';
import { startTestServer, type TestServer } from './helpers/server.js';

describe('socket chat between two users', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('delivers a message sent by one user to the other after it is stored', async () => {
    const alice = await newUser(server);
    const bob = await newUser(server);
    const a = await connectSocket(server, alice.token);
    const b = await connectSocket(server, bob.token);
    const history = nextEvent(b, 'message_history');
    const joined = await request(b, 'join', {});
    expect(joined.success).toBe(true);
    expect((await history).room).toBe('general');
    const seenByAlice = nextEvent(a, 'user_joined', (p) => p.username === bob.username);
    await request(a, 'join', { room: 'general' });
    const incoming = nextEvent(b, 'new_message');
    const ack = await request(a, 'send_message', { content: 'hello bob', client_id: 'c1' });
    expect(ack.success).toBe(true);
    const message = await incoming;
    expect(message).toMatchObject({
      room: 'general',
      username: alice.username,
      content: 'hello bob',
    });
    expect(ack.message).toEqual(message);
    const stored = await server.store.messages.roomHistory('general', undefined, 10);
    expect(stored.map((m) => m.id)).toContain(message.id);
    void seenByAlice.catch(() => undefined);
    a.close();
    b.close();
  });
});
