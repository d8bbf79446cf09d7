import { basename, join } from 'node:path';
import { bundleEntry, esbuild, ROOT } from '../../scripts/bundle.js';

/**
 * Servers run either as an esbuild bundle of their sources on plain node (`--runner bundle`,
 * the default: what `npm start` and the Docker image run, built by scripts/bundle.ts) or
 * through tsx (`node --import tsx entry.ts`, `--runner tsx`). See docs/benchmarks.md.
 */

export type Runner = 'bundle' | 'tsx';

/** Bundles `entry` (relative to the repo) with node_modules left external; returns the file. */
export function bundle(entry: string): Promise<string> {
  // Inside node_modules: ignored by git, and bare imports resolve from the repository.
  const name = basename(entry).replace(/\.ts$/, '');
  // One folder per entry: each bundle replaces its own chunks/.
  return bundleEntry(entry, join(ROOT, 'node_modules/.cache/chatroom-bench', name, `${name}.mjs`));
}

export function esbuildVersion(): string {
  return esbuild().version;
}
