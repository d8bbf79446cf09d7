import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import type { Dialect } from './schema.js';

/** Versioned migrations, one set for both engines; `dialect` picks the few words that differ. */
function buildMigrations(dialect: Dialect): Record<string, Migration> {
  const serial = dialect === 'postgres' ? 'serial' : 'integer';
  const bigSerial = dialect === 'postgres' ? 'bigserial' : 'integer';
  const autoIncrement = dialect === 'sqlite';
  return {
    '0001_initial': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('users')
          .addColumn('id', serial, (c) => {
            const pk = c.primaryKey();
            return autoIncrement ? pk.autoIncrement() : pk;
          })
          .addColumn('username', 'text', (c) => c.notNull())
          .addColumn('username_key', 'text', (c) => c.notNull().unique())
          .addColumn('password_hash', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('sessions')
          .addColumn('token_hash', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'integer', (c) =>
            c.notNull().references('users.id').onDelete('cascade'),
          )
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();
        await db.schema
          .createTable('rooms')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('admin_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
          .addColumn('direct_key', 'text', (c) => c.unique())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('room_members')
          .addColumn('room_id', 'text', (c) =>
            c.notNull().references('rooms.id').onDelete('cascade'),
          )
          .addColumn('user_id', 'integer', (c) =>
            c.notNull().references('users.id').onDelete('cascade'),
          )
          .addColumn('joined_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('room_members_pk', ['room_id', 'user_id'])
          .execute();
        await db.schema
          .createIndex('room_members_user')
          .on('room_members')
          .columns(['user_id', 'room_id'])
          .execute();
        await db.schema
          .createTable('room_numbers')
          .addColumn('n', serial, (c) => {
            const pk = c.primaryKey();
            return autoIncrement ? pk.autoIncrement() : pk;
          })
          .addColumn('kind', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('messages')
          .addColumn('id', bigSerial, (c) => {
            const pk = c.primaryKey();
            return autoIncrement ? pk.autoIncrement() : pk;
          })
          .addColumn('room_id', 'text', (c) => c.notNull())
          .addColumn('user_id', 'integer', (c) => c.notNull())
          .addColumn('username', 'text', (c) => c.notNull())
          .addColumn('content', 'text', (c) => c.notNull())
          .addColumn('client_id', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('messages_room')
          .on('messages')
          .columns(['room_id', 'id'])
          .execute();
        await db.schema
          .createIndex('messages_client')
          .on('messages')
          .columns(['user_id', 'room_id', 'client_id'])
          .where(sql.ref('client_id'), 'is not', null)
          .execute();
        // `general` predates every other room (it is listed first wherever rooms are ordered).
        await sql`insert into rooms (id, name, kind, admin_id, direct_key, created_at)
          values ('general', 'general', 'public', null, null, '1970-01-01T00:00:00.000Z')`.execute(
          db,
        );
      },
    },
  };
}

class StaticProvider implements MigrationProvider {
  constructor(private readonly migrations: Record<string, Migration>) {}
  async getMigrations() {
    return this.migrations;
  }
}

/** Brings the database to the newest schema; throws with the failing migration's error. */
export async function migrateToLatest(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const migrator = new Migrator({ db, provider: new StaticProvider(buildMigrations(dialect)) });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, {
      cause: error,
    });
  }
}
