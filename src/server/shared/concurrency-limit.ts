import { availableParallelism } from 'node:os';

/**
 * Runs at most `max` tasks at once; the others wait in arrival order. For CPU-bound work
 * that runs on libuv's thread pool (argon2): with as many busy threads as cores, the event
 * loop's thread has to queue for a CPU behind them, and every socket waits with it.
 */
export class ConcurrencyLimit {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly max: number) {
    if (!(max >= 1)) throw new Error('ConcurrencyLimit needs max >= 1');
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.max) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next task: `running` stays the same.
      if (next) next();
      else this.running--;
    }
  }
}

/** Cores this process may run on (its CPU affinity), minus one left for the event loop. */
export function coresBesideEventLoop(): number {
  return Math.max(1, availableParallelism() - 1);
}
