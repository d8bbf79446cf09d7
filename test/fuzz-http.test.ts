import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newUser } from './helpers/clients.js';
import { inject } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 60);

/** Strings with lone surrogates (invalid UTF-16), control characters and the odd emoji. */
const nastyString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc
    .array(fc.integer({ min: 0xd800, max: 0xdfff }), { maxLength: 5 })
    .map((codes) => String.fromCharCode(...codes)),
  fc.nat({ max: 100_000 }).map((n) => 'x'.repeat(n)),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'general', 'room_1', 'dm_1', ''),
);

// Deeper values would overflow JSON.stringify in the test itself; raw bodies go deeper.
const deep = fc.nat({ max: 1000 }).map((depth) => {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
});

const protoKeys = fc
  .record({ key: fc.constantFrom('__proto__', 'constructor', 'prototype'), value: fc.jsonValue() })
  .map(({ key, value }) => JSON.parse(`{"${key}": ${JSON.stringify(value)}, "username": "x"}`));

/** Plausible and implausible bodies: right field names with wrong values, and garbage. */
const body = fc.oneof(
  fc.jsonValue(),
  deep,
  protoKeys,
  fc.record(
    {
      username: fc.oneof(nastyString, fc.jsonValue()),
      password: fc.oneof(nastyString, fc.jsonValue()),
      recipient: fc.oneof(nastyString, fc.jsonValue()),
      content: fc.oneof(nastyString, fc.jsonValue()),
      message: fc.oneof(nastyString, fc.jsonValue()),
      room: fc.oneof(nastyString, fc.jsonValue()),
      room_id: fc.oneof(nastyString, fc.jsonValue()),
      participants: fc.oneof(fc.array(nastyString, { maxLength: 60 }), fc.jsonValue()),
      name: fc.oneof(nastyString, fc.jsonValue()),
      client_id: fc.oneof(nastyString, fc.jsonValue()),
    },
    { requiredKeys: [] },
  ),
);

const rawBody = fc.oneof(
  fc.string(),
  fc.constantFrom('{', '[', '{"a":', 'null', '"str"', '\u0000', '{"username":"a"}}'),
  fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
  fc.nat({ max: 20_000 }).map((n) => `${'{"a":['.repeat(n)}1${']}'.repeat(n)}`),
);

// /logout is left out: with the token it would end the session the other runs use.
const POSTS = ['/register', '/login', '/send', '/join_room', '/create_room', '/leave_room'];
const GETS = ['/online', '/messages', '/rooms', '/rooms/%s/messages', '/announcement', '/health'];
const ALLOWED = new Set([200, 201, 400, 401, 403, 404, 409, 413, 429]);

function expectEnvelope(status: number, payload: Record<string, unknown>) {
  expect(ALLOWED.has(status), `status ${status}: ${JSON.stringify(payload)}`).toBe(true);
  expect(typeof payload.success).toBe('boolean');
  if (payload.success === false) {
    expect(typeof payload.message).toBe('string');
    expect(String(payload.message).length).toBeGreaterThan(0);
    expect(String(payload.message)).not.toMatch(
      /\bat .*\.(ts|js):\d+|SQLITE|syntax error|select |insert /i,
    );
  }
}

describe('HTTP endpoints under random input', { timeout: 120_000 }, () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer({ listen: true });
    token = (await newUser(server)).token;
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers every random JSON body on every POST route with the envelope, never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...POSTS), body, fc.boolean(), async (path, b, auth) => {
        const r = await inject(server, 'POST', path, { body: b, token: auth ? token : undefined });
        expectEnvelope(r.status, r.body);
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it('answers malformed and non-JSON bodies with the envelope', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...POSTS),
        rawBody,
        fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', ''),
        async (path, raw, type) => {
          const headers: Record<string, string> = { authorization: `Bearer ${token}` };
          if (type) headers['content-type'] = type;
          const r = await inject(server, 'POST', path, { raw, headers });
          expectEnvelope(r.status, r.body);
          expect(r.status).not.toBe(200);
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });

  it('answers random query strings and path parameters on every GET route', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...GETS),
        nastyString,
        fc.dictionary(fc.constantFrom('room', 'last_id', 'limit', 'before', 'x'), nastyString),
        async (path, param, query) => {
          const url = path.replace('%s', encodeURIComponent(param.slice(0, 300).toWellFormed()));
          const qs = new URLSearchParams(
            Object.entries(query).map(([k, v]) => [k, v.slice(0, 2000).toWellFormed()]),
          ).toString();
          const r = await inject(server, 'GET', qs ? `${url}?${qs}` : url, { token });
          expectEnvelope(r.status, r.body);
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });

  it('stays healthy and serves a normal request right after the barrage', async () => {
    expect((await inject(server, 'GET', '/health')).body).toEqual({ success: true, status: 'ok' });
    const sent = await inject(server, 'POST', '/send', {
      body: { recipient: 'general', content: 'still here' },
      token,
    });
    expect(sent.status).toBe(201);
  });
});
