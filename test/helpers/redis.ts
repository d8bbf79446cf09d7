import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';

/** The Redis server tests use. */
export const REDIS_TEST_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test run uses (keys and Socket.IO channels live under it). */
export function uniqueRedisPrefix(label = 'test'): string {
  return `chatroom-${label}-${randomBytes(6).toString('hex')}`;
}

/** Deletes every key under `prefix`. */
export async function deleteRedisKeys(prefix: string): Promise<void> {
  const client = createClient({ url: REDIS_TEST_URL });
  client.on('error', () => undefined);
  await client.connect();
  try {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}:*`, COUNT: 500 })) {
      if (keys.length > 0) await client.unlink(keys);
    }
  } finally {
    client.destroy();
  }
}

/** Counts the keys under `prefix` (tests check that they clean up after themselves). */
export async function countRedisKeys(prefix: string): Promise<number> {
  const client = createClient({ url: REDIS_TEST_URL });
  client.on('error', () => undefined);
  await client.connect();
  try {
    let count = 0;
    for await (const keys of client.scanIterator({ MATCH: `${prefix}:*`, COUNT: 500 })) {
      count += keys.length;
    }
    return count;
  } finally {
    client.destroy();
  }
}
