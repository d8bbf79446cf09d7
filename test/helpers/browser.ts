import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The built web client (`npm run build` / `npx vite build`). */
export const WEB_ROOT = join(repo, 'dist/web');
/**
 * Where the screenshot tests write: `test-results/screenshots` (not tracked), or the README's
 * `docs/screenshots` when UPDATE_SCREENSHOTS=1, so a test run leaves the work tree clean.
 */
export const SCREENSHOTS =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? join(repo, 'docs/screenshots')
    : join(repo, 'test-results/screenshots');

/** Debian's chromium; never a downloaded browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** One headless Chromium; a test file launches one and reuses it (a context per user). */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: apt-get install -y chromium, or set CHROMIUM_PATH`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/**
 * Makes sure dist/web exists: `npm test` builds before vitest; a lone `vitest run` builds once
 * here (a lock directory keeps parallel test files from building at the same time).
 */
export async function ensureWebBuild(): Promise<string> {
  const index = join(WEB_ROOT, 'index.html');
  if (existsSync(index)) return WEB_ROOT;
  const lock = join(repo, 'node_modules/.chatroom-web-build.lock');
  try {
    mkdirSync(lock);
  } catch {
    // Someone else is building (or a stale lock from a crash, older than two minutes).
    const started = Date.now();
    while (!existsSync(index)) {
      const stale = existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 120_000;
      if (stale || Date.now() - started > 120_000) break;
      await new Promise((done) => setTimeout(done, 200));
    }
    if (existsSync(index)) return WEB_ROOT;
    rmSync(lock, { recursive: true, force: true });
    mkdirSync(lock);
  }
  try {
    const { build } = await import('vite');
    await build({ configFile: join(repo, 'vite.config.ts'), logLevel: 'warn' });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return WEB_ROOT;
}

/**
 * Watches a page for what must never happen: dialogs (alert/confirm/prompt, e.g. from an XSS
 * payload), uncaught errors, and Content-Security-Policy violations. Read `problems` at the end.
 */
export function watchPage(page: Page): { dialogs: string[]; problems: string[] } {
  const seen = { dialogs: [] as string[], problems: [] as string[] };
  page.on('dialog', (dialog) => {
    seen.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss().catch(() => undefined);
  });
  page.on('pageerror', (error) => seen.problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) {
      seen.problems.push(`CSP: ${message.text()}`);
    }
  });
  return seen;
}
