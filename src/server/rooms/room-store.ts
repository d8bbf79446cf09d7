import type { Kysely } from 'kysely';
import { compareUsernames, type Room, type RoomKind } from '../../protocol/index.js';
import { type Param, PreparedQuery } from '../storage/prepared-query.js';
import type { Database } from '../storage/schema.js';

export interface RoomMember {
  id: number;
  username: string;
}

/** Rooms and memberships. Every read returns wire-ready `Room` objects. */
export interface RoomStore {
  getRoom(roomId: string): Promise<Room | null>;
  roomKind(roomId: string): Promise<RoomKind | null>;
  /** Creates the public room if it does not exist yet. */
  ensurePublicRoom(roomId: string, now: string): Promise<void>;
  /** True when the user was not a member before. */
  addMember(roomId: string, userId: number, now: string): Promise<boolean>;
  /** True when the user was a member. A group whose admin leaves passes to its oldest member. */
  removeMember(roomId: string, userId: number): Promise<boolean>;
  /** The room's kind and whether the user is a member, in one read; null for no such room. */
  membership(roomId: string, userId: number): Promise<{ kind: RoomKind; member: boolean } | null>;
  roomIdsOf(userId: number): Promise<string[]>;
  roomsOf(userId: number): Promise<Room[]>;
  memberNames(roomId: string): Promise<string[]>;
  createGroup(name: string, adminId: number, memberIds: number[], now: string): Promise<Room>;
  /** The direct room of two users, created (and both made members again) on first use. */
  openDirect(
    a: RoomMember,
    b: RoomMember,
    now: string,
  ): Promise<{ room: Room; created: boolean; added: boolean }>;
}

export class KyselyRoomStore implements RoomStore {
  /** Run for every message sent: prepared once (see PreparedQuery). */
  private readonly membershipQuery;

  constructor(private readonly db: Kysely<Database>) {
    this.membershipQuery = PreparedQuery.of((p: Param<{ roomId: string; userId: number }>) =>
      db
        .selectFrom('rooms')
        .leftJoin('room_members', (join) =>
          join
            .onRef('room_members.room_id', '=', 'rooms.id')
            .on('room_members.user_id', '=', p('userId')),
        )
        .select(['rooms.kind', 'room_members.user_id'])
        .where('rooms.id', '=', p('roomId')),
    );
  }

  private async rooms(ids: string[]): Promise<Room[]> {
    if (ids.length === 0) return [];
    const [rooms, members] = await Promise.all([
      this.db
        .selectFrom('rooms')
        .leftJoin('users', 'users.id', 'rooms.admin_id')
        .select(['rooms.id', 'rooms.name', 'rooms.kind', 'users.username as admin'])
        .where('rooms.id', 'in', ids)
        .execute(),
      this.db
        .selectFrom('room_members')
        .innerJoin('users', 'users.id', 'room_members.user_id')
        .select(['room_members.room_id', 'users.username'])
        .where('room_members.room_id', 'in', ids)
        .execute(),
    ]);
    const byRoom = new Map<string, string[]>();
    for (const m of members) {
      const list = byRoom.get(m.room_id) ?? [];
      list.push(m.username);
      byRoom.set(m.room_id, list);
    }
    const order = new Map(ids.map((id, i) => [id, i]));
    return rooms
      .map((r) => ({
        id: r.id,
        name: r.name,
        kind: r.kind,
        admin: r.admin ?? null,
        members: (byRoom.get(r.id) ?? []).sort(compareUsernames),
      }))
      .sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  }

  async getRoom(roomId: string) {
    const [room] = await this.rooms([roomId]);
    return room ?? null;
  }

  async roomKind(roomId: string) {
    const row = await this.db
      .selectFrom('rooms')
      .select('kind')
      .where('id', '=', roomId)
      .executeTakeFirst();
    return row?.kind ?? null;
  }

  async ensurePublicRoom(roomId: string, now: string) {
    await this.db
      .insertInto('rooms')
      .values({
        id: roomId,
        name: roomId,
        kind: 'public',
        admin_id: null,
        direct_key: null,
        created_at: now,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  async addMember(roomId: string, userId: number, now: string) {
    const result = await this.db
      .insertInto('room_members')
      .values({ room_id: roomId, user_id: userId, joined_at: now })
      .onConflict((oc) => oc.columns(['room_id', 'user_id']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async removeMember(roomId: string, userId: number) {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx
        .deleteFrom('room_members')
        .where('room_id', '=', roomId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      const room = await trx
        .selectFrom('rooms')
        .select(['kind', 'admin_id'])
        .where('id', '=', roomId)
        .executeTakeFirst();
      if (room?.kind === 'group' && room.admin_id === userId) {
        const next = await trx
          .selectFrom('room_members')
          .select('user_id')
          .where('room_id', '=', roomId)
          .orderBy('joined_at')
          .orderBy('user_id')
          .limit(1)
          .executeTakeFirst();
        await trx
          .updateTable('rooms')
          .set({ admin_id: next?.user_id ?? null })
          .where('id', '=', roomId)
          .execute();
      }
      return Number(result.numDeletedRows) > 0;
    });
  }

  async membership(roomId: string, userId: number) {
    const { rows } = await this.membershipQuery.execute(this.db, { roomId, userId });
    const row = rows[0];
    return row ? { kind: row.kind, member: row.user_id !== null } : null;
  }

  async roomIdsOf(userId: number) {
    const rows = await this.db
      .selectFrom('room_members')
      .select('room_id')
      .where('user_id', '=', userId)
      .execute();
    return rows.map((r) => r.room_id);
  }

  async roomsOf(userId: number) {
    const rows = await this.db
      .selectFrom('room_members')
      .innerJoin('rooms', 'rooms.id', 'room_members.room_id')
      .select('rooms.id')
      .where('room_members.user_id', '=', userId)
      .orderBy('rooms.created_at')
      .orderBy('rooms.id')
      .execute();
    return this.rooms(rows.map((r) => r.id));
  }

  async memberNames(roomId: string) {
    const rows = await this.db
      .selectFrom('room_members')
      .innerJoin('users', 'users.id', 'room_members.user_id')
      .select('users.username')
      .where('room_members.room_id', '=', roomId)
      .execute();
    return rows.map((r) => r.username).sort(compareUsernames);
  }

  private async nextNumber(trx: Kysely<Database>, kind: string): Promise<number> {
    const row = await trx
      .insertInto('room_numbers')
      .values({ kind })
      .returning('n')
      .executeTakeFirstOrThrow();
    return row.n;
  }

  async createGroup(name: string, adminId: number, memberIds: number[], now: string) {
    const id = await this.db.transaction().execute(async (trx) => {
      const roomId = `room_${await this.nextNumber(trx, 'group')}`;
      await trx
        .insertInto('rooms')
        .values({
          id: roomId,
          name,
          kind: 'group',
          admin_id: adminId,
          direct_key: null,
          created_at: now,
        })
        .execute();
      const ids = [...new Set([adminId, ...memberIds])];
      await trx
        .insertInto('room_members')
        .values(ids.map((user_id) => ({ room_id: roomId, user_id, joined_at: now })))
        .execute();
      return roomId;
    });
    const room = await this.getRoom(id);
    if (!room) throw new Error(`group ${id} vanished after creation`);
    return room;
  }

  async openDirect(a: RoomMember, b: RoomMember, now: string) {
    const key = a.id < b.id ? `${a.id}:${b.id}` : `${b.id}:${a.id}`;
    const { id, created, added } = await this.db.transaction().execute(async (trx) => {
      const existing = await trx
        .selectFrom('rooms')
        .select('id')
        .where('direct_key', '=', key)
        .executeTakeFirst();
      let roomId = existing?.id;
      let isNew = false;
      if (!roomId) {
        const candidate = `dm_${await this.nextNumber(trx, 'direct')}`;
        const [first, second] = a.id < b.id ? [a, b] : [b, a];
        const inserted = await trx
          .insertInto('rooms')
          .values({
            id: candidate,
            name: `${first.username} & ${second.username}`,
            kind: 'direct',
            admin_id: null,
            direct_key: key,
            created_at: now,
          })
          .onConflict((oc) => oc.column('direct_key').doNothing())
          .returning('id')
          .executeTakeFirst();
        if (inserted) {
          roomId = inserted.id;
          isNew = true;
        } else {
          const raced = await trx
            .selectFrom('rooms')
            .select('id')
            .where('direct_key', '=', key)
            .executeTakeFirstOrThrow();
          roomId = raced.id;
        }
      }
      const result = await trx
        .insertInto('room_members')
        .values([
          { room_id: roomId, user_id: a.id, joined_at: now },
          { room_id: roomId, user_id: b.id, joined_at: now },
        ])
        .onConflict((oc) => oc.columns(['room_id', 'user_id']).doNothing())
        .executeTakeFirst();
      return {
        id: roomId,
        created: isNew,
        added: Number(result.numInsertedOrUpdatedRows ?? 0) > 0,
      };
    });
    const room = await this.getRoom(id);
    if (!room) throw new Error(`direct room ${id} vanished after creation`);
    return { room, created, added };
  }
}
