import type { Kysely } from 'kysely';
import { GENERAL_ROOM } from '../../protocol/index.js';
import type { Database } from '../storage/schema.js';

export interface UserRecord {
  id: number;
  username: string;
  passwordHash: string;
}

export interface SessionRecord {
  userId: number;
  username: string;
  expiresAt: string;
}

/** Accounts and sessions. Session tokens are stored only as hashes. */
export interface AccountStore {
  /** Creates the user as a member of `general`; null when the name is taken (case-insensitively). */
  createUser(username: string, passwordHash: string, now: string): Promise<UserRecord | null>;
  findUserByName(username: string): Promise<UserRecord | null>;
  findUsersByNames(usernames: readonly string[]): Promise<UserRecord[]>;
  deleteUser(userId: number): Promise<void>;
  createSession(tokenHash: string, userId: number, now: string, expiresAt: string): Promise<void>;
  findSession(tokenHash: string): Promise<SessionRecord | null>;
  deleteSession(tokenHash: string): Promise<boolean>;
}

export class KyselyAccountStore implements AccountStore {
  constructor(private readonly db: Kysely<Database>) {}

  async createUser(username: string, passwordHash: string, now: string) {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('users')
        .values({
          username,
          username_key: username.toLowerCase(),
          password_hash: passwordHash,
          created_at: now,
        })
        .onConflict((oc) => oc.column('username_key').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!row) return null;
      await trx
        .insertInto('room_members')
        .values({ room_id: GENERAL_ROOM, user_id: row.id, joined_at: now })
        .execute();
      return { id: row.id, username, passwordHash };
    });
  }

  async findUserByName(username: string) {
    const row = await this.db
      .selectFrom('users')
      .select(['id', 'username', 'password_hash'])
      .where('username_key', '=', username.toLowerCase())
      .executeTakeFirst();
    return row ? { id: row.id, username: row.username, passwordHash: row.password_hash } : null;
  }

  async findUsersByNames(usernames: readonly string[]) {
    if (usernames.length === 0) return [];
    const rows = await this.db
      .selectFrom('users')
      .select(['id', 'username', 'password_hash'])
      .where(
        'username_key',
        'in',
        usernames.map((u) => u.toLowerCase()),
      )
      .execute();
    return rows.map((r) => ({ id: r.id, username: r.username, passwordHash: r.password_hash }));
  }

  async deleteUser(userId: number) {
    await this.db.deleteFrom('users').where('id', '=', userId).execute();
  }

  async createSession(tokenHash: string, userId: number, now: string, expiresAt: string) {
    await this.db
      .insertInto('sessions')
      .values({ token_hash: tokenHash, user_id: userId, created_at: now, expires_at: expiresAt })
      .execute();
  }

  async findSession(tokenHash: string) {
    const row = await this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select(['users.id as user_id', 'users.username', 'sessions.expires_at'])
      .where('sessions.token_hash', '=', tokenHash)
      .executeTakeFirst();
    return row ? { userId: row.user_id, username: row.username, expiresAt: row.expires_at } : null;
  }

  async deleteSession(tokenHash: string) {
    const result = await this.db
      .deleteFrom('sessions')
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
