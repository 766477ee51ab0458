import { createOrm, pgPool, runMigrations } from '@broxiva/db';
import { withTestDatabase } from '@broxiva/db/testing';
import { eventStoreMigrations } from './index.js';

/** A fresh test database with the event store's schema, and a pool on it. Call `drop()` when done. */
export async function withEventStoreDatabase() {
  const db = await withTestDatabase();
  const orm = await createOrm({ url: db.url, entities: [], migrations: { list: eventStoreMigrations } });
  await runMigrations(orm);
  await orm.close();
  const pool = pgPool(db.url, { max: 4 });
  return {
    url: db.url,
    pool,
    async drop() {
      await pool.end();
      await db.drop();
    },
  };
}

/** Event id number n of a test (a valid UUIDv7 whose last digits are n), so tests can name events by number. */
export const testEventId = (n: number) => `0190f0c8-0000-7000-8000-${n.toString().padStart(12, '0')}`;
