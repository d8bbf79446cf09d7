import { describe, expect, it } from 'vitest';
import { ConcurrencyLimit, coresBesideEventLoop } from './concurrency-limit.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('ConcurrencyLimit', () => {
  it('runs at most max tasks at once, the others in arrival order', async () => {
    const limit = new ConcurrencyLimit(2);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const releases: Array<() => void> = [];
    const results = Array.from({ length: 5 }, (_, i) =>
      limit.run(async () => {
        started.push(i);
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running--;
        return i * 10;
      }),
    );
    for (let round = 0; round < 10 && releases.length > 0; round++) {
      await tick();
      releases.shift()?.();
    }
    for (let round = 0; round < 10; round++) {
      await tick();
      while (releases.length > 0) releases.shift()?.();
    }
    expect(await Promise.all(results)).toEqual([0, 10, 20, 30, 40]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
  });

  it('frees the slot when a task fails', async () => {
    const limit = new ConcurrencyLimit(1);
    await expect(limit.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limit.run(async () => 'next')).toBe('next');
  });

  it('leaves at least one core', () => {
    expect(coresBesideEventLoop()).toBeGreaterThanOrEqual(1);
    expect(() => new ConcurrencyLimit(0)).toThrow();
  });
});
