import { afterEach, describe, expect, it } from 'vitest';
import { ERRORS } from '../src/protocol/index.js';
import type { Clock } from '../src/server/shared/clock.js';
import { PASSWORD, uniqueName } from './helpers/clients.js';
import { inject } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const limited = { success: false, message: ERRORS.rateLimited };

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function movableClock(): Clock & { ms: number } {
  const clock = { ms: Date.UTC(2030, 0, 1), now: () => clock.ms };
  return clock;
}

async function start(config: Record<string, unknown>, clock = movableClock()) {
  server = await startTestServer({ listen: false, config, deps: { clock } });
  return { server, clock };
}

const register = (s: TestServer, username: string) =>
  inject(s, 'POST', '/register', { body: { username, password: PASSWORD } });
const login = (s: TestServer, username: string, password = PASSWORD) =>
  inject(s, 'POST', '/login', { body: { username, password } });

describe('failed logins per username', () => {
  it('answers 429 once a username used up its failures, even with the right password', async () => {
    const { server: s, clock } = await start({
      loginFailuresMax: 3,
      loginFailuresWindowSeconds: 60,
    });
    const name = uniqueName();
    await register(s, name);
    for (let i = 0; i < 3; i++) expect((await login(s, name, 'wrong-password')).status).toBe(401);
    for (const password of ['wrong-password', PASSWORD]) {
      const response = await login(s, name, password);
      expect(response.status).toBe(429);
      expect(response.body).toEqual(limited);
    }
    const other = uniqueName();
    await register(s, other);
    expect((await login(s, other)).status).toBe(200);
    clock.ms += 61_000;
    expect((await login(s, name)).status).toBe(200);
  });

  it('counts the username case-insensitively', async () => {
    const { server: s } = await start({ loginFailuresMax: 2 });
    const name = uniqueName('Case');
    await register(s, name);
    await login(s, name.toUpperCase(), 'wrong-password');
    await login(s, name.toLowerCase(), 'wrong-password');
    expect((await login(s, name)).body).toEqual(limited);
  });

  it('forgets earlier failures after a successful login', async () => {
    const { server: s } = await start({ loginFailuresMax: 3 });
    const name = uniqueName();
    await register(s, name);
    for (let round = 0; round < 3; round++) {
      await login(s, name, 'wrong-password');
      await login(s, name, 'wrong-password');
      expect((await login(s, name)).status).toBe(200);
    }
  });
});

describe('registrations per address', () => {
  it('answers 429 after the allowed number of registrations, until the window passes', async () => {
    const { server: s, clock } = await start({
      registrationsMax: 2,
      registrationsWindowSeconds: 3600,
    });
    expect((await register(s, uniqueName())).status).toBe(201);
    expect((await register(s, uniqueName())).status).toBe(201);
    const third = await register(s, uniqueName());
    expect(third.status).toBe(429);
    expect(third.body).toEqual(limited);
    clock.ms += 3601_000;
    expect((await register(s, uniqueName())).status).toBe(201);
  });
});

describe('messages per user', () => {
  it('answers 429 to a user over the limit without touching other users', async () => {
    const { server: s, clock } = await start({ messagesMax: 3, messagesWindowSeconds: 10 });
    const tokens: string[] = [];
    for (const name of [uniqueName(), uniqueName()]) {
      await register(s, name);
      tokens.push((await login(s, name)).body.token as string);
    }
    const [alice, bob] = tokens as [string, string];
    const send = (token: string, content: string) =>
      inject(s, 'POST', '/send', { token, body: { recipient: 'general', content } });
    for (let i = 0; i < 3; i++) expect((await send(alice, `m${i}`)).status).toBe(201);
    const over = await send(alice, 'one too many');
    expect(over.status).toBe(429);
    expect(over.body).toEqual(limited);
    const stored = await s.store.messages.roomHistory('general', undefined, 10);
    expect(stored.map((m) => m.content)).not.toContain('one too many');
    expect((await send(bob, 'bob is fine')).status).toBe(201);
    clock.ms += 10_001;
    expect((await send(alice, 'later')).status).toBe(201);
  });
});

describe('requests per address', () => {
  it('answers 429 with the envelope over the HTTP request budget, except /health', async () => {
    const { server: s } = await start({ httpRequestsPerMinute: 3 });
    for (let i = 0; i < 3; i++) expect((await inject(s, 'GET', '/announcement')).status).toBe(200);
    const over = await inject(s, 'GET', '/announcement');
    expect(over.status).toBe(429);
    expect(over.body).toEqual(limited);
    expect((await inject(s, 'GET', '/health')).status).toBe(200);
  });
});
