import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { threadPoolSize } from './helper-thread-priority.js';

describe('threadPoolSize', () => {
  it('reads UV_THREADPOOL_SIZE as libuv does: default 4, at most 1024', () => {
    expect(threadPoolSize({})).toBe(4);
    expect(threadPoolSize({ UV_THREADPOOL_SIZE: '8' })).toBe(8);
    expect(threadPoolSize({ UV_THREADPOOL_SIZE: 'x' })).toBe(4);
    expect(threadPoolSize({ UV_THREADPOOL_SIZE: '0' })).toBe(4);
    expect(threadPoolSize({ UV_THREADPOOL_SIZE: '5000' })).toBe(1024);
  });
});

/**
 * In a fresh Node process: finds the threads that helped V8's garbage collector (a heap of
 * small objects built and dropped) and the ones that did libuv's pool work (pbkdf2), each by
 * the CPU time it used (`/proc/self/task/<tid>/schedstat`), then lowers the helpers' priority
 * and reports those threads' nice values (and checks that the pool still hashes).
 */
const CHILD = `
import { readdirSync, readFileSync } from 'node:fs';
import { pbkdf2 } from 'node:crypto';
import { getPriority } from 'node:os';
const { lowerHelperThreadPriority } = await import(process.env.MODULE_PATH);
const cpu = () => new Map(readdirSync('/proc/self/task').map((t) => [Number(t), Number(readFileSync('/proc/self/task/' + t + '/schedstat', 'utf8').split(' ')[0])]));
const busy = (before, after, ns) => [...after].filter(([tid, used]) => tid !== process.pid && used - (before.get(tid) ?? 0) > ns).map(([tid]) => tid);
const hash = () => new Promise((done, fail) => pbkdf2('p', 's', 100000, 32, 'sha256', (e) => (e ? fail(e) : done())));
let before = cpu();
let keep = [];
for (let round = 0; round < 8; round++) { keep = []; for (let i = 0; i < 400000; i++) keep.push({ i, next: [i, i + 1] }); }
await new Promise((done) => setTimeout(done, 100));
const gc = busy(before, cpu(), 1e6);
before = cpu();
await Promise.all([hash(), hash(), hash(), hash()]);
const pool = busy(before, cpu(), 10e6).filter((tid) => !gc.includes(tid));
const result = await lowerHelperThreadPriority();
const nice = (tids) => tids.map((tid) => getPriority(tid));
await hash();
console.log(JSON.stringify({ result, keep: keep.length, gc: nice(gc), pool: nice(pool), main: getPriority(process.pid) }));
`;

describe('lowerHelperThreadPriority', () => {
  it.runIf(process.platform === 'linux')(
    "puts the threads of V8's GC at nice 19 and leaves the event loop's and libuv's pool at 0",
    async () => {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', CHILD],
        {
          env: {
            ...process.env,
            MODULE_PATH: new URL('./helper-thread-priority.ts', import.meta.url).pathname,
          },
        },
      );
      const report = JSON.parse(stdout) as {
        result: { lowered?: number[]; skipped?: string };
        gc: number[];
        pool: number[];
        main: number;
      };
      expect(report.result.skipped).toBeUndefined();
      expect(report.main).toBe(0);
      expect(report.gc.length).toBeGreaterThan(0);
      expect(report.gc.every((nice) => nice === 19)).toBe(true);
      expect(report.pool.length).toBeGreaterThan(0);
      expect(report.pool.every((nice) => nice === 0)).toBe(true);
    },
  );
});
