import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectSocket, newUsers, nextEvent, request } from './helpers/clients.js';
import { type ServerProcess, startServerProcess } from './helpers/server-process.js';

/** `npm start` runs dist/server/main.mjs (scripts/bundle.ts): what ships must work as a whole. */
describe('the production bundle (npm start)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chatroom-bundle-'));
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the web client from its default root, the API, /docs and real-time chat', async () => {
    server = await startServerProcess(
      {
        DATABASE_URL: `sqlite://${join(dir, 'chat.db')}`,
        ANNOUNCEMENT_FILE: join(dir, 'announcement.txt'),
        // The default web root (dist/web, found relative to the bundle), not the test one.
        WEB_ROOT: '',
      },
      undefined,
      'bundle',
    );
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="app"');
    const docs = await fetch(`${server.url}/docs/json`);
    expect(((await docs.json()) as { openapi?: string }).openapi).toMatch(/^3\./);

    const [alice, bob] = await newUsers(server, 2);
    const aliceSocket = await connectSocket(server, alice.token);
    const bobSocket = await connectSocket(server, bob.token);
    await request(bobSocket, 'join', { room: 'general' });
    await request(aliceSocket, 'join', { room: 'general' });
    const delivered = nextEvent(bobSocket, 'new_message');
    const ack = await request(aliceSocket, 'send_message', { content: 'from the bundle' });
    expect(ack.success).toBe(true);
    expect((await delivered).content).toBe('from the bundle');
    aliceSocket.close();
    bobSocket.close();
  });
});
