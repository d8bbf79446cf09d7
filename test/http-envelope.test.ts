import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS, HTTP_PATHS } from '../src/protocol/index.js';
import { PASSWORD, uniqueName } from './helpers/clients.js';
import { inject } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;
let token: string;
beforeAll(async () => {
  server = await startTestServer({ listen: false });
  const username = uniqueName();
  await inject(server, 'POST', '/register', { body: { username, password: PASSWORD } });
  const login = await inject(server, 'POST', '/login', { body: { username, password: PASSWORD } });
  token = login.body.token as string;
});
afterAll(async () => {
  await server.close();
});

const BODY_ROUTES = [
  '/register',
  '/login',
  '/send',
  '/join_room',
  '/create_room',
  '/leave_room',
] as const;

function expectFailure(
  response: { status: number; body: Record<string, unknown> },
  status: number,
  message?: string,
) {
  expect(response.status).toBe(status);
  expect(response.body.success).toBe(false);
  expect(Object.keys(response.body).sort()).toEqual(['message', 'success']);
  expect(typeof response.body.message).toBe('string');
  if (message !== undefined) expect(response.body.message).toBe(message);
  expect(String(response.body.message)).not.toMatch(/\n\s+at |SELECT|INSERT|sqlite|zod/i);
}

async function expectHealthy() {
  const health = await inject(server, 'GET', '/health');
  expect(health.status).toBe(200);
  expect(health.body).toEqual({ success: true, status: 'ok' });
  const rooms = await inject(server, 'GET', '/rooms', { token });
  expect(rooms.status).toBe(200);
}

describe('GET /health', () => {
  it('answers 200 { success: true, status: "ok" } without authentication', async () => {
    await expectHealthy();
  });
});

describe('unknown routes', () => {
  it.each([
    ['GET', '/nope'],
    ['POST', '/nope'],
    ['GET', '/rooms/general/nothing'],
    ['DELETE', '/messages'],
    ['PUT', '/register'],
    ['GET', '/register'],
  ] as const)('answers %s %s with a JSON 404 "Not found"', async (method, url) => {
    const response = await inject(server, method, url);
    expectFailure(response, 404, ERRORS.notFound);
    expect(String(response.headers['content-type'])).toMatch(/application\/json/);
  });
});

describe('bodies that are missing or not JSON', () => {
  const cases: [string, { raw?: string; headers?: Record<string, string> }][] = [
    ['no body at all', {}],
    ['an empty JSON body', { raw: '', headers: { 'content-type': 'application/json' } }],
    ['broken JSON', { raw: '{"username": "x",', headers: { 'content-type': 'application/json' } }],
    ['plain text', { raw: 'username=x', headers: { 'content-type': 'text/plain' } }],
    [
      'JSON sent as text/plain',
      { raw: '{"username":"x","password":"y"}', headers: { 'content-type': 'text/plain' } },
    ],
    [
      'a form post',
      {
        raw: 'username=x&password=y',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
    ],
    ['an unknown content-type', { raw: '{}', headers: { 'content-type': 'application/xml' } }],
    ['JSON null', { raw: 'null', headers: { 'content-type': 'application/json' } }],
    ['a JSON array', { raw: '[1,2,3]', headers: { 'content-type': 'application/json' } }],
    ['a JSON number', { raw: '42', headers: { 'content-type': 'application/json' } }],
    ['a JSON string', { raw: '"hello"', headers: { 'content-type': 'application/json' } }],
    ['a JSON boolean', { raw: 'true', headers: { 'content-type': 'application/json' } }],
  ];

  for (const route of BODY_ROUTES) {
    it.each(cases)(`answers POST ${route} with 400 "No data provided" for %s`, async (_, opts) => {
      const response = await inject(server, 'POST', route, { ...opts, token });
      expectFailure(response, 400, ERRORS.noData);
    });
  }

  it('is still healthy afterwards', async () => {
    await expectHealthy();
  });
});

describe('garbage inside JSON bodies', () => {
  const junk: unknown[] = [
    { username: { a: 1 }, password: [1, 2] },
    { username: ['alice'], password: PASSWORD },
    { username: 12345, password: 12345678 },
    { username: true, password: false },
    { a: { b: { c: { d: [null, { e: 'f' }] } } } },
    { recipient: 5, content: { text: 'x' } },
    { recipient: null, content: null },
    { room: { id: 'general' } },
    { room: ['general'] },
    { room: 12 },
    { room_id: null },
    { participants: 'bob' },
    { participants: [1, 2, 3] },
    { participants: [null] },
    { participants: ['bob'], name: { n: 1 } },
    { username: 'x'.repeat(60_000), password: 'y' },
    { recipient: 'general', content: 'x'.repeat(60_000) },
    { room: 'x'.repeat(60_000) },
    { participants: Array.from({ length: 5000 }, (_, i) => `u${i}`) },
  ];

  for (const route of BODY_ROUTES) {
    it(`answers POST ${route} with a 4xx envelope for every kind of junk`, async () => {
      for (const body of junk) {
        const response = await inject(server, 'POST', route, { body, token });
        expect(response.status, JSON.stringify(body).slice(0, 80)).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
        expectFailure(response, response.status);
      }
    });
  }

  it('names an unknown field in the answer', async () => {
    const response = await inject(server, 'POST', '/register', {
      body: { username: uniqueName(), password: PASSWORD, admin: true },
    });
    expectFailure(response, 400, 'Unknown field: admin');
    const two = await inject(server, 'POST', '/join_room', {
      body: { room: 'x', a: 1, b: 2 },
      token,
    });
    expectFailure(two, 400, 'Unknown fields: a, b');
  });

  it('refuses __proto__ and constructor.prototype keys without polluting any prototype', async () => {
    const poisons = [
      `{"__proto__":{"polluted":true},"username":"${uniqueName()}","password":"${PASSWORD}"}`,
      `{"username":"${uniqueName()}","password":"${PASSWORD}","constructor":{"prototype":{"polluted":true}}}`,
      '{"recipient":"general","content":"x","__proto__":{"polluted":true}}',
      '{"room":{"__proto__":{"polluted":true}}}',
    ];
    for (const route of BODY_ROUTES) {
      for (const raw of poisons) {
        const response = await inject(server, 'POST', route, {
          raw,
          token,
          headers: { 'content-type': 'application/json' },
        });
        expectFailure(response, 400);
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answers bad query strings with a 400 envelope', async () => {
    for (const url of [
      '/messages?last_id=abc',
      '/messages?last_id=-1',
      '/messages?last_id=1.5',
      '/messages?limit=0',
      '/messages?limit=-5',
      '/messages?limit=ten',
      '/messages?last_id=1&last_id=2',
      '/messages?last_id=99999999999999999999999',
      '/rooms/general/messages?before=x',
      '/rooms/general/messages?limit=0',
    ]) {
      const response = await inject(server, 'GET', url, { token });
      expectFailure(response, 400);
    }
  });

  it('ignores unknown query parameters, __proto__ included', async () => {
    const response = await inject(server, 'GET', '/messages?__proto__=1&junk=2&last_id=0', {
      token,
    });
    expect(response.status).toBe(200);
    expect(response.body.success).toBe(true);
  });

  it('is still healthy afterwards', async () => {
    await expectHealthy();
  });
});

describe('body size', () => {
  it('answers 413 with the envelope for a body over 64 KiB', async () => {
    for (const route of ['/register', '/login', '/send', '/create_room']) {
      const raw = JSON.stringify({ recipient: 'general', content: 'x'.repeat(64 * 1024) });
      const response = await inject(server, 'POST', route, {
        raw,
        token,
        headers: { 'content-type': 'application/json' },
      });
      expectFailure(response, 413, ERRORS.bodyTooLarge);
    }
  });

  it('accepts a body just under 64 KiB', async () => {
    const content = '😀'.repeat(4000);
    const raw = JSON.stringify({ recipient: 'general', content });
    expect(Buffer.byteLength(raw)).toBeLessThan(64 * 1024);
    const response = await inject(server, 'POST', '/send', {
      raw,
      token,
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(201);
  });

  it('is still healthy afterwards', async () => {
    await expectHealthy();
  });
});

describe('GET /docs/json', () => {
  it('documents every route of the contract', async () => {
    const response = await server.app.http.inject({ method: 'GET', url: '/docs/json' });
    expect(response.statusCode).toBe(200);
    const paths = Object.keys((response.json() as { paths: Record<string, unknown> }).paths).sort();
    expect(paths).toEqual(
      expect.arrayContaining([
        '/register',
        '/login',
        '/logout',
        '/online',
        '/send',
        '/messages',
        '/rooms',
        '/join_room',
        '/create_room',
        '/leave_room',
        '/rooms/{id}/messages',
        '/announcement',
        '/health',
      ]),
    );
    const doc = response.json() as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    expect(Object.keys(doc.paths['/register']?.post?.responses ?? {})).toEqual(
      expect.arrayContaining(['201', '400', '409', '429']),
    );
  });

  it('has every documented route forwarded by the web client’s dev server (HTTP_PATHS)', async () => {
    const response = await server.app.http.inject({ method: 'GET', url: '/docs/json' });
    const paths = Object.keys((response.json() as { paths: Record<string, unknown> }).paths);
    const forwarded = (path: string) =>
      HTTP_PATHS.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
    expect(paths.filter((path) => !forwarded(path))).toEqual([]);
  });
});
