import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, newUser, newUsers, nextEvent, request } from './helpers/clients.js';
import { inject } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { openSocket } from './helpers/sockets.js';

async function announcementOf(server: TestServer): Promise<unknown> {
  const response = await inject(server, 'GET', '/announcement');
  expect(response.status).toBe(200);
  return response.body;
}

describe('without an announcement file', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers GET /announcement with an empty announcement, without authentication', async () => {
    expect(await announcementOf(server)).toEqual({ success: true, announcement: '' });
  });

  it('sends no announcement event on connect', async () => {
    const alice = await newUser(server);
    const { socket, connected } = openSocket(server, alice.token);
    const seen = collect(socket, 'announcement');
    await connected;
    // Anything sent on connect arrives before the answer to a first request.
    await request(socket, 'get_online_users', {});
    socket.close();
    expect(seen).toEqual([]);
  });
});

describe('with an announcement file', () => {
  let server: TestServer;
  let file: string;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatroom-test-'));
    file = join(dir, 'announcement.txt');
    writeFileSync(file, '  Maintenance at noon  \n');
    server = await startTestServer({ dir });
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers GET /announcement with the text of the file, trimmed', async () => {
    expect(await announcementOf(server)).toEqual({
      success: true,
      announcement: 'Maintenance at noon',
    });
  });

  it('sends the announcement to a socket as it connects', async () => {
    const alice = await newUser(server);
    const { socket, connected } = openSocket(server, alice.token);
    const first = nextEvent(socket, 'announcement');
    await connected;
    expect(await first).toEqual({ announcement: 'Maintenance at noon' });
    socket.close();
  });

  it('pushes every change of the file to every connected socket, and GET follows', async () => {
    const [alice, bob] = await newUsers(server, 2);
    const a = openSocket(server, alice.token);
    const b = openSocket(server, bob.token);
    await Promise.all([
      nextEvent(a.socket, 'announcement'),
      nextEvent(b.socket, 'announcement'),
      a.connected,
      b.connected,
    ]);

    const changed = (text: string) =>
      Promise.all(
        [a.socket, b.socket].map((s) =>
          nextEvent(s, 'announcement', (p) => p.announcement === text),
        ),
      );

    let both = changed('Upgrade done, welcome back');
    writeFileSync(file, 'Upgrade done, welcome back\n');
    await both;
    expect(await announcementOf(server)).toEqual({
      success: true,
      announcement: 'Upgrade done, welcome back',
    });

    both = changed('');
    rmSync(file);
    await both;
    expect(await announcementOf(server)).toEqual({ success: true, announcement: '' });

    both = changed('Back again');
    writeFileSync(file, 'Back again');
    await both;
    expect(await announcementOf(server)).toEqual({ success: true, announcement: 'Back again' });

    a.socket.close();
    b.socket.close();
  });
});
