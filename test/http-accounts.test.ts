import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS } from '../src/protocol/index.js';
import { PASSWORD, uniqueName } from './helpers/clients.js';
import { inject, sessionCookie } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ listen: false });
});
afterAll(async () => {
  await server.close();
});

const register = (username: unknown, password: unknown = PASSWORD) =>
  inject(server, 'POST', '/register', { body: { username, password } });
const login = (username: unknown, password: unknown = PASSWORD) =>
  inject(server, 'POST', '/login', { body: { username, password } });

async function loggedIn(name = uniqueName()) {
  expect((await register(name)).status).toBe(201);
  const response = await login(name);
  expect(response.status).toBe(200);
  return { username: name, token: response.body.token as string, response };
}

describe('POST /register', () => {
  it('creates the account with 201 and the user as registered (case kept)', async () => {
    const name = `Mixed${uniqueName()}`.slice(0, 20);
    const response = await register(name);
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      success: true,
      user: { id: expect.any(Number), username: name },
    });
  });

  it('makes the new account a member of general from the start', async () => {
    const { username, token } = await loggedIn();
    const rooms = await inject(server, 'GET', '/rooms', { token });
    expect(rooms.status).toBe(200);
    const general = (rooms.body.rooms as { id: string; members: string[] }[]).find(
      (r) => r.id === 'general',
    );
    expect(general?.members).toContain(username);
  });

  it('refuses a taken username with 409, case-insensitively (Alice blocks alice)', async () => {
    const base = uniqueName('Alice');
    expect((await register(base)).status).toBe(201);
    for (const variant of [base, base.toLowerCase(), base.toUpperCase()]) {
      const response = await register(variant);
      expect(response.status).toBe(409);
      expect(response.body).toEqual({ success: false, message: ERRORS.usernameTaken });
    }
  });

  it.each([
    ['an empty object', {}],
    ['a missing password', { username: 'someone' }],
    ['a missing username', { password: PASSWORD }],
    ['empty strings', { username: '', password: '' }],
    ['an empty username', { username: '', password: PASSWORD }],
    ['an empty password', { username: 'someone', password: '' }],
    ['nulls', { username: null, password: null }],
  ])('answers 400 "Username and password are required" for %s', async (_, body) => {
    const response = await inject(server, 'POST', '/register', { body });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ success: false, message: ERRORS.credentialsRequired });
  });

  it.each([
    ['a space', 'bob smith'],
    ['21 characters', 'a'.repeat(21)],
    ['a non-ASCII letter', 'jürgen'],
    ['punctuation', 'bob!'],
    ['a slash', 'a/b'],
    ['an emoji', 'bob😀'],
    ['surrounding spaces', ' bob '],
  ])('answers 400 with the username rule for a username with %s', async (_, username) => {
    const response = await register(username);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ success: false, message: ERRORS.usernameShape });
  });

  it('accepts usernames of 1 and 20 characters made of letters, digits, _ . -', async () => {
    const suffix = Math.random().toString(36).slice(2, 8);
    expect((await register(`a_b.c-D9${suffix}`.padEnd(20, 'x'))).status).toBe(201);
    const single = await register(String.fromCharCode(65 + Math.floor(Math.random() * 26)));
    expect([201, 409]).toContain(single.status);
  });

  it.each([
    ['7 characters', 'x'.repeat(7)],
    ['129 characters', 'x'.repeat(129)],
    ['4 emoji (8 UTF-16 units)', '😀'.repeat(4)],
    ['129 emoji', '😀'.repeat(129)],
  ])('answers 400 with the password rule for a password of %s', async (_, password) => {
    const response = await register(uniqueName(), password);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ success: false, message: ERRORS.passwordShape });
  });

  it('accepts passwords of 8 and 128 code points, emoji counted as one', async () => {
    for (const password of ['x'.repeat(8), 'x'.repeat(128), '😀'.repeat(8), '😀'.repeat(128)]) {
      const name = uniqueName();
      expect((await register(name, password)).status).toBe(201);
      expect((await login(name, password)).status).toBe(200);
    }
  });

  it('never echoes the password back', async () => {
    const password = 'unique-secret-Zq81';
    const response = await register(uniqueName(), password);
    expect(JSON.stringify(response.body)).not.toContain(password);
  });
});

describe('POST /login', () => {
  it('returns an opaque token of at least 128 bits and the user', async () => {
    const name = uniqueName();
    const registered = await register(name);
    const response = await login(name);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      success: true,
      token: expect.any(String),
      user: registered.body.user,
    });
    const token = response.body.token as string;
    expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16);
    expect(token).not.toContain(name);
  });

  it('gives a new token on every login', async () => {
    const { username, token } = await loggedIn();
    const again = await login(username);
    expect(again.body.token).not.toBe(token);
  });

  it('finds the account whatever the case of the username, answering with the registered name', async () => {
    const name = `Carol${Math.random().toString(36).slice(2, 8)}`;
    await register(name);
    const response = await login(name.toUpperCase());
    expect(response.status).toBe(200);
    expect((response.body.user as { username: string }).username).toBe(name);
  });

  it('answers 401 "Invalid username or password" for a wrong password or an unknown user', async () => {
    const name = uniqueName();
    await register(name);
    for (const response of [
      await login(name, 'wrong-password'),
      await login(uniqueName('ghost')),
    ]) {
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ success: false, message: ERRORS.badCredentials });
    }
  });

  it('answers 400 "Username and password are required" for empty credentials', async () => {
    for (const body of [{}, { username: '', password: '' }, { username: 'x' }]) {
      const response = await inject(server, 'POST', '/login', { body });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ success: false, message: ERRORS.credentialsRequired });
    }
  });

  it('sets the session as an HttpOnly, SameSite=Lax cookie', async () => {
    const { response } = await loggedIn();
    const cookie = String(response.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//i);
    expect(sessionCookie(response)).toBe(`chatroom_session=${response.body.token as string}`);
  });
});

describe('authentication of requests', () => {
  it('answers 401 "Authentication required" without a token', async () => {
    for (const [method, url] of [
      ['GET', '/rooms'],
      ['GET', '/online'],
      ['GET', '/messages'],
      ['GET', '/rooms/general/messages'],
      ['POST', '/logout'],
    ] as const) {
      const response = await inject(server, method, url);
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ success: false, message: ERRORS.authRequired });
    }
    const send = await inject(server, 'POST', '/send', {
      body: { recipient: 'general', content: 'hi' },
    });
    expect(send.status).toBe(401);
    expect(send.body).toEqual({ success: false, message: ERRORS.authRequired });
  });

  it.each([
    ['an unknown token', { authorization: 'Bearer not-a-real-token' }],
    ['an empty bearer', { authorization: 'Bearer ' }],
    ['another scheme', { authorization: 'Basic dXNlcjpwYXNz' }],
    ['a huge token', { authorization: `Bearer ${'x'.repeat(5000)}` }],
    ['an unknown cookie', { cookie: 'chatroom_session=nope' }],
  ])('answers 401 "Authentication required" for %s', async (_, headers) => {
    const response = await inject(server, 'GET', '/rooms', { headers });
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ success: false, message: ERRORS.authRequired });
  });

  it('accepts the scheme name in any case', async () => {
    const { token } = await loggedIn();
    const response = await inject(server, 'GET', '/rooms', {
      headers: { authorization: `bearer ${token}` },
    });
    expect(response.status).toBe(200);
  });
});

describe('POST /logout', () => {
  it('revokes the token at once, leaving the other sessions of the user alone', async () => {
    const { username, token } = await loggedIn();
    const other = (await login(username)).body.token as string;
    const response = await inject(server, 'POST', '/logout', { token });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ success: true });
    const after = await inject(server, 'GET', '/rooms', { token });
    expect(after.status).toBe(401);
    expect(after.body).toEqual({ success: false, message: ERRORS.authRequired });
    expect((await inject(server, 'GET', '/rooms', { token: other })).status).toBe(200);
    expect((await inject(server, 'POST', '/logout', { token })).status).toBe(401);
  });

  it('accepts a JSON content-type with an empty body (clients that always send the header)', async () => {
    const { token } = await loggedIn();
    const response = await inject(server, 'POST', '/logout', {
      token,
      raw: '',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(200);
    expect((await inject(server, 'GET', '/rooms', { token })).status).toBe(401);
  });

  it('clears the session cookie', async () => {
    const { token } = await loggedIn();
    const response = await inject(server, 'POST', '/logout', { token });
    expect(String(response.headers['set-cookie'])).toMatch(/chatroom_session=;/);
  });
});

describe('cookie sessions and the Origin rule', () => {
  const host = 'chat.example.test';

  async function cookieOf() {
    const { username, token, response } = await loggedIn();
    return { username, token, cookie: sessionCookie(response) };
  }

  it('authenticates a GET by cookie alone, with or without an Origin', async () => {
    const { cookie, username } = await cookieOf();
    for (const extra of [{}, { origin: 'https://evil.example' }] as Record<string, string>[]) {
      const response = await inject(server, 'GET', '/rooms', {
        headers: { cookie, host, ...extra },
      });
      expect(response.status).toBe(200);
      const rooms = response.body.rooms as { members: string[] }[];
      expect(rooms[0]?.members).toContain(username);
    }
  });

  it('refuses a cookie-authenticated POST without an Origin with 403', async () => {
    const { cookie } = await cookieOf();
    const response = await inject(server, 'POST', '/join_room', {
      body: { room: 'cookies' },
      headers: { cookie, host },
    });
    expect(response.status).toBe(403);
    expect(response.body.success).toBe(false);
  });

  it.each([
    ['another site', 'https://evil.example'],
    ['another port of the same host', `http://${host}:8081`],
    ['a subdomain', `http://sub.${host}`],
    ['the literal null origin', 'null'],
    ['garbage', 'not a url'],
  ])('refuses a cookie-authenticated POST from %s with 403', async (_, origin) => {
    const { cookie } = await cookieOf();
    const response = await inject(server, 'POST', '/send', {
      body: { recipient: 'general', content: 'csrf?' },
      headers: { cookie, host, origin },
    });
    expect(response.status).toBe(403);
    expect(response.body).toEqual({ success: false, message: ERRORS.forbiddenOrigin });
  });

  it('accepts a cookie-authenticated POST from its own origin (Origin matches Host)', async () => {
    const { cookie, username } = await cookieOf();
    for (const origin of [`http://${host}`, `https://${host}`]) {
      const response = await inject(server, 'POST', '/send', {
        body: { recipient: 'general', content: `from ${origin}` },
        headers: { cookie, host, origin },
      });
      expect(response.status).toBe(201);
      expect((response.body.message as { username: string }).username).toBe(username);
    }
  });

  it('lets a bearer token through whatever the Origin (tokens are not ambient)', async () => {
    const { token } = await cookieOf();
    const response = await inject(server, 'POST', '/join_room', {
      token,
      body: { room: 'bearers' },
      headers: { host, origin: 'https://elsewhere.example' },
    });
    expect(response.status).toBe(200);
  });

  it('logs out by cookie from its own origin, revoking the session', async () => {
    const { cookie, token } = await cookieOf();
    const refused = await inject(server, 'POST', '/logout', { headers: { cookie, host } });
    expect(refused.status).toBe(403);
    const response = await inject(server, 'POST', '/logout', {
      headers: { cookie, host, origin: `http://${host}` },
    });
    expect(response.status).toBe(200);
    expect((await inject(server, 'GET', '/rooms', { token })).status).toBe(401);
    expect((await inject(server, 'GET', '/rooms', { headers: { cookie } })).status).toBe(401);
  });
});

describe('configured extra origins', () => {
  let extra: TestServer;
  beforeAll(async () => {
    extra = await startTestServer({
      listen: false,
      config: { allowedOrigins: 'https://app.example.test, https://other.example.test' },
    });
  });
  afterAll(async () => {
    await extra.close();
  });

  it('accepts a cookie-authenticated POST from an origin listed in ALLOWED_ORIGINS', async () => {
    const name = uniqueName();
    await inject(extra, 'POST', '/register', { body: { username: name, password: PASSWORD } });
    const loginResponse = await inject(extra, 'POST', '/login', {
      body: { username: name, password: PASSWORD },
    });
    const cookie = sessionCookie(loginResponse);
    const listed = await inject(extra, 'POST', '/join_room', {
      body: { room: 'listed' },
      headers: { cookie, host: 'api.example.test', origin: 'https://other.example.test' },
    });
    expect(listed.status).toBe(200);
    const unlisted = await inject(extra, 'POST', '/join_room', {
      body: { room: 'listed' },
      headers: { cookie, host: 'api.example.test', origin: 'https://third.example.test' },
    });
    expect(unlisted.status).toBe(403);
  });
});

describe('session lifetime', () => {
  const clock = { ms: Date.UTC(2030, 0, 1), now: () => clock.ms };
  let timed: TestServer;
  beforeAll(async () => {
    timed = await startTestServer({
      listen: false,
      config: { sessionTtlHours: 1, secureCookies: true },
      deps: { clock },
    });
  });
  afterAll(async () => {
    await timed.close();
  });

  it('expires a session after SESSION_TTL_HOURS, with a cookie that lives as long', async () => {
    const name = uniqueName();
    await inject(timed, 'POST', '/register', { body: { username: name, password: PASSWORD } });
    const response = await inject(timed, 'POST', '/login', {
      body: { username: name, password: PASSWORD },
    });
    const cookie = String(response.headers['set-cookie']);
    expect(cookie).toMatch(/Max-Age=3600/i);
    expect(cookie).toMatch(/; Secure/i);
    const token = response.body.token as string;
    clock.ms += 3_599_000;
    expect((await inject(timed, 'GET', '/rooms', { token })).status).toBe(200);
    clock.ms += 1_000;
    const expired = await inject(timed, 'GET', '/rooms', { token });
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual({ success: false, message: ERRORS.authRequired });
  });
});
