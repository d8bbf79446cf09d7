import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, inflateSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { iconPng } from '../../src/web/build/icon.js';
import { ensureWebBuild } from '../helpers/browser.js';

const BUDGET_BYTES = 100 * 1024;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(tsx?|html)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

describe('web client build', () => {
  let root: string;
  beforeAll(async () => {
    root = await ensureWebBuild();
  });

  it('ships less than 100 KB of gzipped JavaScript', () => {
    const assets = join(root, 'assets');
    const js = readdirSync(assets).filter((f) => f.endsWith('.js'));
    expect(js.length).toBeGreaterThan(0);
    const gzipped = js.reduce(
      (sum, f) => sum + gzipSync(readFileSync(join(assets, f)), { level: 9 }).length,
      0,
    );
    console.log(`[web size] ${js.length} JS file(s), ${(gzipped / 1024).toFixed(1)} KB gzipped`);
    expect(gzipped).toBeLessThan(BUDGET_BYTES);
    // zod stays out of the browser bundle (src/web/zod-stub.ts).
    for (const f of js) expect(readFileSync(join(assets, f), 'utf8')).not.toContain('ZodObject');
  });

  it('has no inline script (the CSP forbids it) and never renders HTML from strings', () => {
    const html = readFileSync(join(root, 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\ssrc=/);
      expect(body?.trim()).toBe('');
    }
    expect(html).not.toMatch(/\son[a-z]+=/i);
    for (const file of sourceFiles(join(import.meta.dirname, '../../src/web'))) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/dangerouslySetInnerHTML|\.innerHTML\s*=|insertAdjacentHTML/);
    }
  });

  it('has a service worker that caches the app shell only', () => {
    const sw = readFileSync(join(root, 'sw.js'), 'utf8');
    const list = /`(\/[^`]*)`\.split|"(\/[^"]*)"\.split|'(\/[^']*)'\.split/.exec(sw);
    const shell = (list?.[1] ?? list?.[2] ?? list?.[3] ?? '').split(',');
    expect(shell).toEqual(expect.arrayContaining(['/', '/index.html', '/manifest.webmanifest']));
    for (const path of shell) {
      expect(path).toMatch(
        /^\/(index\.html|assets\/[\w.-]+|icons\/[\w.-]+\.png|icon\.svg|manifest\.webmanifest)?$/,
      );
    }
    expect(sw).not.toContain('__SHELL_');
    const manifest = JSON.parse(readFileSync(join(root, 'manifest.webmanifest'), 'utf8'));
    for (const icon of manifest.icons) expect(shell).toContain(icon.src);
  });

  it('draws valid PNG icons of the requested size', () => {
    const png = iconPng(48);
    expect(png.subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    );
    expect(png.readUInt32BE(16)).toBe(48);
    expect(png.readUInt32BE(20)).toBe(48);
    const idatLength = png.readUInt32BE(33);
    expect(png.subarray(37, 41).toString('ascii')).toBe('IDAT');
    const raw = inflateSync(png.subarray(41, 41 + idatLength));
    expect(raw.length).toBe((48 * 4 + 1) * 48);
    // Corners are transparent (rounded), the centre is opaque.
    expect(raw[1 + 3]).toBe(0);
    const centre = 24 * (48 * 4 + 1) + 1 + 24 * 4;
    expect(raw[centre + 3]).toBe(255);
  });
});
