import { mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The server as it runs in production: an esbuild bundle of its sources (types stripped, local
 * modules in one file, every package left to node_modules), run by plain node. A module the
 * sources import dynamically (`await import(...)`, e.g. the Redis scale-out only when REDIS_URL
 * is set) becomes a chunk of its own beside the entry, loaded only then: in one file, its
 * packages' static imports would load `redis` and the Redis adapter into every server (~5 MB
 * of heap and RSS for nothing on SQLite). Against
 * `tsx src/server/main.ts` it saves tsx's loader thread and transform cache (~40 MB of idle
 * RSS) and tsx's keepNames wrapping (~2 KB per connection): docs/benchmarks.md. `npm run
 * build` writes dist/server/main.mjs; `npm start` runs it. The benchmark bundles its servers
 * with the same function.
 *
 * esbuild is tsx's own dependency, loaded from tsx's location: no new dependency.
 */

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

interface EsbuildApi {
  build(options: Record<string, unknown>): Promise<{ errors: unknown[] }>;
  version: string;
}

export function esbuild(): EsbuildApi {
  const fromTsx = createRequire(createRequire(join(ROOT, 'package.json')).resolve('tsx'));
  return fromTsx('esbuild') as EsbuildApi;
}

/**
 * Bundles `entry` (relative to the repository) into `outfile` (an .mjs), packages left external,
 * dynamically imported modules split into `chunks/` beside it (which this replaces: one entry
 * per folder).
 */
export async function bundleEntry(entry: string, outfile: string): Promise<string> {
  const outdir = dirname(outfile);
  // Chunk names carry a content hash: an earlier build's would stay behind.
  rmSync(join(outdir, 'chunks'), { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const result = await esbuild().build({
    entryPoints: { [basename(outfile, '.mjs')]: join(ROOT, entry) },
    outdir,
    outExtension: { '.js': '.mjs' },
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: false,
    logLevel: 'error',
  });
  if (result.errors.length > 0) throw new Error(`bundling ${entry} failed`);
  return outfile;
}

/** dist/server/main.mjs: two levels below the root, like src/server/main.ts (paths hold). */
export const SERVER_BUNDLE = join(ROOT, 'dist/server/main.mjs');

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await bundleEntry('src/server/main.ts', SERVER_BUNDLE);
  console.log(`server bundle: ${SERVER_BUNDLE}`);
}
