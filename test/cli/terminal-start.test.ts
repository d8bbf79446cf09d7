import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, newUser, PASSWORD, uniqueName } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { Tmux } from '../helpers/tmux.js';
import {
  clientCommand,
  freePort,
  inputRow,
  openClient,
  REPO,
  spawnClient,
} from './terminal-client.js';

/** A colour or style escape sequence (SGR). */
const SGR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`);

describe('terminal client: start, menu and login', { timeout: 120_000 }, () => {
  const tmux = new Tmux();
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await tmux.kill();
    await server?.close();
  });

  it('prints --help and --version', async () => {
    const help = await spawnClient(['--help']).done;
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: chatroom');
    expect(help.stdout).toContain('--server <url>');
    expect(help.stdout).toContain('SERVER_URL');
    const version = await spawnClient(['--version']).done;
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    // The installed command (bin/chatroom.js registers tsx itself).
    const bin = await promisify(execFile)(process.execPath, ['bin/chatroom.js', '--version'], {
      cwd: REPO,
    });
    expect(bin.stdout.trim()).toBe(version.stdout.trim());
  });

  it('says the server cannot be reached, with what to check, and exits non-zero', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const piped = await spawnClient(['--server', url], {
      input: 'hello\n',
      env: { CHATROOM_USERNAME: 'nobody', CHATROOM_PASSWORD: PASSWORD },
    }).done;
    expect(piped.code).not.toBe(0);
    expect(piped.stderr).toContain(`Cannot connect to server at ${url}`);
    expect(piped.stderr).toContain('SERVER_URL');
    expect(piped.stderr).not.toMatch(/\n\s+at /); // no stack trace

    // In a terminal too (SERVER_URL instead of --server).
    const pane = await tmux.open(`${clientCommand([], { SERVER_URL: url })}`, { cwd: REPO });
    const screen = await pane.waitForOutput('Cannot connect to server at');
    expect(screen).toContain(`Cannot connect to server at ${url}`);
    expect(screen).toContain('is running');
    expect(screen).not.toMatch(/\n\s+at /);
    expect(await pane.waitForExit()).not.toBe(0);
  });

  it('registers through the menu (server errors shown, try again), then logs in', async () => {
    const taken = await newUser(server);
    await api(
      server,
      'POST',
      '/send',
      { recipient: 'general', content: 'earlier message' },
      taken.token,
    );
    const name = uniqueName('menu');
    const pane = await openClient(tmux, server.url);

    await pane.sendText('1');
    await pane.waitForScreen('Register a new account');
    await pane.typeLine(taken.username);
    await pane.waitForScreen('Password:');
    await pane.sendText('secret-password');
    const hidden = await pane.waitForScreen('***************');
    expect(hidden).not.toContain('secret-password');
    await pane.sendKeys('Enter');
    await pane.waitForScreen('Username already exists');

    await pane.typeLine(name);
    await pane.typeLine('short');
    await pane.waitForScreen('Password must be 8-128 characters');

    await pane.typeLine(name);
    await pane.typeLine(PASSWORD);
    await pane.waitForScreen(`Account ${name} created`);
    expect(await pane.screen()).toContain('Choose 1, 2 or 3');

    await pane.sendText('2');
    await pane.waitForScreen('Log in to');
    await pane.typeLine(name);
    await pane.typeLine('wrong-password');
    await pane.waitForScreen('Invalid username or password');

    // The form starts over: the second try logs in.
    await pane.typeLine(name);
    await pane.typeLine(PASSWORD);
    const chat = await pane.waitForScreen(`[${name}] [#general] [connected]`);
    // Recent history, with HH:MM timestamps and the sender.
    expect(chat).toMatch(/\[\d\d:\d\d\] <[^>]+> earlier message/);
    expect(chat).toContain(`Chatroom: #general`);
    expect(inputRow(chat)).toBe('[#general]');
    expect(await pane.cursor()).toEqual({ x: 11, y: 22 });

    await pane.typeLine('/exit');
    expect(await pane.waitForExit()).toBe(0);
  });

  it('uses colours on a terminal, and none with NO_COLOR', async () => {
    const colored = await openClient(tmux, server.url);
    expect(await colored.screen({ escapes: true })).toMatch(SGR);
    const plain = await tmux.open(clientCommand(['--server', server.url], { NO_COLOR: '1' }), {
      cwd: REPO,
    });
    await plain.waitForScreen('Choose 1, 2 or 3');
    expect(await plain.screen({ escapes: true })).not.toMatch(SGR);
  });
});
