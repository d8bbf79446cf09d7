import { afterEach, describe, expect, it } from 'vitest';
import { ChatClient } from '../src/client/chat-client.js';
import type { ChatState, PendingMessage } from '../src/client/chat-state.js';
import type { OutboxStore } from '../src/client/outbox-store.js';
import { newUser } from './helpers/clients.js';
import { startTestServer, type TestServer } from './helpers/server.js';

function until(client: ChatClient, test: (s: ChatState) => boolean, ms = 8000): Promise<ChatState> {
  return new Promise((resolve, reject) => {
    if (test(client.getState())) return resolve(client.getState());
    const timer = setTimeout(() => {
      off();
      reject(new Error('state never matched'));
    }, ms);
    const off = client.subscribe((s) => {
      if (!test(s)) return;
      clearTimeout(timer);
      off();
      resolve(s);
    });
  });
}

const contents = (s: ChatState, room = 'general') =>
  (s.rooms[room]?.items ?? []).flatMap((i) => (i.kind === 'message' ? [i.message.content] : []));

describe('shared chat client core', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  async function clientFor(server: TestServer) {
    const { username, token } = await newUser(server);
    const client = new ChatClient({
      serverUrl: server.url,
      token,
      username,
      socketOptions: { reconnectionDelay: 100, reconnectionDelayMax: 300 },
    });
    cleanup.push(() => client.stop());
    await client.start();
    return client;
  }

  it('exchanges messages between two clients and counts unread in other rooms', async () => {
    const server = await startTestServer();
    cleanup.push(() => server.close());
    const alice = await clientFor(server);
    const bob = await clientFor(server);
    alice.send('hi bob');
    await until(bob, (s) => contents(s).includes('hi bob'));
    await until(alice, (s) => s.pending.length === 0 && contents(s).includes('hi bob'));
    expect(await bob.join('random')).toBeNull();
    expect(await alice.join('random')).toBeNull();
    await alice.switchTo('general');
    bob.send('in random');
    const s = await until(alice, (st) => contents(st, 'random').includes('in random'));
    expect(s.rooms.random?.unread).toBe(1);
  });

  it('shows the history and the people of a room it joins for the first time', async () => {
    const server = await startTestServer();
    cleanup.push(() => server.close());
    const alice = await clientFor(server);
    expect(await alice.join('lounge')).toBeNull();
    alice.send('first in the lounge', 'lounge');
    await until(alice, (s) => s.pending.length === 0 && contents(s, 'lounge').length === 1);
    const bob = await clientFor(server);
    expect(await bob.join('lounge')).toBeNull();
    const s = await until(bob, (st) => contents(st, 'lounge').includes('first in the lounge'));
    expect(s.current).toBe('lounge');
    await until(bob, (st) => (st.rooms.lounge?.users ?? []).length === 2);
  });

  it('sends a message typed while the server was down exactly once and catches up after restart', async () => {
    const server = await startTestServer();
    const dir = server.dir;
    const alice = await clientFor(server);
    const bob = await clientFor(server);
    await server.stop();
    await until(alice, (s) => s.status === 'reconnecting');
    alice.send('typed while offline');
    const again = await startTestServer({ dir, listen: false });
    await again.app.http.listen({ port: Number(new URL(server.url).port), host: '127.0.0.1' });
    cleanup.push(() => again.close());
    await until(bob, (s) => contents(s).includes('typed while offline'), 15_000);
    await until(alice, (s) => s.status === 'connected' && s.pending.length === 0, 15_000);
    const stored = await again.store.messages.roomHistory('general', undefined, 100);
    expect(stored.filter((m) => m.content === 'typed while offline')).toHaveLength(1);
    expect(contents(bob.getState()).filter((c) => c === 'typed while offline')).toHaveLength(1);
  });

  it('keeps its outbox in the store it is given: a message typed offline is sent once by the next client', async () => {
    const server = await startTestServer();
    const dir = server.dir;
    const port = Number(new URL(server.url).port);
    const { username, token } = await newUser(server);
    // What the web client keeps in Web Storage: here, a string.
    let stored: string | null = null;
    const outbox: OutboxStore = {
      load: () => (stored === null ? [] : (JSON.parse(stored) as PendingMessage[])),
      save: (pending) => {
        stored = JSON.stringify(pending);
      },
    };
    const options = {
      serverUrl: server.url,
      token,
      username,
      outbox,
      socketOptions: { reconnectionDelay: 100, reconnectionDelayMax: 300 },
    };
    const first = new ChatClient(options);
    await first.start();
    await server.stop();
    await until(first, (s) => s.status === 'reconnecting');
    first.send('typed, then the tab closed');
    first.stop();
    expect(JSON.parse(stored ?? '[]')).toHaveLength(1);

    const again = await startTestServer({ dir, listen: false });
    await again.app.http.listen({ port, host: '127.0.0.1' });
    cleanup.push(() => again.close());
    const second = new ChatClient(options);
    cleanup.push(() => second.stop());
    expect(second.getState().pending.map((p) => p.content)).toEqual(['typed, then the tab closed']);
    await second.start();
    await until(
      second,
      (s) => s.pending.length === 0 && contents(s).includes('typed, then the tab closed'),
    );
    expect(stored).toBe('[]');
    const history = await again.store.messages.roomHistory('general', undefined, 100);
    expect(history.filter((m) => m.content === 'typed, then the tab closed')).toHaveLength(1);
  });
});
