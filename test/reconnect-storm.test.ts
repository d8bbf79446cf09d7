import { io } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import type { Message } from '../src/protocol/index.js';
import { api, newUser, request, type TestSocket } from './helpers/clients.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const USERS = 50;
const TABS = 10;

describe('reconnect storm', () => {
  const servers: TestServer[] = [];
  const sockets: TestSocket[] = [];
  afterAll(async () => {
    for (const s of sockets) s.close();
    for (const s of servers) await s.close().catch(() => undefined);
  });

  it('keeps answering while 500 clients reconnect at once, and every client resyncs', async () => {
    const first = await startTestServer();
    servers.push(first);
    const port = Number(new URL(first.url).port);
    const users = await Promise.all(Array.from({ length: USERS }, () => newUser(first)));
    const connected = new Set<TestSocket>();
    for (const user of users) {
      for (let t = 0; t < TABS; t++) {
        const socket: TestSocket = io(first.url, {
          transports: ['websocket'],
          auth: { token: user.token },
          forceNew: true,
          reconnectionDelay: 100,
          reconnectionDelayMax: 500,
          randomizationFactor: 0,
        });
        socket.on('connect', () => connected.add(socket));
        socket.on('disconnect', () => connected.delete(socket));
        sockets.push(socket);
      }
    }
    const waitFor = async (test: () => boolean, what: string) => {
      const deadline = Date.now() + 60_000;
      while (!test()) {
        if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await waitFor(() => connected.size === USERS * TABS, 'all sockets connected');
    const writer = users[0] as { token: string };
    const before = await api(
      first,
      'POST',
      '/send',
      { recipient: 'general', content: 'before' },
      writer.token,
    );
    const lastSeen = (before.body.message as Message).id;

    await first.stop();
    await waitFor(() => connected.size === 0, 'all sockets dropped');
    const second = await startTestServer({ dir: first.dir, listen: false });
    servers.push(second);
    await second.app.http.listen({ port, host: '127.0.0.1' });
    second.url = `http://127.0.0.1:${port}`;

    const missed: number[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await api(
        second,
        'POST',
        '/send',
        { recipient: 'general', content: `during ${i}` },
        writer.token,
      );
      missed.push((r.body.message as Message).id);
    }
    let healthChecks = 0;
    while (connected.size < USERS * TABS) {
      const health = await fetch(`${second.url}/health`);
      expect(health.status).toBe(200);
      healthChecks++;
      await new Promise((r) => setTimeout(r, 20));
      if (healthChecks > 3000) throw new Error('sockets never all reconnected');
    }
    const results = await Promise.all(
      sockets.map((s) => request(s, 'sync', { last_id: lastSeen })),
    );
    for (const r of results) {
      expect(r.success).toBe(true);
      expect((r.messages as Message[]).map((m) => m.id)).toEqual(missed);
    }
  }, 120_000);
});
