import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChatClient } from '../src/client/chat-client.js';
import type { Message } from '../src/protocol/index.js';
import { newUser } from './helpers/clients.js';
import { createTestDatabase, type TestDatabase } from './helpers/postgres.js';
import { type ServerProcess, startServerProcess } from './helpers/server-process.js';

const CLIENTS = 4;
const CRASHES = Number(process.env.CRASH_CYCLES ?? 3);
const SEND_EVERY_MS = 15;

function until(test: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (test()) return resolve();
      if (Date.now() > deadline) return reject(new Error(`timed out: ${what}`));
      setTimeout(tick, 25);
    };
    tick();
  });
}

describe.each(['sqlite', 'postgres'] as const)('crash safety on %s', (dialect) => {
  const dir = mkdtempSync(join(tmpdir(), 'chatroom-crash-'));
  let server: ServerProcess | undefined;
  let database: TestDatabase | undefined;
  const clients: ChatClient[] = [];
  afterAll(async () => {
    for (const c of clients) c.stop();
    await server?.kill('SIGKILL');
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses and duplicates no acknowledged message across repeated SIGKILLs', async () => {
    if (dialect === 'postgres') database = await createTestDatabase();
    const env = {
      DATABASE_URL: database?.url ?? join(dir, 'chat.db'),
      ANNOUNCEMENT_FILE: join(dir, 'a.txt'),
    };
    server = await startServerProcess(env, undefined, 'bundle');
    const port = server.port;
    const users = [];
    for (let i = 0; i < CLIENTS; i++) users.push(await newUser({ url: server.url }));
    for (const u of users) {
      const client = new ChatClient({
        serverUrl: server.url,
        token: u.token,
        username: u.username,
        ackTimeoutMs: 1500,
        socketOptions: { reconnectionDelay: 50, reconnectionDelayMax: 200 },
      });
      clients.push(client);
      await client.start();
    }
    const sent: string[] = [];
    const acked = new Map<string, Message>();
    let sending = true;
    const loops = clients.map(async (client, i) => {
      let n = 0;
      while (sending) {
        const id = client.send(`client ${i} message ${n++}`);
        if (id) sent.push(id);
        await new Promise((r) => setTimeout(r, SEND_EVERY_MS));
      }
    });
    for (const client of clients) {
      client.subscribe((state) => {
        for (const view of Object.values(state.rooms)) {
          for (const item of view.items) {
            if (item.kind === 'message' && item.message.client_id) {
              acked.set(item.message.client_id, item.message);
            }
          }
        }
      });
    }
    for (let crash = 0; crash < CRASHES; crash++) {
      const before = acked.size;
      await until(() => acked.size >= before + 20, 20_000, 'messages flowing before a crash');
      await server.kill('SIGKILL');
      server = await startServerProcess(env, port, 'bundle');
    }
    await until(() => acked.size >= sent.length - CLIENTS * 4, 20_000, 'flow after last restart');
    sending = false;
    await Promise.all(loops);
    await until(
      () => clients.every((c) => c.getState().pending.length === 0),
      30_000,
      'every queued message acknowledged',
    );

    // Every message, as the server has it now.
    const reader = await newUser({ url: server.url });
    const stored: Message[] = [];
    for (let last = 0; ; ) {
      const r = await fetch(`${server.url}/messages?last_id=${last}&limit=500`, {
        headers: { authorization: `Bearer ${reader.token}` },
      });
      const page = ((await r.json()) as { messages: Message[] }).messages;
      if (page.length === 0) break;
      stored.push(...page);
      last = page.at(-1)?.id ?? last;
    }
    const ids = stored.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const byClientId = new Map<string, number>();
    for (const m of stored) {
      if (m.client_id) byClientId.set(m.client_id, (byClientId.get(m.client_id) ?? 0) + 1);
    }
    for (const id of sent) expect(byClientId.get(id), `client_id ${id}`).toBe(1);
    for (const [clientId, message] of acked) {
      expect(stored.find((m) => m.client_id === clientId)?.id).toBe(message.id);
    }
    // Each client's own view caught up: it holds every stored message of general exactly once.
    for (const client of clients) {
      await client.sync();
      const seen = (client.getState().rooms.general?.items ?? []).flatMap((i) =>
        i.kind === 'message' ? [i.message.id] : [],
      );
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(
        expect.arrayContaining(
          ids.filter((id) => stored.find((m) => m.id === id)?.room === 'general'),
        ),
      );
    }
  }, 120_000);
});
