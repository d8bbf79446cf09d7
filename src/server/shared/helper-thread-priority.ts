import { pbkdf2 } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { promisify } from 'node:util';

/**
 * The nice value of V8's and Node's helper threads: they get the core whenever the event loop
 * does not need it, and ~1.5% of it when it does.
 */
export const HELPER_THREAD_NICE = 19;

/** CPU time a thread must use on a probe hash to count as libuv's (a hash takes ~4 ms). */
const POOL_PROBE_NS = 1e6;
const POOL_PROBE_ITERATIONS = 20_000;
const POOL_PROBE_ROUNDS = 8;

export type HelperThreadPriority = { lowered: number[]; pool: number[] } | { skipped: string };

/** libuv's thread-pool size, read from the environment as libuv reads it (1–1024, default 4). */
export function threadPoolSize(env: NodeJS.ProcessEnv = process.env): number {
  const size = Number.parseInt(env.UV_THREADPOOL_SIZE ?? '', 10);
  if (!Number.isFinite(size) || size < 1) return 4;
  return Math.min(size, 1024);
}

/** Nanoseconds each thread of this process has run (`/proc/self/task/<tid>/schedstat`). */
function threadCpu(): Map<number, number> {
  const times = new Map<number, number>();
  for (const name of readdirSync('/proc/self/task')) {
    const schedstat = readFileSync(`/proc/self/task/${name}/schedstat`, 'utf8');
    times.set(Number(name), Number(schedstat.split(' ')[0]));
  }
  return times;
}

/**
 * libuv's pool threads: the threads that run short hashes submitted as many at once as the
 * pool has threads (libuv starts the whole pool at its first request, here at the latest).
 * A thread may take two of one round while another sleeps on, so rounds go on until every
 * pool thread has been seen (eight at most). Nothing else tells them apart from V8's: their
 * names are all `node`, and their order of creation depends on how Node was started (a
 * loader thread comes after the pool under `--import`).
 */
async function threadPoolThreads(): Promise<Set<number>> {
  const hash = promisify(pbkdf2);
  const size = threadPoolSize();
  const pool = new Set<number>();
  for (let round = 0; round < POOL_PROBE_ROUNDS && pool.size < size; round++) {
    const before = threadCpu();
    await Promise.all(
      Array.from({ length: size }, () =>
        hash('probe', 'salt', POOL_PROBE_ITERATIONS, 32, 'sha256'),
      ),
    );
    for (const [tid, ns] of threadCpu()) {
      if (tid !== process.pid && ns - (before.get(tid) ?? 0) >= POOL_PROBE_NS) pool.add(tid);
    }
  }
  return pool;
}

/**
 * Puts V8's helper threads (concurrent marking and sweeping, compilation) and Node's own
 * behind the event loop, on Linux. libuv's thread pool (argon2 hashing, file I/O) and the
 * event loop keep their priority.
 *
 * The server is often given one core (the benchmark pins it to one). On it, V8's concurrent
 * marking and sweeping threads took the core from the event loop around every major GC: four
 * helpers and the main thread shared it equally, so for ~100 ms the event loop got a fifth of
 * it. At nice 19 they run in the time the event loop leaves idle, and V8's incremental steps
 * on the main thread mark what they have not. Measured (docs/benchmarks.md, "GC helpers behind
 * the event loop"): the first seconds of load on a fresh server, while the helpers compile its
 * code, got two to three times faster (p99 and ack p99, eight runs each); the ack's p99 over a
 * steady minute did not move past the noise, its major GCs now costing main-thread marking
 * instead of a share of the core. Scavenges must not wait for the helpers: V8_FLAGS turns
 * parallel scavenging off (v8-tuning.ts). The pool is left alone: with it at nice 19 too, a
 * login under chat load took 0.2–1.1 s instead of 0.06–0.18 s, its hash waiting for the event
 * loop (concurrency-limit.ts already keeps hashing from taking the core).
 *
 * The threads that exist now; threads started later by the main thread (none, in the server)
 * would keep its priority. Anywhere else (no `/proc`, or `setpriority` refused) nothing changes.
 */
export async function lowerHelperThreadPriority(): Promise<HelperThreadPriority> {
  if (process.platform !== 'linux') return { skipped: `not on Linux (${process.platform})` };
  try {
    const pool = await threadPoolThreads();
    const helpers = [...threadCpu().keys()].filter((tid) => tid !== process.pid && !pool.has(tid));
    for (const tid of helpers) setPriority(tid, HELPER_THREAD_NICE);
    return { lowered: helpers, pool: [...pool] };
  } catch (error) {
    return { skipped: error instanceof Error ? error.message : String(error) };
  }
}
