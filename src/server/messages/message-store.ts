import { type Kysely, sql } from 'kysely';
import type { Message } from '../../protocol/index.js';
import { type Param, PreparedQuery } from '../storage/prepared-query.js';
import type { Database, Dialect } from '../storage/schema.js';

export interface NewMessage {
  roomId: string;
  userId: number;
  username: string;
  content: string;
  clientId?: string | undefined;
  createdAt: string;
}

export interface AppendResult {
  message: Message;
  /** True when the client_id was seen before: the stored message is returned, nothing new. */
  duplicate: boolean;
}

/** Messages: append in batches, read by room (paging) or by visibility (polling, sync). */
export interface MessageStore {
  /**
   * Stores the batch in one transaction, in order. A message whose (user, room, client_id)
   * was stored after `dedupeSince` is not stored again. Resolves once durably committed.
   */
  append(batch: readonly NewMessage[], dedupeSince: string): Promise<AppendResult[]>;
  /** The `limit` messages of the room just before `before` (or the newest), oldest first. */
  roomHistory(roomId: string, before: number | undefined, limit: number): Promise<Message[]>;
  /** Messages with id > lastId in rooms the user is a member of, ascending. */
  visibleSince(userId: number, lastId: number, limit: number): Promise<Message[]>;
}

type Row = {
  id: number;
  room_id: string;
  username: string;
  content: string;
  client_id: string | null;
  created_at: string;
};

export function toMessage(row: Row): Message {
  const message: Message = {
    id: Number(row.id),
    room: row.room_id,
    username: row.username,
    content: row.content,
    timestamp: row.created_at,
  };
  if (row.client_id !== null) message.client_id = row.client_id;
  return message;
}

const COLUMNS = ['id', 'room_id', 'username', 'content', 'client_id', 'created_at'] as const;

/** Any constant key works; it only has to be the same on every node. */
export const MESSAGE_COMMIT_LOCK = 7_240_001;

type DuplicateKey = { userId: number; roomId: string; clientId: string; since: string };
type NewRow = Omit<NewMessage, 'clientId'> & { clientId: string | null };

export class KyselyMessageStore implements MessageStore {
  /** The two statements of every message sent, prepared once (see PreparedQuery). */
  private readonly duplicateQuery;
  private readonly insertQuery;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {
    this.duplicateQuery = PreparedQuery.of((p: Param<DuplicateKey>) =>
      db
        .selectFrom('messages')
        .select(COLUMNS)
        .where('user_id', '=', p('userId'))
        .where('room_id', '=', p('roomId'))
        .where('client_id', '=', p('clientId'))
        .where('created_at', '>', p('since'))
        .orderBy('id', 'desc')
        // A literal: with `limit ?` SQLite took twice as long over a batch (0.6 ms, not 0.3).
        .limit(sql.lit(1)),
    );
    this.insertQuery = PreparedQuery.of((p: Param<NewRow>) =>
      db
        .insertInto('messages')
        .values({
          room_id: p('roomId'),
          user_id: p('userId'),
          username: p('username'),
          content: p('content'),
          client_id: p('clientId'),
          created_at: p('createdAt'),
        })
        .returning(COLUMNS),
    );
  }

  async append(batch: readonly NewMessage[], dedupeSince: string) {
    if (batch.length === 0) return [];
    return this.db.transaction().execute(async (trx) => {
      if (this.dialect === 'postgres') {
        // Message ids must appear in commit order (a poller must never skip one): serialize
        // message commits across every node. See docs/scaling-out.md.
        await sql`select pg_advisory_xact_lock(${MESSAGE_COMMIT_LOCK})`.execute(trx);
      }
      const results: AppendResult[] = [];
      for (const item of batch) {
        if (item.clientId !== undefined) {
          const { rows } = await this.duplicateQuery.execute(trx, {
            userId: item.userId,
            roomId: item.roomId,
            clientId: item.clientId,
            since: dedupeSince,
          });
          const existing = rows[0];
          if (existing) {
            results.push({ message: toMessage(existing), duplicate: true });
            continue;
          }
        }
        // Fields spelled out, not `{ ...item, clientId }`: see parsePayload (validation.ts).
        const { rows } = await this.insertQuery.execute(trx, {
          roomId: item.roomId,
          userId: item.userId,
          username: item.username,
          content: item.content,
          clientId: item.clientId ?? null,
          createdAt: item.createdAt,
        });
        const row = rows[0];
        if (!row) throw new Error('insert returned no row');
        results.push({ message: toMessage(row), duplicate: false });
      }
      return results;
    });
  }

  async roomHistory(roomId: string, before: number | undefined, limit: number) {
    let query = this.db
      .selectFrom('messages')
      .select(COLUMNS)
      .where('room_id', '=', roomId)
      .orderBy('id', 'desc')
      .limit(limit);
    if (before !== undefined) query = query.where('id', '<', before);
    const rows = await query.execute();
    return rows.reverse().map(toMessage);
  }

  async visibleSince(userId: number, lastId: number, limit: number) {
    const rows = await this.db
      .selectFrom('messages')
      .innerJoin('room_members', (join) =>
        join
          .onRef('room_members.room_id', '=', 'messages.room_id')
          .on('room_members.user_id', '=', userId),
      )
      .select([
        'messages.id',
        'messages.room_id',
        'messages.username',
        'messages.content',
        'messages.client_id',
        'messages.created_at',
      ])
      .where('messages.id', '>', lastId)
      .orderBy('messages.id')
      .limit(limit)
      .execute();
    return rows.map(toMessage);
  }
}
