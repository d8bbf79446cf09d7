import { type AccountStore, KyselyAccountStore } from '../accounts/account-store.js';
import { KyselyMessageStore, type MessageStore } from '../messages/message-store.js';
import { KyselyRoomStore, type RoomStore } from '../rooms/room-store.js';
import { type ConnectOptions, connect } from './connect.js';
import type { Dialect } from './schema.js';

/** Everything the server keeps: one interface, SQLite and PostgreSQL behind it. */
export interface Store {
  readonly dialect: Dialect;
  readonly accounts: AccountStore;
  readonly rooms: RoomStore;
  readonly messages: MessageStore;
  close(): Promise<void>;
}

/** Opens (and migrates) the store named by a `DATABASE_URL`: a SQLite path or `postgres://`. */
export async function openStore(url: string, options: ConnectOptions = {}): Promise<Store> {
  const connection = await connect(url, options);
  const { db, dialect } = connection;
  let closed: Promise<void> | undefined;
  return {
    dialect,
    accounts: new KyselyAccountStore(db),
    rooms: new KyselyRoomStore(db),
    messages: new KyselyMessageStore(db, dialect),
    close: () => {
      closed ??= connection.close();
      return closed;
    },
  };
}
