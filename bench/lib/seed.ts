import { createArgon2Hasher } from '../../src/server/accounts/password-hasher.js';
import { hashToken, newToken } from '../../src/server/accounts/session-tokens.js';
import { openStore } from '../../src/server/storage/store.js';

/**
 * Prepares the real server's SQLite file before it starts: `count` users (members of
 * `general`, through the store's own createUser), each with a live session token. Registering
 * 10,000 users over HTTP would spend minutes in argon2; one real argon2id hash of PASSWORD
 * (salt included) is computed once and shared, so `/login` works for every seeded user.
 */

export const PASSWORD = 'bench-password-1';

export interface SeededUser {
  username: string;
  token: string;
}

export async function seedUsers(
  dbPath: string,
  count: number,
  prefix = 'u',
): Promise<SeededUser[]> {
  const store = await openStore(dbPath, { sqliteSynchronous: 'normal' });
  try {
    const passwordHash = await createArgon2Hasher().hash(PASSWORD);
    const now = new Date();
    const created = now.toISOString();
    const expires = new Date(now.getTime() + 7 * 24 * 3600 * 1000).toISOString();
    const users: SeededUser[] = [];
    for (let i = 0; i < count; i++) {
      const username = `${prefix}${i}`;
      const user = await store.accounts.createUser(username, passwordHash, created);
      if (!user) throw new Error(`seeding: ${username} exists`);
      const token = newToken();
      await store.accounts.createSession(hashToken(token), user.id, created, expires);
      users.push({ username, token });
    }
    return users;
  } finally {
    await store.close();
  }
}
