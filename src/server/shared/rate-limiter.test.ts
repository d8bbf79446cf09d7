import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.js';

function clock() {
  const c = { ms: 1_000_000, now: () => c.ms };
  return c;
}

describe('RateLimiter', () => {
  it('allows max hits per key in a window, then refuses', () => {
    const c = clock();
    const limiter = new RateLimiter(3, 1000, c.now);
    expect([1, 2, 3, 4, 5].map(() => limiter.hit('a'))).toEqual([true, true, true, false, false]);
  });

  it('counts each key on its own', () => {
    const c = clock();
    const limiter = new RateLimiter(1, 1000, c.now);
    expect(limiter.hit('a')).toBe(true);
    expect(limiter.hit('b')).toBe(true);
    expect(limiter.hit('a')).toBe(false);
    expect(limiter.hit('b')).toBe(false);
  });

  it('starts a fresh window once the old one has passed', () => {
    const c = clock();
    const limiter = new RateLimiter(2, 1000, c.now);
    limiter.hit('a');
    limiter.hit('a');
    expect(limiter.hit('a')).toBe(false);
    c.ms += 999;
    expect(limiter.hit('a')).toBe(false);
    c.ms += 1;
    expect(limiter.hit('a')).toBe(true);
    expect(limiter.hit('a')).toBe(true);
    expect(limiter.hit('a')).toBe(false);
  });

  it('tells whether a key used its whole allowance without counting a hit', () => {
    const c = clock();
    const limiter = new RateLimiter(2, 1000, c.now);
    expect(limiter.isExhausted('a')).toBe(false);
    limiter.hit('a');
    expect(limiter.isExhausted('a')).toBe(false);
    expect(limiter.isExhausted('a')).toBe(false);
    limiter.hit('a');
    expect(limiter.isExhausted('a')).toBe(true);
    c.ms += 1000;
    expect(limiter.isExhausted('a')).toBe(false);
  });

  it('forgets a key on reset', () => {
    const limiter = new RateLimiter(1, 1000, clock().now);
    limiter.hit('a');
    expect(limiter.hit('a')).toBe(false);
    limiter.reset('a');
    expect(limiter.isExhausted('a')).toBe(false);
    expect(limiter.hit('a')).toBe(true);
  });

  it('is off with a max of 0', () => {
    const limiter = new RateLimiter(0, 1000, clock().now);
    expect(limiter.enabled).toBe(false);
    for (let i = 0; i < 100; i++) expect(limiter.hit('a')).toBe(true);
    expect(limiter.isExhausted('a')).toBe(false);
  });

  it('keeps limiting keys correctly while old windows are swept away', () => {
    const c = clock();
    const limiter = new RateLimiter(1, 1000, c.now);
    for (let i = 0; i < 1000; i++) limiter.hit(`k${i}`);
    c.ms += 5000;
    expect(limiter.hit('fresh')).toBe(true);
    expect(limiter.hit('k1')).toBe(true);
    expect(limiter.hit('k1')).toBe(false);
  });
});
