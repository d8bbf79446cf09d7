import { readdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { setPriority } from 'node:os';

/**
 * The nice value of every thread but the event loop's: they get the core whenever the event
 * loop does not need it, and ~1.5% of it when it does.
 */
export const HELPER_THREAD_NICE = 19;

export type HelperThreadPriority = { lowered: number[] } | { skipped: string };

/**
 * Puts the process's helper threads behind the event loop (Linux): V8's (concurrent marking
 * and sweeping, compilation), Node's own, and libuv's thread pool (argon2 hashing, file I/O).
 *
 * The server is often given one core (the benchmark pins it to one). On it, V8's concurrent
 * marking and sweeping threads took the core from the event loop around every major GC: four
 * helpers and the main thread shared it equally, so for ~100 ms the event loop got a fifth of
 * it. At nice 19 they run in the time the event loop leaves idle, and V8's incremental steps
 * on the main thread mark what they have not. Measured (docs/benchmarks.md, "GC helpers behind
 * the event loop"): the first seconds of load on a fresh server, while the helpers compile its
 * code, got two to three times faster (p99 and ack p99, eight runs each); the ack's p99 over a
 * steady minute did not move past the noise, its major GCs now costing main-thread marking
 * instead of a share of the core. Scavenges
 * must not wait for the helpers: V8_FLAGS turns parallel scavenging off (v8-tuning.ts). The
 * thread pool follows the same rule: a password hash waits for the event loop, not the other
 * way round (logins are few; concurrency-limit.ts bounds them).
 *
 * The threads that exist now: libuv starts its whole pool at its first request, made here
 * first; threads started later by the main thread (none, in the server) would keep its
 * priority. Anywhere else (no `/proc`, or `setpriority` refused) nothing changes.
 */
export async function lowerHelperThreadPriority(): Promise<HelperThreadPriority> {
  if (process.platform !== 'linux') return { skipped: `not on Linux (${process.platform})` };
  try {
    await stat('/proc/self/task');
    const helpers = readdirSync('/proc/self/task')
      .map(Number)
      .filter((tid) => tid !== process.pid);
    for (const tid of helpers) setPriority(tid, HELPER_THREAD_NICE);
    return { lowered: helpers };
  } catch (error) {
    return { skipped: error instanceof Error ? error.message : String(error) };
  }
}
