import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS } from '../src/protocol/index.js';
import { api, connectSocket, newUser, PASSWORD, request } from './helpers/clients.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { disconnected } from './helpers/sockets.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ config: { allowedOrigins: 'https://app.example.test' } });
});
afterAll(async () => {
  await server.close();
});

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the handshake was accepted');
}

/** The session cookie of a fresh login, as sent back in a Cookie header. */
async function cookieLogin() {
  const user = await newUser(server);
  const response = await fetch(`${server.url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: user.username, password: PASSWORD }),
  });
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  expect(cookie).toMatch(/^chatroom_session=/);
  return { ...user, cookie };
}

describe('socket handshake', () => {
  it('refuses a handshake without a token: "Authentication required"', async () => {
    expect(await refusal(connectSocket(server, undefined))).toBe(ERRORS.authRequired);
  });

  it.each([
    ['an unknown token', 'not-a-token'],
    ['an empty token', ''],
    ['a huge token', 'x'.repeat(10_000)],
  ])('refuses %s: "Invalid or expired session"', async (_, token) => {
    expect(await refusal(connectSocket(server, token))).toBe(ERRORS.sessionInvalid);
  });

  it('refuses a token that is not a string as a missing one', async () => {
    const message = await refusal(
      connectSocket(server, undefined, { auth: { token: { $ne: null } } }),
    );
    expect(message).toBe(ERRORS.authRequired);
  });

  it('refuses a revoked token', async () => {
    const alice = await newUser(server);
    await api(server, 'POST', '/logout', undefined, alice.token);
    expect(await refusal(connectSocket(server, alice.token))).toBe(ERRORS.sessionInvalid);
  });

  it('accepts a valid token and serves events', async () => {
    const alice = await newUser(server);
    const socket = await connectSocket(server, alice.token);
    const ack = await request(socket, 'get_online_users', {});
    expect(ack.success).toBe(true);
    expect(ack.users).toContain(alice.username);
    socket.close();
  });
});

describe('socket handshake by cookie', () => {
  const connectWithCookie = (cookie: string, origin?: string) =>
    connectSocket(server, undefined, {
      extraHeaders: origin === undefined ? { cookie } : { cookie, origin },
    });

  it('accepts the session cookie from the server own origin', async () => {
    const alice = await cookieLogin();
    const socket = await connectWithCookie(alice.cookie, server.url);
    const ack = await request(socket, 'get_online_users', {});
    expect(ack.users).toContain(alice.username);
    socket.close();
  });

  it('accepts the session cookie from an origin listed in ALLOWED_ORIGINS', async () => {
    const alice = await cookieLogin();
    const socket = await connectWithCookie(alice.cookie, 'https://app.example.test');
    expect(socket.connected).toBe(true);
    socket.close();
  });

  it.each([
    ['a foreign origin', 'https://evil.example'],
    ['no origin', undefined],
    ['the null origin', 'null'],
  ])('refuses the session cookie from %s', async (_, origin) => {
    const alice = await cookieLogin();
    const message = await refusal(connectWithCookie(alice.cookie, origin));
    expect(message).toBe(ERRORS.forbiddenOrigin);
  });

  it('refuses an unknown cookie from the own origin as an invalid session', async () => {
    const message = await refusal(connectWithCookie('chatroom_session=forged', server.url));
    expect(message).toBe(ERRORS.sessionInvalid);
  });
});

describe('logout', () => {
  it('disconnects every socket opened with that token, and only those', async () => {
    const alice = await newUser(server);
    const second = await api(server, 'POST', '/login', {
      username: alice.username,
      password: PASSWORD,
    });
    const tab1 = await connectSocket(server, alice.token);
    const tab2 = await connectSocket(server, alice.token);
    const otherSession = await connectSocket(server, second.body.token as string);
    const closed = Promise.all([disconnected(tab1), disconnected(tab2)]);
    const response = await api(server, 'POST', '/logout', undefined, alice.token);
    expect(response.status).toBe(200);
    expect(await closed).toEqual(['io server disconnect', 'io server disconnect']);
    const ack = await request(otherSession, 'get_online_users', {});
    expect(ack.success).toBe(true);
    expect(otherSession.connected).toBe(true);
    otherSession.close();
    expect(await refusal(connectSocket(server, alice.token))).toBe(ERRORS.sessionInvalid);
  });
});
