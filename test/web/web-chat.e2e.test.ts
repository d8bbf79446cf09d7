import { writeFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild, launchBrowser } from '../helpers/browser.js';
import { api, newUser, PASSWORD, uniqueName } from '../helpers/clients.js';
import { inject } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ChatPage } from './chat-page.js';

// Generous limits: these drive a real browser and server, on machines that may be busy.
describe('web client in Chromium', { timeout: 60_000 }, () => {
  let browser: Browser;
  let server: TestServer;
  let webRoot: string;
  const open: ChatPage[] = [];
  const cleanup: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    webRoot = await ensureWebBuild();
    browser = await launchBrowser();
    server = await startTestServer({ config: { webRoot } });
  });

  afterEach(async () => {
    const pages = open.splice(0);
    for (const p of pages) {
      expect(p.watch.dialogs, 'no dialog ever opens').toEqual([]);
      expect(p.watch.problems, 'no page errors or CSP violations').toEqual([]);
    }
    await Promise.all(pages.map((p) => p.close()));
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function person(
    url = server.url,
    options = {},
    prepare?: Parameters<typeof ChatPage.open>[3],
  ): Promise<ChatPage> {
    const p = await ChatPage.open(browser, url, options, prepare);
    open.push(p);
    return p;
  }

  it('two people chat in real time in general, see each other typing and online', async () => {
    const alice = await person();
    const bob = await person();
    const a = uniqueName('alice');
    const b = uniqueName('bob');
    await alice.register(a);
    await bob.register(b);
    await expect(alice.title().textContent()).resolves.toBe('#general');

    // Online in the current room, both ways.
    await alice.person(b).waitFor();
    await bob.person(a).waitFor();

    // Typing shows up for the other one, and goes away when the message arrives.
    await alice.page.locator('#composer-input').pressSequentially('hello ');
    await bob.typing().getByText(`${a} is typing…`).waitFor();
    await alice.page.locator('#composer-input').pressSequentially('bob');
    await alice.page.locator('#composer-input').press('Enter');
    await bob.message('hello bob').waitFor();
    await bob.page.waitForFunction(() => document.querySelector('.typing')?.textContent === '');
    await expect(alice.page.locator('#composer-input').inputValue()).resolves.toBe('');

    await bob.send('hi alice\nsecond line');
    await alice.message('hi alice\nsecond line').waitFor();
    const row = alice.log().locator('.msg.first', { hasText: 'hi alice' });
    await expect(row.locator('.msg-author').textContent()).resolves.toBe(b);
    await expect(row.locator('time').getAttribute('datetime')).resolves.toMatch(/^\d{4}-/);
    await expect(alice.log().locator('.day').first().textContent()).resolves.toBe('Today');
    // Shift+Enter makes a new line; a blank message is refused.
    const box = alice.page.locator('#composer-input');
    await box.fill('   ');
    await box.press('Enter');
    await expect(box.inputValue()).resolves.toBe('   ');
    await expect(alice.page.locator('.composer .send').isDisabled()).resolves.toBe(true);
    await box.fill('');
    await box.pressSequentially('one');
    await box.press('Shift+Enter');
    await box.pressSequentially('two');
    await expect(box.inputValue()).resolves.toBe('one\ntwo');
    await box.press('Enter');
    await bob.message('one\ntwo').waitFor();

    expect((await alice.messageTexts()).filter((t) => t === 'hello bob')).toHaveLength(1);
    expect((await bob.messageTexts()).filter((t) => t === 'hello bob')).toHaveLength(1);
  });

  it('opens a direct message from the people list, with unread counts', async () => {
    const alice = await person();
    const bob = await person();
    const a = uniqueName('alice');
    const b = uniqueName('bob');
    await alice.register(a);
    await bob.register(b);
    await alice.person(b).getByRole('button').click();
    await alice.title().getByText(`@${b}`).waitFor();
    await alice.send('psst, just you');

    const dm = bob.roomItemNamed(`@${a}`);
    await dm.locator('.badge').getByText('1').waitFor();
    await dm.click();
    await bob.title().getByText(`@${a}`).waitFor();
    await bob.message('psst, just you').waitFor();
    await dm.locator('.badge').waitFor({ state: 'detached' });
    await bob.send('got it');
    await alice.message('got it').waitFor();
    await expect(bob.page.locator('.room-sub').textContent()).resolves.toBe('Direct message');
  });

  it('creates a group with chosen participants and an optional name', async () => {
    const alice = await person();
    const bob = await person();
    const carol = await person();
    const [a, b, c] = [uniqueName('alice'), uniqueName('bob'), uniqueName('carol')];
    await alice.register(a);
    await bob.register(b);
    await carol.register(c);

    await alice.page.getByRole('button', { name: 'New group' }).first().click();
    const dialog = alice.page.getByRole('dialog', { name: 'New group' });
    await dialog.waitFor();
    await dialog.getByLabel('Group name (optional)').fill('Project X');
    await dialog.getByLabel('Find people').fill(b.slice(0, 8));
    await dialog.getByRole('checkbox', { name: b }).check();
    await dialog.getByLabel('Find people').fill('');
    await dialog.getByRole('checkbox', { name: c }).check();
    await dialog.getByRole('button', { name: 'Create group' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await alice.title().getByText('Project X').waitFor();

    await carol.roomItemNamed('Project X').click();
    await carol.title().getByText('Project X').waitFor();
    await expect(carol.page.locator('.room-sub').textContent()).resolves.toBe('Group · 3 members');
    await carol.send('hi team');
    await alice.message('hi team').waitFor();
    await bob.roomItemNamed('Project X').locator('.badge').getByText('1').waitFor();
    // Leaving the group: it disappears from the sidebar.
    await bob.roomItemNamed('Project X').click();
    await bob.page.getByRole('button', { name: 'Leave Project X' }).click();
    await bob.roomItemNamed('Project X').waitFor({ state: 'detached' });
    await bob.title().getByText('#general').waitFor();
    await alice.log().locator('.notice').getByText(`${b} left`, { exact: true }).waitFor();
  });

  it('joins and creates public rooms by name and leaves them', async () => {
    const alice = await person();
    await alice.register(uniqueName('alice'));
    const name = `Room-${Date.now().toString(36)}`;
    await alice.page.getByPlaceholder('Join or create a room').fill(name);
    await alice.page.getByRole('button', { name: 'Join', exact: true }).click();
    await alice.title().getByText(`#${name.toLowerCase()}`).waitFor();
    await expect(alice.roomItem(name.toLowerCase()).getAttribute('aria-current')).resolves.toBe(
      'page',
    );
    // general stays first in the sidebar.
    await expect(alice.page.locator('.room-item').first().getAttribute('data-room')).resolves.toBe(
      'general',
    );
    await alice.page.getByPlaceholder('Join or create a room').fill('room_1');
    await alice.page.getByRole('button', { name: 'Join', exact: true }).click();
    await alice.page.locator('#join-error').getByText(/./).waitFor();

    await alice.roomItem(name.toLowerCase()).click();
    await alice.page.getByRole('button', { name: `Leave #${name.toLowerCase()}` }).click();
    await alice.roomItem(name.toLowerCase()).waitFor({ state: 'detached' });
    await alice.title().getByText('#general').waitFor();
  });

  it('renders message text literally: markup in messages runs nothing', async () => {
    const alice = await person();
    const bob = await person();
    await alice.register(uniqueName('alice'));
    await bob.register(uniqueName('bob'));
    const payloads = [
      '<img src=x onerror=alert(1)>',
      '<script>alert(1)</script>',
      '<b onmouseover="alert(2)">bold?</b> & &amp; <a href="javascript:alert(3)">link</a>',
    ];
    for (const text of payloads) await alice.send(text);
    for (const text of payloads) {
      await bob.message(text).waitFor();
      await alice.message(text).waitFor();
    }
    await bob.message(payloads[2] as string).hover();
    for (const p of [alice, bob]) {
      const injected = await p
        .log()
        .evaluate(
          (log) =>
            log.querySelectorAll('.msg-text img, .msg-text script, .msg-text b, .msg-text a')
              .length,
        );
      expect(injected).toBe(0);
      expect(await p.messageTexts()).toEqual(expect.arrayContaining(payloads));
    }
    // afterEach asserts that no dialog opened on either page.
  });

  it('shows the server error messages on the sign-in page', async () => {
    const page = await person();
    const taken = uniqueName('taken');
    await api(server, 'POST', '/register', { username: taken, password: PASSWORD });

    await expect(
      page.page.locator('input[name="username"]').getAttribute('maxlength'),
    ).resolves.toBe('20');
    await expect(page.page.locator('input[name="password"]').getAttribute('type')).resolves.toBe(
      'password',
    );
    await page.page.getByRole('tab', { name: 'Register' }).click();
    await page.fillCredentials(taken, PASSWORD);
    await page.page.getByRole('button', { name: 'Create account' }).click();
    await page.formError().getByText('Username already exists', { exact: true }).waitFor();

    await page.fillCredentials(uniqueName('short'), 'short');
    await page.page.getByRole('button', { name: 'Create account' }).click();
    await page
      .formError()
      .getByText('Password must be 8-128 characters', { exact: true })
      .waitFor();

    await page.fillCredentials('bad name!', PASSWORD);
    await page.page.getByRole('button', { name: 'Create account' }).click();
    await page
      .formError()
      .getByText('Username must be 1-20 characters: letters, digits, _ . -', { exact: true })
      .waitFor();

    await page.page.getByRole('tab', { name: 'Log in' }).click();
    await page.fillCredentials(taken, 'wrong-password');
    await page.page.getByRole('button', { name: 'Log in', exact: true }).click();
    await page.formError().getByText('Invalid username or password', { exact: true }).waitFor();

    await page.fillCredentials('', '');
    await page.page.getByRole('button', { name: 'Log in', exact: true }).click();
    await page
      .formError()
      .getByText('Username and password are required', { exact: true })
      .waitFor();

    // And a successful login, kept across a reload (sessionStorage), then logging out.
    await page.login(taken);
    await page.page.reload();
    await page.waitForChat();
    // An outbox left beside the session (a message never sent) goes with it on logout.
    const outboxKey = `chatroom.outbox.${taken}`;
    await page.page.evaluate((key) => {
      const waiting = { clientId: 'c1', room: 'general', content: 'unsent', createdAt: '' };
      sessionStorage.setItem(key, JSON.stringify([waiting]));
    }, outboxKey);
    await page.page.getByRole('button', { name: 'Log out' }).click();
    await page.page.getByRole('tab', { name: 'Log in' }).waitFor();
    const stored = await page.page.evaluate(
      (key) => [sessionStorage.getItem('chatroom.session'), sessionStorage.getItem(key)],
      outboxKey,
    );
    expect(stored).toEqual([null, null]);

    // "Remember me" keeps the session in localStorage instead (and logout removes it).
    await page.page.getByLabel('Remember me on this device').check();
    await page.login(taken);
    const kept = await page.page.evaluate(() => ({
      local: localStorage.getItem('chatroom.session'),
      session: sessionStorage.getItem('chatroom.session'),
    }));
    expect(JSON.parse(kept.local ?? '{}')).toMatchObject({ username: taken });
    expect(kept.session).toBeNull();
    await page.page.getByRole('button', { name: 'Log out' }).click();
    await page.page.getByRole('tab', { name: 'Log in' }).waitFor();
    expect(await page.page.evaluate(() => localStorage.getItem('chatroom.session'))).toBeNull();
  });

  it('sends a refused (expired or revoked) session back to the sign-in page, and what it left unsent with the next sign-in', async () => {
    const { username, token } = await newUser(server);
    await api(server, 'POST', '/logout', undefined, token);
    // The session, and a message typed during it that the server never got (the outbox).
    const content = `left unsent ${Date.now().toString(36)}`;
    const waiting = {
      clientId: `e2e-${Date.now().toString(36)}-unsent`,
      room: 'general',
      content,
      createdAt: new Date().toISOString(),
    };
    const outboxKey = `chatroom.outbox.${username}`;
    const p = await person(server.url, {}, (context) =>
      context.addInitScript(
        ({ value, key, outbox }) => {
          if (!sessionStorage.getItem('seen')) {
            sessionStorage.setItem('seen', '1');
            sessionStorage.setItem('chatroom.session', value);
            sessionStorage.setItem(key, outbox);
          }
        },
        {
          value: JSON.stringify({ token, username }),
          key: outboxKey,
          outbox: JSON.stringify([waiting]),
        },
      ),
    );
    await p.page
      .getByText(
        `Your session has ended. Please log in again. Log in as ${username} to send the 1 message still waiting.`,
      )
      .waitFor();
    await p.page.getByRole('tab', { name: 'Log in' }).waitFor();
    expect(await p.page.evaluate(() => sessionStorage.getItem('chatroom.session'))).toBeNull();

    // Logging in again sends it, once.
    await p.login(username);
    await p.message(content).waitFor();
    await p.log().locator('.msg.pending').waitFor({ state: 'detached' });
    const stored = await server.store.messages.roomHistory('general', undefined, 100);
    expect(stored.filter((m) => m.content === content)).toHaveLength(1);
    expect(await p.page.evaluate((key) => sessionStorage.getItem(key), outboxKey)).toBeNull();
  });

  it('loads older history when scrolled to the top, each message once', async () => {
    const { username, token } = await newUser(server);
    const room = `history-${Date.now().toString(36)}`;
    await api(server, 'POST', '/join_room', { room }, token);
    for (let i = 1; i <= 130; i++) {
      const sent = await api(
        server,
        'POST',
        '/send',
        { recipient: room, content: `old ${i}` },
        token,
      );
      expect(sent.status).toBe(201);
    }
    const page = await person();
    await page.login(username);
    await page.roomItem(room).click();
    await page.message('old 130').waitFor();
    await expect(page.message('old 1').count()).resolves.toBe(0);

    // Scroll to the top until the first message is there (history comes in pages).
    await page.page.waitForFunction(() => {
      const log = document.querySelector('[role="log"]');
      if (log) log.scrollTop = 0;
      return [...document.querySelectorAll('.msg-text')].some((m) => m.textContent === 'old 1');
    });
    await page.log().getByText('This is the beginning of', { exact: false }).waitFor();
    const texts = (await page.messageTexts()).filter((t) => t.startsWith('old '));
    expect(texts).toEqual(Array.from({ length: 130 }, (_, i) => `old ${i + 1}`));
  });

  it('shows the announcement as a banner and updates it live', async () => {
    const alice = await person();
    await alice.register(uniqueName('alice'));
    writeFileSync(server.config.announcementFile, 'Maintenance tonight at 22:00');
    const banner = alice.page.locator('.announcement');
    await banner.getByText('Maintenance tonight at 22:00').waitFor();
    writeFileSync(server.config.announcementFile, 'Maintenance moved to <b>Friday</b>');
    await banner.getByText('Maintenance moved to <b>Friday</b>', { exact: true }).waitFor();
    writeFileSync(server.config.announcementFile, '');
    await banner.waitFor({ state: 'detached' });
  });

  it('reconnects after a server restart and shows messages sent meanwhile exactly once', async () => {
    const first = await startTestServer({ config: { webRoot } });
    const port = Number(new URL(first.url).port);
    let again: TestServer | undefined;
    cleanup.push(async () => {
      await first.close();
      await again?.close();
    });
    const alice = await person(first.url);
    const bob = await person(first.url);
    await alice.register(uniqueName('alice'));
    await bob.register(uniqueName('bob'));
    const carol = await newUser(first);
    await alice.send('before the restart');
    await bob.message('before the restart').waitFor();
    // The app shell cached by the service worker, so the page reloads with the server down.
    await alice.page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });

    await first.stop();
    await alice.status('reconnecting').waitFor();
    await bob.status('reconnecting').waitFor();
    await alice.page.locator('.banner.warn').waitFor();
    // Typed while the server is down: stays in the outbox until the connection is back.
    await alice.send('typed while offline');
    await alice.log().locator('.msg.pending').getByText('Waiting for connection…').waitFor();
    // Reloaded while still offline: the outbox is kept with the session, not lost with the
    // page (the rooms come with the connection; until then the page says what is waiting).
    await alice.page.reload();
    await alice.page.getByText('1 message waiting to be sent').waitFor();

    // Back on the same SQLite file and port; carol posts before the pages get back in.
    again = await startTestServer({ dir: first.dir, listen: false, config: { webRoot } });
    for (const content of ['missed one', 'missed two']) {
      const r = await inject(again, 'POST', '/send', {
        body: { recipient: 'general', content },
        token: carol.token,
      });
      expect(r.status).toBe(201);
    }
    await again.app.http.listen({ port, host: '127.0.0.1' });

    for (const p of [alice, bob]) {
      await p.status('connected').waitFor({ timeout: 20_000 });
      await p.message('missed two').waitFor();
      await p.message('typed while offline').waitFor();
    }
    await alice.log().locator('.msg.pending').waitFor({ state: 'detached' });
    await bob.send('after the restart');
    await alice.message('after the restart').waitFor();
    for (const p of [alice, bob]) {
      const texts = await p.messageTexts();
      for (const t of ['before the restart', 'missed one', 'missed two', 'typed while offline']) {
        expect(
          texts.filter((x) => x === t),
          `${t} once`,
        ).toHaveLength(1);
      }
      expect(texts.indexOf('missed one')).toBeLessThan(texts.indexOf('missed two'));
    }
    const stored = await again.store.messages.roomHistory('general', undefined, 100);
    expect(stored.filter((m) => m.content === 'typed while offline')).toHaveLength(1);
  }, 90_000);
});
