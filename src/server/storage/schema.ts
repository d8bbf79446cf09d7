import type { Generated } from 'kysely';

/** Table shapes, shared by the SQLite and PostgreSQL databases (one set of migrations). */
export interface UsersTable {
  id: Generated<number>;
  username: string;
  /** Lowercased username: what uniqueness is checked on. */
  username_key: string;
  password_hash: string;
  created_at: string;
}

export interface SessionsTable {
  token_hash: string;
  user_id: number;
  created_at: string;
  expires_at: string;
}

export interface RoomsTable {
  id: string;
  name: string;
  kind: 'public' | 'group' | 'direct';
  admin_id: number | null;
  /** For direct rooms: `<smaller user id>:<larger user id>`, unique. */
  direct_key: string | null;
  created_at: string;
}

export interface RoomMembersTable {
  room_id: string;
  user_id: number;
  joined_at: string;
}

export interface RoomNumbersTable {
  n: Generated<number>;
  kind: string;
}

export interface MessagesTable {
  id: Generated<number>;
  room_id: string;
  user_id: number;
  username: string;
  content: string;
  client_id: string | null;
  created_at: string;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  rooms: RoomsTable;
  room_members: RoomMembersTable;
  room_numbers: RoomNumbersTable;
  messages: MessagesTable;
}

export type Dialect = 'sqlite' | 'postgres';
