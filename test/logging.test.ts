import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS } from '../src/protocol/index.js';
import { api, connectSocket, newUser, request } from './helpers/clients.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const lines: string[] = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    lines.push(String(chunk));
    done();
  },
});

let server: TestServer;
beforeAll(async () => {
  // The most talkative level, no redaction: nothing secret may reach the logs at all.
  const logger = pino({ level: 'trace' }, sink);
  server = await startTestServer({ deps: { logger }, config: { loginFailuresMax: 2 } });
});
afterAll(async () => {
  await server.close();
});

describe('logs', () => {
  it('never contain a password or a session token, whatever happens', async () => {
    const password = 'Pa55word-that-must-not-leak';
    const username = `logger${Math.random().toString(36).slice(2, 8)}`;
    await api(server, 'POST', '/register', { username, password });
    await api(server, 'POST', '/register', { username, password });
    await api(server, 'POST', '/register', { username: 'bad name!', password });
    await api(server, 'POST', '/register', { username, password: `${password}${'x'.repeat(200)}` });
    await api(server, 'POST', '/register', { username, password, extra: password });
    await api(server, 'POST', '/login', { username, password: `${password}-wrong` });
    await api(server, 'POST', '/login', { username: password, password });
    const login = await api(server, 'POST', '/login', { username, password });
    await api(server, 'POST', '/login', { username, password: `${password}-wrong` });
    await api(server, 'POST', '/login', { username, password: `${password}-wrong` });
    await api(server, 'POST', '/login', { username, password });
    const token = login.body.token as string;
    expect(token).toBeTruthy();
    await api(server, 'GET', '/rooms', undefined, token);
    await api(server, 'POST', '/send', { recipient: 'general', content: 'hi' }, token);
    const socket = await connectSocket(server, token);
    await request(socket, 'send_message', { content: 'over the socket' });
    socket.close();
    await api(server, 'POST', '/logout', undefined, token);

    const log = lines.join('');
    expect(log.length).toBeGreaterThan(0);
    expect(log).toContain('/login');
    expect(log).not.toContain(password);
    expect(log).not.toContain(token);
  });
});

describe('failures of the server itself', () => {
  const lines500: string[] = [];
  let broken: TestServer;
  beforeAll(async () => {
    const logger = pino(
      { level: 'error' },
      new Writable({
        write(chunk, _encoding, done) {
          lines500.push(String(chunk));
          done();
        },
      }),
    );
    broken = await startTestServer({ deps: { logger } });
  });
  afterAll(async () => {
    await broken.close();
  });

  it('answer 500 "Internal server error" without detail, over HTTP and sockets, and are logged', async () => {
    const alice = await newUser(broken);
    const socket = await connectSocket(broken, alice.token);
    const messages = broken.store.messages;
    const original = messages.append.bind(messages);
    messages.append = async () => {
      throw new Error('SQLITE_FULL: database or disk is full at /var/lib/secret/path');
    };
    try {
      const http = await api(
        broken,
        'POST',
        '/send',
        { recipient: 'general', content: 'x' },
        alice.token,
      );
      expect(http.status).toBe(500);
      expect(http.body).toEqual({ success: false, message: ERRORS.serverError });
      const ack = await request(socket, 'send_message', { content: 'x' });
      expect(ack).toEqual({ success: false, message: ERRORS.serverError });
    } finally {
      messages.append = original;
    }
    expect(socket.connected).toBe(true);
    expect((await request(socket, 'send_message', { content: 'recovered' })).success).toBe(true);
    socket.close();
    const log = lines500.join('');
    expect(log).toContain('SQLITE_FULL');
    expect(log).toContain('socket event failed');
  });
});
