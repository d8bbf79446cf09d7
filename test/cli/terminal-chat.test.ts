import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, newUser, PASSWORD } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { type Pane, Tmux } from '../helpers/tmux.js';
import { inputRow, loginViaMenu, occurrences, openClient } from './terminal-client.js';

/**
 * Two people chatting in real terminals (tmux, 80x24), each running `tsx src/cli/main.tsx`
 * against a real server. One pair of clients goes through every step, in order.
 */
describe('terminal client: two people chatting', { timeout: 120_000 }, () => {
  const tmux = new Tmux();
  let server: TestServer;
  let alice: { username: string; pane: Pane };
  let bob: { username: string; pane: Pane };

  beforeAll(async () => {
    server = await startTestServer();
    const [a, b] = await Promise.all([newUser(server), newUser(server)]);
    const [paneA, paneB] = await Promise.all([
      openClient(tmux, server.url),
      openClient(tmux, server.url),
    ]);
    await Promise.all([
      loginViaMenu(paneA, a.username, PASSWORD),
      loginViaMenu(paneB, b.username, PASSWORD),
    ]);
    alice = { username: a.username, pane: paneA };
    bob = { username: b.username, pane: paneB };
  });
  afterAll(async () => {
    await tmux.kill();
    await server?.close();
  });

  it('exchanges messages both ways, with time and sender', async () => {
    await alice.pane.typeLine('hello from alice');
    await bob.pane.waitForScreen(
      new RegExp(`\\[\\d\\d:\\d\\d\\] <${alice.username}> hello from alice`),
    );
    await bob.pane.typeLine('hi alice, bob here');
    const screen = await alice.pane.waitForScreen(`<${bob.username}> hi alice, bob here`);
    expect(screen).toContain(`<${alice.username}> hello from alice`);
    expect(inputRow(screen)).toBe('[#general]');
  });

  it('keeps a half-typed line intact while a message arrives, and sends it whole', async () => {
    await bob.pane.sendText('half way through my ');
    await alice.pane.waitForScreen(`${bob.username} is typing...`);
    await alice.pane.typeLine('interrupting you');
    const screen = await bob.pane.waitForScreen(`<${alice.username}> interrupting you`);
    expect(inputRow(screen)).toBe('[#general] half way through my');
    expect(await bob.pane.cursor()).toEqual({ x: '[#general] half way through my '.length, y: 22 });
    await bob.pane.typeLine('sentence');
    await alice.pane.waitForScreen(`<${bob.username}> half way through my sentence`);
    const after = await bob.pane.waitForScreen(`<${bob.username}> half way through my sentence`);
    expect(inputRow(after)).toBe('[#general]');
  });

  it('refuses unknown commands and empty messages without sending anything', async () => {
    await alice.pane.typeLine('/frobnicate now');
    await alice.pane.waitForScreen('[System] Unknown command: /frobnicate');
    await alice.pane.typeLine('   ');
    await alice.pane.waitForScreen('[System] Message cannot be empty');
    await alice.pane.typeLine('after the refusals');
    const screen = await bob.pane.waitForScreen(`<${alice.username}> after the refusals`);
    expect(screen).not.toContain('frobnicate');
  });

  it('/users lists who is online', async () => {
    await alice.pane.typeLine('/users');
    const names = [alice.username, bob.username].sort((x, y) =>
      x.toLowerCase().localeCompare(y.toLowerCase()),
    );
    await alice.pane.waitForScreen(`[System] Online (2): ${names.join(', ')}`);
  });

  it('/msg sends a direct message; the other side sees it as unread, then reads it', async () => {
    await alice.pane.typeLine(`/msg ${bob.username} just between us`);
    const own = await alice.pane.waitForScreen(`<${alice.username}> just between us`);
    expect(inputRow(own)).toBe(`[@${bob.username}]`);
    await bob.pane.waitForScreen(`Act: @${alice.username}(1)`);
    await bob.pane.typeLine('/rooms');
    await bob.pane.waitForScreen(new RegExp(`\\d\\. @${alice.username} \\(direct\\), 1 unread`));
    await bob.pane.typeLine(`/switch @${alice.username}`);
    const dm = await bob.pane.waitForScreen(`<${alice.username}> just between us`);
    expect(inputRow(dm)).toBe(`[@${alice.username}]`);
    expect(dm).not.toContain('hello from alice'); // another room
    await bob.pane.typeLine('got it');
    await alice.pane.waitForScreen(`<${bob.username}> got it`);
  });

  it('/join switches to a public room, shows its history, and both then talk', async () => {
    const carol = await newUser(server);
    await api(server, 'POST', '/join_room', { room: 'lobby' }, carol.token);
    await api(
      server,
      'POST',
      '/send',
      { recipient: 'lobby', content: 'lobby history' },
      carol.token,
    );
    await alice.pane.typeLine('/join lobby');
    await alice.pane.waitForScreen((s) => inputRow(s) === '[#lobby]');
    await alice.pane.waitForScreen(`<${carol.username}> lobby history`);
    await bob.pane.typeLine('/join lobby');
    await bob.pane.waitForScreen((s) => inputRow(s) === '[#lobby]');
    await alice.pane.waitForScreen(`${bob.username} joined lobby`);
    await bob.pane.typeLine('in the lobby now');
    const screen = await alice.pane.waitForScreen(`<${bob.username}> in the lobby now`);
    expect(occurrences(screen, 'in the lobby now')).toBe(1);
    expect(screen).not.toContain('hello from alice');
  });

  it('/history and PageUp page back through older messages; PageDown and Esc return', async () => {
    const poster = await newUser(server);
    await api(server, 'POST', '/join_room', { room: 'archive' }, poster.token);
    for (let i = 1; i <= 130; i++) {
      const body = { recipient: 'archive', content: `archive message ${i}` };
      await api(server, 'POST', '/send', body, poster.token);
    }
    const pane = bob.pane;
    await pane.typeLine('/join archive');
    const joined = await pane.waitForScreen(/archive message 130$/m);
    expect(joined).not.toMatch(/archive message 80$/m);

    // The join brought the last 100 messages: /history first pages up through them.
    await pane.typeLine('/history');
    const older = await pane.waitForScreen(
      (s) => !/archive message 130$/m.test(s) && /-MORE\(\d+\)-/.test(s),
    );
    expect(older).toMatch(/archive message \d+$/m);

    // PageUp at the top fetches the next older page; page up to the top of the buffer.
    await pane.waitForScreen(async (s) => {
      if (/archive message 1$/m.test(s)) return true;
      await pane.sendKeys('PageUp');
      return false;
    });

    await pane.sendKeys('PageDown');
    const down = await pane.waitForScreen((s) => !/archive message 1$/m.test(s));
    expect(down).toMatch(/-MORE\(\d+\)-/);
    await pane.sendKeys('Escape');
    const end = await pane.waitForScreen(/archive message 130$/m);
    expect(end).not.toContain('-MORE(');
    expect(inputRow(end)).toBe('[#archive]');
  });

  it('Ctrl+C leaves cleanly: the other side sees the leave, the client exits 0', async () => {
    await bob.pane.typeLine('/switch general');
    await bob.pane.waitForScreen((s) => inputRow(s) === '[#general]');
    await alice.pane.sendKeys('C-c');
    await bob.pane.waitForScreen(new RegExp(`-!- ${alice.username} left general`));
    expect(await alice.pane.waitForExit()).toBe(0);
  });
});
