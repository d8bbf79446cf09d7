import { afterEach, describe, expect, it } from 'vitest';
import type { PasswordHasher } from '../src/server/accounts/password-hasher.js';
import type { Clock } from '../src/server/shared/clock.js';
import { connectSocket, newUser, PASSWORD, request } from './helpers/clients.js';
import { inject } from './helpers/http.js';
import { startTestServer, type TestServer, testHasher } from './helpers/server.js';

class ManualClock implements Clock {
  constructor(public ms = Date.now()) {}
  now() {
    return this.ms;
  }
}

describe('auth, access and abuse', () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
  });
  const start = async (options: Parameters<typeof startTestServer>[0] = {}) => {
    const server = await startTestServer(options);
    servers.push(server);
    return server;
  };

  it('refuses an expired token over HTTP and in the socket handshake', async () => {
    const clock = new ManualClock();
    const server = await start({ config: { sessionTtlHours: 1 }, deps: { clock } });
    const { token } = await newUser(server);
    expect((await inject(server, 'GET', '/rooms', { token })).status).toBe(200);
    clock.ms += 2 * 60 * 60 * 1000;
    const r = await inject(server, 'GET', '/rooms', { token });
    expect(r.status).toBe(401);
    expect(r.body.message).toBe('Authentication required');
    await expect(connectSocket(server, token)).rejects.toThrow('Invalid or expired session');
  });

  it('refuses the token of a deleted user', async () => {
    const server = await start();
    const { username, token } = await newUser(server);
    const user = await server.store.accounts.findUserByName(username);
    await server.store.accounts.deleteUser(user?.id ?? -1);
    expect((await inject(server, 'GET', '/rooms', { token })).status).toBe(401);
    await expect(connectSocket(server, token)).rejects.toThrow('Invalid or expired session');
  });

  it('refuses a revoked token and garbage tokens in the handshake', async () => {
    const server = await start();
    const { token } = await newUser(server);
    await inject(server, 'POST', '/logout', { token });
    await expect(connectSocket(server, token)).rejects.toThrow('Invalid or expired session');
    await expect(connectSocket(server, 'x'.repeat(5000))).rejects.toThrow(
      'Invalid or expired session',
    );
    await expect(connectSocket(server, undefined)).rejects.toThrow('Authentication required');
  });

  it('stops paging the history of a room the user left', async () => {
    const server = await start();
    const alice = await newUser(server);
    const socket = await connectSocket(server, alice.token);
    await request(socket, 'join', { room: 'lobby' });
    await request(socket, 'send_message', { room: 'lobby', content: 'hello' });
    expect((await request(socket, 'history', { room: 'lobby' })).success).toBe(true);
    await request(socket, 'leave', { room: 'lobby' });
    const h = await request(socket, 'history', { room: 'lobby' });
    expect(h).toEqual({ success: false, message: 'You must join the chat first' });
    const r = await inject(server, 'GET', '/rooms/lobby/messages', { token: alice.token });
    expect(r.status).toBe(403);
    const sync = await request(socket, 'sync', { last_id: 0 });
    expect((sync.messages as { room: string }[]).some((m) => m.room === 'lobby')).toBe(false);
    socket.close();
  });

  it('limits failed logins per username with 429, then lets the user in after the window', async () => {
    const clock = new ManualClock();
    const server = await start({
      config: { loginFailuresMax: 3, loginFailuresWindowSeconds: 60 },
      deps: { clock },
    });
    const { username } = await newUser(server);
    const attempt = (password: string) =>
      inject(server, 'POST', '/login', { body: { username, password } });
    for (let i = 0; i < 3; i++) expect((await attempt('wrong-password')).status).toBe(401);
    const blocked = await attempt(PASSWORD);
    expect(blocked.status).toBe(429);
    expect(blocked.body.message).toBe('Too many requests, slow down');
    clock.ms += 61_000;
    expect((await attempt(PASSWORD)).status).toBe(200);
  });

  it('limits failed logins per address across usernames', async () => {
    const server = await start({ config: { loginFailuresMax: 2, loginFailuresWindowSeconds: 60 } });
    // Per address the allowance is 5× the per-username one: 10 failures over many names.
    let last = 0;
    for (let i = 0; i < 11; i++) {
      const r = await inject(server, 'POST', '/login', {
        body: { username: `nobody${i}`, password: 'wrong-password' },
      });
      last = r.status;
    }
    expect(last).toBe(429);
  });

  it('answers an unknown username exactly like a wrong password, after the same hashing work', async () => {
    let verifies = 0;
    const counting: PasswordHasher = {
      hash: (p) => testHasher.hash(p),
      verify: (h, p) => {
        verifies++;
        return testHasher.verify(h, p);
      },
      verifyDummy: async (p) => {
        verifies++;
        await testHasher.verifyDummy(p);
      },
    };
    const server = await start({ deps: { hasher: counting } });
    const { username } = await newUser(server);
    verifies = 0;
    const wrong = await inject(server, 'POST', '/login', {
      body: { username, password: 'wrong-password' },
    });
    const unknown = await inject(server, 'POST', '/login', {
      body: { username: 'no_such_user', password: 'wrong-password' },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    expect(verifies).toBe(2);
  });

  it('sends security headers on pages, API answers and errors alike', async () => {
    const server = await start();
    for (const [method, url] of [
      ['GET', '/health'],
      ['GET', '/nope'],
      ['POST', '/register'],
      ['GET', '/rooms'],
    ] as const) {
      const r = await server.app.http.inject({ method, url });
      expect(r.headers['x-content-type-options'], url).toBe('nosniff');
      expect(String(r.headers['content-security-policy']), url).toContain("frame-ancestors 'none'");
      expect(String(r.headers['content-security-policy']), url).toContain("script-src 'self'");
    }
  });
});
