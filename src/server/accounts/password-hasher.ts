import argon2 from 'argon2';
import { ConcurrencyLimit, coresBesideEventLoop } from '../shared/concurrency-limit.js';

/** Password hashing with argon2id. argon2 runs on libuv's thread pool, off the event loop. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  /** Spends the same time as a real verify, for unknown usernames (no timing oracle). */
  verifyDummy(password: string): Promise<void>;
}

export interface Argon2Options {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/** OWASP's minimum argon2id setting: 19 MiB, 2 iterations, 1 lane. */
export const DEFAULT_ARGON2: Argon2Options = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/**
 * argon2id on libuv's thread pool, at most `limit` hashes at once: by default one fewer than
 * the cores this process may use (at least one), so a burst of logins never leaves the event
 * loop's thread queueing for a CPU behind the hashing threads (docs/benchmarks.md, logins).
 */
export function createArgon2Hasher(
  options: Argon2Options = DEFAULT_ARGON2,
  limit: ConcurrencyLimit = new ConcurrencyLimit(coresBesideEventLoop()),
): PasswordHasher {
  const settings = { type: argon2.argon2id as 2, ...options };
  let dummy: Promise<string> | undefined;
  return {
    hash: (password) => limit.run(() => argon2.hash(password, settings)),
    verify: async (hash, password) => {
      try {
        return await limit.run(() => argon2.verify(hash, password));
      } catch {
        return false;
      }
    },
    verifyDummy: async (password) => {
      dummy ??= limit.run(() => argon2.hash('not a real password', settings));
      const hash = await dummy;
      await limit.run(() => argon2.verify(hash, password)).catch(() => false);
    },
  };
}
