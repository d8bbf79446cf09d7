import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Plugin } from 'vite';
import { iconPng } from './icon.js';

export const ICONS = [
  { fileName: 'icons/icon-192.png', size: 192, maskable: false },
  { fileName: 'icons/icon-512.png', size: 512, maskable: false },
  { fileName: 'icons/maskable-512.png', size: 512, maskable: true },
  { fileName: 'icons/apple-touch-icon.png', size: 180, maskable: true },
] as const;

function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/'));
  } catch {
    return [];
  }
}

/**
 * The PWA part of the build: PNG icons drawn at build time (no binaries in the repository) and
 * the service worker (`sw.js`, from service-worker.ts) with the list of app-shell files and a
 * version derived from their contents baked in, so a new build replaces the old cache.
 */
export function pwaPlugin(serviceWorkerEntry: string): Plugin {
  let publicDir = '';
  return {
    name: 'chatroom-pwa',
    apply: 'build',
    enforce: 'post',
    configResolved(config) {
      publicDir = config.publicDir;
    },
    buildStart() {
      this.emitFile({ type: 'chunk', id: resolve(serviceWorkerEntry), fileName: 'sw.js' });
    },
    generateBundle(_options, bundle) {
      const hash = createHash('sha256');
      for (const icon of ICONS) {
        const source = iconPng(icon.size, icon.maskable);
        this.emitFile({ type: 'asset', fileName: icon.fileName, source });
        hash.update(source);
      }
      const shell = new Set<string>(['/', ...ICONS.map((icon) => `/${icon.fileName}`)]);
      for (const [fileName, output] of Object.entries(bundle).sort(([a], [b]) =>
        a < b ? -1 : 1,
      )) {
        if (fileName === 'sw.js' || fileName.endsWith('.map') || shell.has(`/${fileName}`))
          continue;
        shell.add(`/${fileName}`);
        hash.update(fileName);
        hash.update(output.type === 'chunk' ? output.code : output.source);
      }
      for (const fileName of filesUnder(publicDir).sort()) {
        shell.add(`/${fileName}`);
        hash.update(fileName);
        hash.update(readFileSync(join(publicDir, fileName)));
      }
      const sw = bundle['sw.js'];
      if (sw?.type !== 'chunk') throw new Error('service worker chunk missing');
      const version = hash.digest('hex').slice(0, 12);
      const code = sw.code
        .replace('__SHELL_FILES__', [...shell].join(','))
        .replace('__SHELL_VERSION__', version);
      if (code.includes('__SHELL_')) throw new Error('service worker placeholders not replaced');
      sw.code = code;
    },
  };
}
