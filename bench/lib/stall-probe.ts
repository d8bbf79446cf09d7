import { execFile } from 'node:child_process';
import { hasTaskset } from './children.js';

/**
 * The machine's own stalls: how often a thread that wants the CPU all the time does not get
 * it, with nothing of the benchmark running. On a shared VM the hypervisor takes the virtual
 * CPU away now and then (steal); on 2026-11-21 an idle core here lost 1.8–2.7% of 15 s in
 * gaps of up to 69 ms, several over 10 ms. A latency percentile over a 10 s window cannot be
 * lower than what such gaps add to every message in flight, whatever the server does; this
 * puts that floor beside the results.
 */
export interface CoreStalls {
  core: number;
  seconds: number;
  /** Share of the time the spinning thread did not run. */
  lostShare: number;
  over5ms: number;
  over10ms: number;
  over20ms: number;
  longestMs: number;
}

/**
 * Spins for the given seconds reading the clock; a gap over 0.5 ms between two readings is
 * time the thread did not run. Bounded by its duration. Prints one JSON line.
 */
const SPIN = `
const ms = Number(process.argv[1]) * 1000;
const start = performance.now();
let last = start, lost = 0, over5 = 0, over10 = 0, over20 = 0, longest = 0;
for (;;) {
  const now = performance.now();
  const gap = now - last;
  if (gap > 0.5) {
    lost += gap;
    if (gap > 5) over5++;
    if (gap > 10) over10++;
    if (gap > 20) over20++;
    if (gap > longest) longest = gap;
  }
  last = now;
  if (now - start >= ms) break;
}
console.log(JSON.stringify({ lost: lost / ms, over5, over10, over20, longest }));
`;

function spinOn(core: number, seconds: number, pinned: boolean): Promise<CoreStalls> {
  const node = [process.execPath, '-e', SPIN, String(seconds)];
  const [command, ...args] = pinned ? ['taskset', '-c', String(core), ...node] : node;
  return new Promise((resolve, reject) => {
    execFile(command as string, args, { timeout: (seconds + 10) * 1000 }, (error, stdout) => {
      if (error) {
        reject(error);
        return;
      }
      const r = JSON.parse(stdout) as {
        lost: number;
        over5: number;
        over10: number;
        over20: number;
        longest: number;
      };
      resolve({
        core,
        seconds,
        lostShare: Math.round(r.lost * 1000) / 1000,
        over5ms: r.over5,
        over10ms: r.over10,
        over20ms: r.over20,
        longestMs: Math.round(r.longest * 10) / 10,
      });
    });
  });
}

/** Spins on every core at once (pinned where taskset exists) and reports each one's stalls. */
export function measureStalls(cores: readonly number[], seconds: number): Promise<CoreStalls[]> {
  const pinned = hasTaskset();
  return Promise.all(cores.map((core) => spinOn(core, seconds, pinned)));
}

export function describeStalls(stalls: readonly CoreStalls[]): string {
  return stalls
    .map(
      (s) =>
        `core ${s.core} lost ${(s.lostShare * 100).toFixed(1)}% of ${s.seconds} s (gaps over 5 / 10 / 20 ms: ${s.over5ms} / ${s.over10ms} / ${s.over20ms}, longest ${s.longestMs} ms)`,
    )
    .join('; ');
}
