import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { ROOT } from './children.js';

/**
 * Servers run either through tsx (`node --import tsx entry.ts`, as `npm start` does) or as an
 * esbuild bundle of the same sources run by plain node (`--runner bundle`, the default). The
 * bundle is what a production image would ship: same code and transform as tsx, minus tsx's
 * loader thread (~55 MB RSS) and its keepNames wrapping (which turns every named closure into
 * a dictionary-mode object: ~2 KB more per socket here). See docs/benchmarks.md.
 *
 * esbuild is tsx's own dependency, loaded from tsx's location: no new dependency.
 */

export type Runner = 'bundle' | 'tsx';

interface EsbuildApi {
  build(options: Record<string, unknown>): Promise<{ errors: unknown[] }>;
  version: string;
}

function esbuild(): EsbuildApi {
  const fromTsx = createRequire(createRequire(join(ROOT, 'package.json')).resolve('tsx'));
  return fromTsx('esbuild') as EsbuildApi;
}

/** Bundles `entry` (relative to the repo) with node_modules left external; returns the file. */
export async function bundle(entry: string): Promise<string> {
  // Inside node_modules: ignored by git, and bare imports resolve from the repository.
  const outDir = join(ROOT, 'node_modules/.cache/chatroom-bench');
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, `${basename(entry).replace(/\.ts$/, '')}.mjs`);
  const result = await esbuild().build({
    entryPoints: [join(ROOT, entry)],
    outfile,
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

export function esbuildVersion(): string {
  return esbuild().version;
}
