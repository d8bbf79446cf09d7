import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild, launchBrowser, SCREENSHOTS } from '../helpers/browser.js';
import { api, newUser } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ChatPage } from './chat-page.js';

const PHONE = {
  viewport: { width: 360, height: 740 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};

function noHorizontalScroll(page: Page) {
  return page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
    bodyScrollWidth: document.body.scrollWidth,
  }));
}

/** Milliseconds from navigation start to a performance mark the app sets. */
function markTime(page: Page, name: string): Promise<number> {
  return page
    .waitForFunction((mark) => performance.getEntriesByName(mark)[0]?.startTime, name)
    .then((handle) => handle.jsonValue() as Promise<number>);
}

describe('web client layout, PWA and screenshots', { timeout: 60_000 }, () => {
  let browser: Browser;
  let server: TestServer;
  const open: ChatPage[] = [];
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    const webRoot = await ensureWebBuild();
    browser = await launchBrowser();
    server = await startTestServer({ config: { webRoot } });
    // The people and the conversation every test here can use (the screenshots show them).
    for (const name of ['alice', 'bob', 'carol'])
      tokens[name] = (await newUser(server, name)).token;
    for (const [name, room] of [
      ['alice', 'releases'],
      ['bob', 'releases'],
      ['alice', 'random'],
    ] as const) {
      await api(server, 'POST', '/join_room', { room }, tokens[name]);
    }
    const say = (name: string, content: string, recipient = 'general') =>
      api(server, 'POST', '/send', { recipient, content }, tokens[name]);
    await say('bob', 'Anyone around to review the migration PR before the release?');
    await say('alice', 'On it. Two small comments, looks good otherwise.');
    await say('bob', 'Thanks! Fixed and merged.');
    await say('alice', 'Morning all! The 1.4 release went out an hour ago.');
    await say('bob', 'Nice work. The new web client feels really fast.');
    await say('carol', 'Agreed, and it works great on my phone too.');
    await say('carol', 'Reconnects on its own after the wifi drops, without losing anything.');
    await say('alice', 'Lunch at 12:30 to celebrate?');
    await say('bob', 'Count me in');
    await say('bob', 'Release notes: faster history paging, PWA install, dark mode.', 'releases');
  });

  afterEach(async () => {
    const pages = open.splice(0);
    for (const p of pages) {
      expect(p.watch.dialogs).toEqual([]);
      expect(p.watch.problems).toEqual([]);
    }
    await Promise.all(pages.map((p) => p.close()));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function person(options = {}): Promise<ChatPage> {
    const p = await ChatPage.open(browser, server.url, options);
    open.push(p);
    return p;
  }

  it('desktop: a conversation worth a screenshot, light and dark', async () => {
    writeFileSync(
      server.config.announcementFile,
      'Welcome to Chatroom! Release 1.4 is out: see #releases for the notes.',
    );
    const alice = await person();
    const bob = await person();
    const carol = await person();
    await bob.login('bob');
    await carol.login('carol');
    await alice.login('alice');

    // Live: a new group, a direct message, someone typing.
    await alice.page.getByRole('button', { name: 'New group' }).first().click();
    const dialog = alice.page.getByRole('dialog', { name: 'New group' });
    await dialog.getByLabel('Group name (optional)').fill('Design crew');
    await dialog.getByRole('checkbox', { name: 'bob' }).check();
    await dialog.getByRole('checkbox', { name: 'carol' }).check();
    await dialog.getByRole('button', { name: 'Create group' }).click();
    await alice.title().getByText('Design crew').waitFor();
    await alice.send('New mockups for the sidebar are up, feedback welcome.');
    await alice.roomItem('general').click();
    await alice.message('Count me in').waitFor();
    await bob.person('alice').getByRole('button').click();
    await bob.title().getByText('@alice').waitFor();
    await bob.send('Do you have a minute after lunch?');
    await alice.roomItemNamed('@bob').locator('.badge').waitFor();
    await carol.page.locator('#composer-input').pressSequentially('Sounds good, see');
    await alice.typing().getByText('carol is typing…').waitFor();
    await alice.page.mouse.move(0, 0);
    await alice.page.screenshot({ path: join(SCREENSHOTS, 'chat-desktop.png') });

    const dark = await person({ colorScheme: 'dark' });
    await dark.login('alice');
    await dark.message('Count me in').waitFor();
    await dark.page.screenshot({ path: join(SCREENSHOTS, 'chat-desktop-dark.png') });
    const background = await dark.page.evaluate(
      () => getComputedStyle(document.querySelector('.room') as Element).backgroundColor,
    );
    expect(background).not.toBe('rgb(255, 255, 255)');
  });

  it('phone, 360 px wide: no horizontal scrolling, the sidebar behind the menu button', async () => {
    const phone = await person(PHONE);
    let size = await noHorizontalScroll(phone.page);
    expect(size.scrollWidth).toBeLessThanOrEqual(size.clientWidth);
    await phone.page.screenshot({ path: join(SCREENSHOTS, 'signin-mobile.png') });

    await phone.login('bob');
    await phone.message('Count me in').waitFor();
    await phone.send(
      'A long line without spaces: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    );
    await phone
      .message(/^A long line/ as unknown as string)
      .waitFor()
      .catch(() => undefined);
    const sidebar = phone.page.locator('#sidebar');
    await expect(sidebar.isVisible()).resolves.toBe(false);
    size = await noHorizontalScroll(phone.page);
    expect(size.scrollWidth).toBeLessThanOrEqual(size.clientWidth);
    expect(size.bodyScrollWidth).toBeLessThanOrEqual(size.clientWidth);
    await phone.page.screenshot({ path: join(SCREENSHOTS, 'chat-mobile.png') });

    const menu = phone.page.getByRole('button', { name: /^Rooms/ });
    await expect(menu.getAttribute('aria-expanded')).resolves.toBe('false');
    await menu.click();
    await expect(menu.getAttribute('aria-expanded')).resolves.toBe('true');
    await sidebar.waitFor({ state: 'visible' });
    await phone.page.waitForFunction(() => {
      const box = document.querySelector('#sidebar')?.getBoundingClientRect();
      return box !== undefined && box.left >= 0;
    });
    size = await noHorizontalScroll(phone.page);
    expect(size.scrollWidth).toBeLessThanOrEqual(size.clientWidth);
    await phone.page.screenshot({ path: join(SCREENSHOTS, 'chat-mobile-menu.png') });

    // Picking a room closes the drawer; Escape closes it too.
    await phone.roomItem('releases').click();
    await phone.title().getByText('#releases').waitFor();
    await sidebar.waitFor({ state: 'hidden' });
    await menu.click();
    await sidebar.waitFor({ state: 'visible' });
    await phone.page.keyboard.press('Escape');
    await sidebar.waitFor({ state: 'hidden' });

    // People sit behind their own button on a phone.
    const people = phone.page.getByRole('button', { name: /^People/ });
    await people.click();
    await phone.page.locator('#people').waitFor({ state: 'visible' });
    size = await noHorizontalScroll(phone.page);
    expect(size.scrollWidth).toBeLessThanOrEqual(size.clientWidth);
  });

  it('is usable from the keyboard alone', async () => {
    const page = await person();
    await page.page.getByRole('tab', { name: 'Log in' }).focus();
    await page.page.keyboard.press('ArrowRight');
    await expect(
      page.page.getByRole('tab', { name: 'Register' }).getAttribute('aria-selected'),
    ).resolves.toBe('true');
    await page.page.keyboard.press('ArrowLeft');
    await page.page.keyboard.press('Tab');
    await page.page.keyboard.type('carol');
    await page.page.keyboard.press('Tab');
    await page.page.keyboard.type('correct-horse-1');
    await page.page.keyboard.press('Enter');
    await page.waitForChat();
    // Join a room, write in it, and go back to general: Tab, type, Enter.
    expect(await tabUntil(page.page, '#join-room')).toBe(true);
    await page.page.keyboard.type('keyboard');
    await page.page.keyboard.press('Enter');
    await page.title().getByText('#keyboard').waitFor();
    expect(await tabUntil(page.page, '#composer-input')).toBe(true);
    await page.page.keyboard.type('sent from the keyboard');
    await page.page.keyboard.press('Enter');
    await page.message('sent from the keyboard').waitFor();
    expect(await tabUntil(page.page, '[data-room="general"]')).toBe(true);
    await page.page.keyboard.press('Enter');
    await page.title().getByText('#general').waitFor();
    await expect(page.log().getAttribute('aria-live')).resolves.toBe('polite');
  });

  it('is a PWA: manifest, icons, and a service worker caching only the app shell', async () => {
    const page = await person();
    // Served under the server's CSP, which must not send assets to https:// (that would break
    // the client over plain HTTP on a LAN address; loopback is exempt, so check the header).
    const shell = await page.page.request.get(server.url);
    const csp = shell.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    const manifest = await page.page.evaluate(async () => {
      const href = document.querySelector('link[rel="manifest"]')?.getAttribute('href') ?? '';
      return (await fetch(href)).json();
    });
    expect(manifest.start_url).toBe('/');
    expect(manifest.display).toBe('standalone');
    for (const icon of manifest.icons as { src: string; type: string }[]) {
      const response = await page.page.request.get(new URL(icon.src, server.url).toString());
      expect(response.status(), icon.src).toBe(200);
      expect(response.headers()['content-type']).toContain(icon.type);
    }
    await page.login('alice');
    await page.message('Count me in').waitFor();
    const cached = await page.page.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready;
      const names = await caches.keys();
      const paths: string[] = [];
      for (const name of names) {
        const cache = await caches.open(name);
        for (const request of await cache.keys()) paths.push(new URL(request.url).pathname);
      }
      return { active: registration.active?.scriptURL ?? '', names, paths };
    });
    expect(cached.active).toMatch(/\/sw\.js$/);
    expect(cached.paths).toEqual(expect.arrayContaining(['/', '/index.html']));
    expect(cached.paths.some((p) => /^\/assets\/.+\.js$/.test(p))).toBe(true);
    const api = cached.paths.filter(
      (p) => !/^\/(index\.html|assets\/.*|icons\/.*|icon\.svg|manifest\.webmanifest)?$/.test(p),
    );
    expect(api).toEqual([]);
  });

  it('measures time to interactive on localhost (reported, not asserted)', async () => {
    const { username, token } = await newUser(server);
    const runs = { signIn: [] as number[], coldChat: [] as number[], warmChat: [] as number[] };
    for (let i = 0; i < 5; i++) {
      // A first visit: fresh profile, nothing cached, no service worker yet.
      const visitor = await person();
      runs.signIn.push(await markTime(visitor.page, 'chatroom:signin-ready'));
      await visitor.close();
      // A returning user with a remembered session, still with a cold cache.
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      await context.addInitScript((value) => {
        localStorage.setItem('chatroom.session', value);
      }, JSON.stringify({ token, username }));
      const page = await context.newPage();
      await page.goto(server.url);
      runs.coldChat.push(await markTime(page, 'chatroom:ready'));
      // The same user again, the app shell now served by the service worker.
      await page.evaluate(() => navigator.serviceWorker.ready);
      await page.reload();
      runs.warmChat.push(await markTime(page, 'chatroom:ready'));
      await context.close();
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    console.log(
      `[web perf] median of 5 on localhost: sign-in page interactive ${median(runs.signIn).toFixed(0)} ms; ` +
        `chat connected, caught up and rendered ${median(runs.coldChat).toFixed(0)} ms (cold cache), ` +
        `${median(runs.warmChat).toFixed(0)} ms (service worker cache)`,
    );
    expect(runs.warmChat).toHaveLength(5);
  });
});

/** Presses Tab until the focused element matches `selector` (at most 60 times). */
async function tabUntil(page: Page, selector: string): Promise<boolean> {
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    const ok = await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector);
    if (ok) return true;
  }
  return false;
}
