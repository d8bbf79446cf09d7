import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, newUser, PASSWORD } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { Tmux } from '../helpers/tmux.js';
import { clientCommand, REPO, spawnClient } from './terminal-client.js';

const LINE = /^\[\d\d:\d\d\] [^:]+: .*$/;

describe('terminal client: piped (non-interactive) mode', { timeout: 120_000 }, () => {
  const tmux = new Tmux();
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await tmux.kill();
    await server?.close();
  });

  async function generalContents(token: string): Promise<string[]> {
    const r = await api(server, 'GET', '/rooms/general/messages?limit=100', undefined, token);
    return (r.body.messages as { content: string }[]).map((m) => m.content);
  }

  it('sends each line of a pipe as a message, in order, and exits 0 once delivered', async () => {
    const bot = await newUser(server);
    const env = { CHATROOM_USERNAME: bot.username, CHATROOM_PASSWORD: PASSWORD };
    const client = clientCommand(['--server', server.url], env);
    const pane = await tmux.open(`printf 'first line\\n\\nsecond line\\n' | ${client}`, {
      cwd: REPO,
    });
    expect(await pane.waitForExit()).toBe(0);
    const output = await pane.transcript();
    expect(output).toMatch(new RegExp(`\\[\\d\\d:\\d\\d\\] ${bot.username}: first line`));
    expect(output).toMatch(new RegExp(`\\[\\d\\d:\\d\\d\\] ${bot.username}: second line`));
    const contents = await generalContents(bot.token);
    expect(contents.filter((c) => c === 'first line' || c === 'second line')).toEqual([
      'first line',
      'second line',
    ]);
    expect(contents).not.toContain('');
  });

  it('prints incoming messages as plain lines while its input is open', async () => {
    const [listener, talker] = await Promise.all([newUser(server), newUser(server)]);
    const run = spawnClient(['--server', server.url], {
      keepOpen: true,
      env: { CHATROOM_USERNAME: listener.username, CHATROOM_PASSWORD: PASSWORD },
    });
    // Online once its socket joined; then a message from someone else reaches it.
    for (let i = 0; ; i++) {
      const online = await api(server, 'GET', '/online', undefined, talker.token);
      if ((online.body.users as string[]).includes(listener.username)) break;
      if (i > 300) throw new Error('the piped client never came online');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await api(
      server,
      'POST',
      '/send',
      { recipient: 'general', content: 'hi | pipes' },
      talker.token,
    );
    for (let i = 0; !run.output().includes('hi | pipes'); i++) {
      if (i > 300) throw new Error(`no output: ${run.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    run.write('answer\n');
    run.end();
    const result = await run.done;
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines.filter((l) => l.endsWith(`] ${talker.username}: hi | pipes`))).toHaveLength(1);
    for (const line of lines) expect(line).toMatch(LINE);
    expect(lines.at(-1)).toMatch(new RegExp(`${listener.username}: answer$`));
    expect(result.stdout).not.toContain('\u001B'); // plain text, no escape sequences
  });

  it('explains the missing credentials and exits non-zero', async () => {
    const result = await spawnClient(['--server', server.url], { input: 'hello\n' }).done;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('CHATROOM_USERNAME');
    expect(result.stderr).toContain('CHATROOM_PASSWORD');
    const wrong = await spawnClient(['--server', server.url], {
      input: 'hello\n',
      env: { CHATROOM_USERNAME: 'nobody_here', CHATROOM_PASSWORD: 'wrong-password' },
    }).done;
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('Invalid username or password');
  });
});
