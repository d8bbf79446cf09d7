import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserRecord } from '../src/server/accounts/account-store.js';
import type { NewMessage } from '../src/server/messages/message-store.js';
import type { Dialect } from '../src/server/storage/schema.js';
import { openStore, type Store } from '../src/server/storage/store.js';
import { createTestDatabase } from './helpers/postgres.js';

/**
 * The Store contract: the same cases against SQLite and PostgreSQL (one set of migrations,
 * one Kysely implementation, two engines).
 */

interface Opened {
  url: string;
  cleanup(): Promise<void>;
}

async function freshDatabase(dialect: Dialect): Promise<Opened> {
  if (dialect === 'postgres') {
    const db = await createTestDatabase();
    return { url: db.url, cleanup: () => db.drop() };
  }
  const dir = mkdtempSync(join(tmpdir(), 'chatroom-store-'));
  return {
    url: join(dir, 'chat.db'),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

const T0 = Date.parse('2026-11-21T10:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const DAY = 24 * 60 * 60;

describe.each(['sqlite', 'postgres'] as const)('Store contract on %s', (dialect) => {
  let database: Opened;
  let store: Store;
  let n = 0;
  const name = (prefix: string) => `${prefix}${++n}`;

  async function user(prefix = 'u'): Promise<UserRecord> {
    const created = await store.accounts.createUser(name(prefix), 'hash', at(0));
    if (!created) throw new Error('user not created');
    return created;
  }

  function msg(u: UserRecord, roomId: string, content: string, extra: Partial<NewMessage> = {}) {
    return {
      roomId,
      userId: u.id,
      username: u.username,
      content,
      createdAt: at(10),
      ...extra,
    } satisfies NewMessage;
  }

  beforeAll(async () => {
    database = await freshDatabase(dialect);
    store = await openStore(database.url, { sqliteSynchronous: 'normal' });
  });
  afterAll(async () => {
    await store?.close();
    await database?.cleanup();
  });

  it('reports its dialect', () => {
    expect(store.dialect).toBe(dialect);
  });

  describe('accounts and sessions', () => {
    it('creates users unique case-insensitively, shown as registered, members of general', async () => {
      const alice = await store.accounts.createUser('Alice_S', 'h1', at(0));
      expect(alice).toMatchObject({ username: 'Alice_S', passwordHash: 'h1' });
      expect(alice?.id).toBeGreaterThan(0);
      expect(await store.accounts.createUser('alice_s', 'h2', at(0))).toBeNull();
      expect(await store.accounts.findUserByName('ALICE_s')).toEqual(alice);
      expect(await store.accounts.findUserByName('nobody_here')).toBeNull();
      expect(await store.rooms.roomIdsOf(alice?.id ?? 0)).toEqual(['general']);
    });

    it('finds several users by name in any case', async () => {
      const a = await user('fa');
      const b = await user('fb');
      const found = await store.accounts.findUsersByNames([
        a.username.toUpperCase(),
        b.username,
        'ghost',
      ]);
      expect(found.map((u) => u.id).sort()).toEqual([a.id, b.id].sort());
      expect(await store.accounts.findUsersByNames([])).toEqual([]);
    });

    it('keeps sessions by token hash until deleted; deleting a user ends them', async () => {
      const u = await user('s');
      await store.accounts.createSession('hash-1', u.id, at(0), at(3600));
      expect(await store.accounts.findSession('hash-1')).toEqual({
        userId: u.id,
        username: u.username,
        expiresAt: at(3600),
      });
      expect(await store.accounts.deleteSession('hash-1')).toBe(true);
      expect(await store.accounts.deleteSession('hash-1')).toBe(false);
      expect(await store.accounts.findSession('hash-1')).toBeNull();

      await store.accounts.createSession('hash-2', u.id, at(0), at(3600));
      await store.accounts.deleteUser(u.id);
      expect(await store.accounts.findSession('hash-2')).toBeNull();
      expect(await store.accounts.findUserByName(u.username)).toBeNull();
    });

    it('lets only one of many concurrent registrations of a name win', async () => {
      const wanted = name('race');
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          store.accounts.createUser(i % 2 ? wanted : wanted.toUpperCase(), 'h', at(0)),
        ),
      );
      expect(results.filter((r) => r !== null)).toHaveLength(1);
    });
  });

  describe('rooms and memberships', () => {
    it('has general from the start and creates public rooms once', async () => {
      expect(await store.rooms.getRoom('general')).toMatchObject({
        id: 'general',
        name: 'general',
        kind: 'public',
        admin: null,
      });
      const id = name('lobby');
      await store.rooms.ensurePublicRoom(id, at(0));
      await store.rooms.ensurePublicRoom(id, at(1));
      expect(await store.rooms.roomKind(id)).toBe('public');
      expect(await store.rooms.roomKind('no-such-room')).toBeNull();
      expect(await store.rooms.getRoom('no-such-room')).toBeNull();
    });

    it('adds and removes members, reporting whether anything changed', async () => {
      const u = await user('m');
      const v = await user('M');
      const id = name('club');
      await store.rooms.ensurePublicRoom(id, at(0));
      expect(await store.rooms.addMember(id, u.id, at(1))).toBe(true);
      expect(await store.rooms.addMember(id, u.id, at(2))).toBe(false);
      expect(await store.rooms.addMember(id, v.id, at(3))).toBe(true);
      expect(await store.rooms.membership(id, u.id)).toEqual({ kind: 'public', member: true });
      expect(await store.rooms.membership('no-such-room', u.id)).toBeNull();
      expect(await store.rooms.memberNames(id)).toEqual(
        [u.username, v.username].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())),
      );
      expect((await store.rooms.roomIdsOf(u.id)).sort()).toEqual([id, 'general'].sort());
      expect(await store.rooms.removeMember(id, u.id)).toBe(true);
      expect(await store.rooms.removeMember(id, u.id)).toBe(false);
      expect(await store.rooms.membership(id, u.id)).toEqual({ kind: 'public', member: false });
      expect((await store.rooms.getRoom(id))?.members).toEqual([v.username]);
    });

    it('creates groups with server ids, an admin, and passes admin to the oldest member', async () => {
      const admin = await user('ga');
      const first = await user('gb');
      const second = await user('gc');
      const group = await store.rooms.createGroup('Team', admin.id, [first.id, admin.id], at(5));
      expect(group.id).toMatch(/^room_\d+$/);
      expect(group).toMatchObject({ name: 'Team', kind: 'group', admin: admin.username });
      expect(group.members.sort()).toEqual([admin.username, first.username].sort());
      const other = await store.rooms.createGroup('Other', admin.id, [first.id], at(5));
      expect(other.id).not.toBe(group.id);

      expect(await store.rooms.addMember(group.id, second.id, at(9))).toBe(true);
      expect(await store.rooms.removeMember(group.id, admin.id)).toBe(true);
      expect((await store.rooms.getRoom(group.id))?.admin).toBe(first.username);
      expect(await store.rooms.removeMember(group.id, first.id)).toBe(true);
      expect((await store.rooms.getRoom(group.id))?.admin).toBe(second.username);
    });

    it('lists the rooms of a user in creation order as wire-ready Room objects', async () => {
      const u = await user('l');
      const v = await user('L');
      const group = await store.rooms.createGroup('g', u.id, [v.id], at(20));
      const direct = await store.rooms.openDirect(u, v, at(30));
      const rooms = await store.rooms.roomsOf(u.id);
      expect(rooms.map((r) => r.id)).toEqual(['general', group.id, direct.room.id]);
      expect(rooms[2]).toMatchObject({ kind: 'direct', admin: null });
    });

    it('opens one direct room per pair, re-adding a member who left', async () => {
      const u = await user('da');
      const v = await user('db');
      const opened = await store.rooms.openDirect(u, v, at(0));
      expect(opened).toMatchObject({ created: true, added: true });
      expect(opened.room.id).toMatch(/^dm_\d+$/);
      expect(opened.room.name).toBe(`${u.username} & ${v.username}`);
      const again = await store.rooms.openDirect(v, u, at(1));
      expect(again).toMatchObject({ created: false, added: false });
      expect(again.room.id).toBe(opened.room.id);

      await store.rooms.removeMember(opened.room.id, v.id);
      const back = await store.rooms.openDirect(u, v, at(2));
      expect(back).toMatchObject({ created: false, added: true });
      expect(back.room.members.sort()).toEqual([u.username, v.username].sort());
    });

    it('yields one direct room when the same pair opens it concurrently', async () => {
      const u = await user('ca');
      const v = await user('cb');
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          i % 2 ? store.rooms.openDirect(u, v, at(0)) : store.rooms.openDirect(v, u, at(0)),
        ),
      );
      expect(new Set(results.map((r) => r.room.id)).size).toBe(1);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(results[0]?.room.members).toHaveLength(2);
    });

    // Several nodes only exist on PostgreSQL (SQLite is the one-process setup).
    it.runIf(dialect === 'postgres')(
      'yields one direct room when two nodes race for it',
      async () => {
        const second = await openStore(database.url, { sqliteSynchronous: 'normal' });
        try {
          for (let round = 0; round < 3; round++) {
            const u = await user('na');
            const v = await user('nb');
            const results = await Promise.all([
              store.rooms.openDirect(u, v, at(0)),
              second.rooms.openDirect(v, u, at(0)),
              store.rooms.openDirect(v, u, at(0)),
              second.rooms.openDirect(u, v, at(0)),
            ]);
            expect(new Set(results.map((r) => r.room.id)).size).toBe(1);
            expect(results.filter((r) => r.created)).toHaveLength(1);
          }
        } finally {
          await second.close();
        }
      },
    );
  });

  describe('messages', () => {
    it('appends a batch in order with increasing ids, as wire messages', async () => {
      const u = await user('w');
      const results = await store.messages.append(
        [msg(u, 'general', 'one'), msg(u, 'general', 'two', { clientId: 'c-2' })],
        at(0),
      );
      expect(results.map((r) => r.duplicate)).toEqual([false, false]);
      const [first, second] = results.map((r) => r.message);
      expect(first).toEqual({
        id: expect.any(Number),
        room: 'general',
        username: u.username,
        content: 'one',
        timestamp: at(10),
      });
      expect(second).toMatchObject({ content: 'two', client_id: 'c-2' });
      expect(second?.id).toBeGreaterThan(first?.id ?? Infinity);
      expect(await store.messages.append([], at(0))).toEqual([]);
    });

    it('dedupes a client_id per user and room within the window, not beyond', async () => {
      const u = await user('dd');
      const v = await user('dv');
      const [original] = await store.messages.append(
        [msg(u, 'general', 'hello', { clientId: 'same', createdAt: at(100) })],
        at(100 - DAY),
      );
      const retry = await store.messages.append(
        [msg(u, 'general', 'hello again', { clientId: 'same', createdAt: at(200) })],
        at(200 - DAY),
      );
      expect(retry).toEqual([{ message: original?.message, duplicate: true }]);

      const otherUser = await store.messages.append(
        [msg(v, 'general', 'mine', { clientId: 'same' })],
        at(0),
      );
      expect(otherUser[0]?.duplicate).toBe(false);
      const room = name('dedupe');
      await store.rooms.ensurePublicRoom(room, at(0));
      const otherRoom = await store.messages.append(
        [msg(u, room, 'elsewhere', { clientId: 'same' })],
        at(0),
      );
      expect(otherRoom[0]?.duplicate).toBe(false);

      // More than 24 hours later the same client_id is a new message.
      const later = await store.messages.append(
        [msg(u, 'general', 'next day', { clientId: 'same', createdAt: at(100 + DAY + 1) })],
        at(101),
      );
      expect(later[0]?.duplicate).toBe(false);
      expect(later[0]?.message.id).not.toBe(original?.message.id);
    });

    it('dedupes within one batch too', async () => {
      const u = await user('db');
      const results = await store.messages.append(
        [
          msg(u, 'general', 'a', { clientId: 'twice' }),
          msg(u, 'general', 'b', { clientId: 'twice' }),
        ],
        at(0),
      );
      expect(results.map((r) => r.duplicate)).toEqual([false, true]);
      expect(results[1]?.message).toEqual(results[0]?.message);
    });

    it('pages room history: the newest page oldest first, then before an id', async () => {
      const u = await user('h');
      const room = name('history');
      await store.rooms.ensurePublicRoom(room, at(0));
      const stored = await store.messages.append(
        Array.from({ length: 25 }, (_, i) => msg(u, room, `m${i}`)),
        at(0),
      );
      const ids = stored.map((r) => r.message.id);
      const newest = await store.messages.roomHistory(room, undefined, 10);
      expect(newest.map((m) => m.id)).toEqual(ids.slice(15));
      const before = await store.messages.roomHistory(room, newest[0]?.id, 10);
      expect(before.map((m) => m.id)).toEqual(ids.slice(5, 15));
      const oldest = await store.messages.roomHistory(room, before[0]?.id, 10);
      expect(oldest.map((m) => m.content)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
      expect(await store.messages.roomHistory(room, ids[0], 10)).toEqual([]);
      expect(await store.messages.roomHistory('empty-room', undefined, 10)).toEqual([]);
    });

    it('returns what a user may see after an id: member rooms only, ascending, limited', async () => {
      const u = await user('va');
      const v = await user('vb');
      const outsider = await user('vc');
      const group = await store.rooms.createGroup('g', u.id, [v.id], at(0));
      const direct = await store.rooms.openDirect(u, v, at(0));
      const secret = await store.rooms.createGroup('s', outsider.id, [u.id], at(0));
      const [mark] = await store.messages.append([msg(u, 'general', 'mark')], at(0));
      const markId = mark?.message.id ?? 0;
      const stored = await store.messages.append(
        [
          msg(u, group.id, 'to group'),
          msg(outsider, secret.id, 'not for v'),
          msg(v, direct.room.id, 'direct'),
          msg(u, 'general', 'public'),
        ],
        at(0),
      );
      const [toGroup, , toDirect, toGeneral] = stored.map((r) => r.message);
      const seenByV = await store.messages.visibleSince(v.id, markId, 100);
      // Other test cases may add to general concurrently: look at the rooms we made.
      const mine = seenByV.filter((m) => [group.id, direct.room.id, 'general'].includes(m.room));
      expect(mine).toEqual([toGroup, toDirect, toGeneral]);
      expect(seenByV.some((m) => m.room === secret.id)).toBe(false);
      const ids = seenByV.map((m) => m.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(await store.messages.visibleSince(v.id, markId, 2)).toEqual(seenByV.slice(0, 2));
      expect(await store.messages.visibleSince(outsider.id, toGeneral?.id ?? 0, 100)).toEqual([]);
    });
  });
});
