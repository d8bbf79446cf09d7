import { afterAll, describe, expect, it } from 'vitest';
import { newUser, PASSWORD } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { Tmux } from '../helpers/tmux.js';
import { inputRow, loginViaMenu, occurrences, openClient } from './terminal-client.js';

describe('terminal client: the server restarts', { timeout: 120_000 }, () => {
  const tmux = new Tmux();
  const servers: TestServer[] = [];
  afterAll(async () => {
    await tmux.kill();
    for (const server of servers.reverse()) await server.close().catch(() => undefined);
  });

  it('both clients reconnect, catch up without duplicates, and send what was typed offline once', async () => {
    const server = await startTestServer();
    servers.push(server);
    const port = Number(new URL(server.url).port);
    const [a, b, carol] = await Promise.all([newUser(server), newUser(server), newUser(server)]);
    const [alice, bob] = await Promise.all([
      openClient(tmux, server.url),
      openClient(tmux, server.url),
    ]);
    await Promise.all([
      loginViaMenu(alice, a.username, PASSWORD),
      loginViaMenu(bob, b.username, PASSWORD),
    ]);
    await alice.typeLine('before the outage');
    await bob.waitForScreen(`<${a.username}> before the outage`);

    await server.stop();
    for (const pane of [alice, bob]) {
      const screen = await pane.waitForScreen('[System] Disconnected from server');
      expect(screen).toContain('[reconnecting...]');
    }
    await alice.typeLine('typed while offline');
    await alice.waitForScreen(`<${a.username}> typed while offline (sending...)`);

    // Same SQLite file, same port. Carol posts before anyone is back.
    const again = await startTestServer({ dir: server.dir, listen: false });
    servers.push(again);
    const posted = await again.app.http.inject({
      method: 'POST',
      url: '/send',
      headers: { authorization: `Bearer ${carol.token}` },
      payload: { recipient: 'general', content: 'sent during the outage' },
    });
    expect(posted.statusCode).toBe(201);
    await again.app.http.listen({ port, host: '127.0.0.1' });

    for (const pane of [alice, bob]) {
      await pane.waitForScreen('[System] Reconnected', 30_000);
      await pane.waitForScreen(`<${carol.username}> sent during the outage`);
    }
    const bobScreen = await bob.waitForScreen(`<${a.username}> typed while offline`);
    const aliceScreen = await alice.waitForScreen(
      (s) => s.includes(`<${a.username}> typed while offline`) && !s.includes('(sending...)'),
    );
    for (const screen of [aliceScreen, bobScreen]) {
      expect(occurrences(screen, 'typed while offline')).toBe(1);
      expect(occurrences(screen, 'sent during the outage')).toBe(1);
      expect(occurrences(screen, 'before the outage')).toBe(1);
      expect(screen).toContain('[connected]');
      expect(inputRow(screen)).toBe('[#general]');
    }
    const stored = await again.store.messages.roomHistory('general', undefined, 100);
    expect(stored.filter((m) => m.content === 'typed while offline')).toHaveLength(1);
  });
});
