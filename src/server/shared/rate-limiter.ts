/**
 * A fixed-window counter per key. `max` of 0 turns the limiter off.
 * Kept in memory: each node limits on its own (documented in docs/configuration.md).
 */
export class RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  private lastSweep = 0;

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get enabled(): boolean {
    return this.max > 0;
  }

  /** Counts one hit; false when the key is over its limit for the current window. */
  hit(key: string): boolean {
    if (!this.enabled) return true;
    const window = this.current(key);
    window.count++;
    return window.count <= this.max;
  }

  /** True when the key has used its whole allowance (without counting a hit). */
  isExhausted(key: string): boolean {
    if (!this.enabled) return false;
    const window = this.windows.get(key);
    return window !== undefined && window.resetAt > this.now() && window.count >= this.max;
  }

  reset(key: string): void {
    this.windows.delete(key);
  }

  private current(key: string) {
    const now = this.now();
    this.sweep(now);
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + this.windowMs };
      this.windows.set(key, window);
    }
    return window;
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < this.windowMs) return;
    this.lastSweep = now;
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
  }
}
