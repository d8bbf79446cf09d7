import { describe, expect, it } from 'vitest';
import { ERRORS } from '../src/protocol/index.js';
import { api, newUser, request } from './helpers/clients.js';
import { sharedServer } from './helpers/sockets.js';

// The fanout backlog the server would measure is stood in for by a switch (the backlog itself:
// write-coalescing.test.ts).
let overloaded = false;
const suite = sharedServer({ deps: { overloaded: () => overloaded } });

describe('load shedding', () => {
  it('refuses messages with 429 while the server is past its capacity, stores none, and takes them again after', async () => {
    const alice = await newUser(suite.server);
    const socket = await suite.online(alice.token);
    overloaded = true;
    try {
      const ack = await request(socket, 'send_message', { content: 'shed', client_id: 'shed-1' });
      expect(ack).toEqual({ success: false, message: ERRORS.rateLimited });
      const rest = await api(
        suite.server,
        'POST',
        '/send',
        { recipient: 'general', content: 'shed too' },
        alice.token,
      );
      expect(rest).toEqual({ status: 429, body: { success: false, message: ERRORS.rateLimited } });
      // The connection stays healthy: other events still answer.
      const online = await request(socket, 'get_online_users', {});
      expect(online.success).toBe(true);
    } finally {
      overloaded = false;
    }
    const history = await suite.server.store.messages.roomHistory('general', undefined, 50);
    expect(history.filter((m) => m.username === alice.username)).toEqual([]);
    // The client sends it again with the same client_id: stored once, now.
    const again = await request(socket, 'send_message', { content: 'shed', client_id: 'shed-1' });
    expect(again.success).toBe(true);
    const twice = await request(socket, 'send_message', { content: 'shed', client_id: 'shed-1' });
    expect(twice.message).toEqual(again.message);
  });
});
