import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { EventSchema, type Event } from '@broxiva/contracts';
import { createOrm, runMigrations } from '@broxiva/db';
// The test entry point writes fixtures through the real event store (test-only, not in the lib's runtime).
import { createEventWriter, createPartitionManager, eventStoreMigrations } from '@broxiva/event-store';
import { withEventStoreDatabase } from '@broxiva/event-store/testing';
import { rollupMigrations } from './index.js';
import { markDirty } from './rollup-worker.js';

/** A fresh test database with the event store and rollups, a pool, and a writer that marks hours dirty. */
export async function withAnalyticsDatabase() {
  const db = await withEventStoreDatabase();
  const orm = await createOrm({
    url: db.url,
    entities: [],
    migrations: { list: [...eventStoreMigrations, ...rollupMigrations] },
  });
  await runMigrations(orm);
  await orm.close();
  const write = createEventWriter({
    pool: db.pool,
    partitions: createPartitionManager(db.pool),
    beforeCommit: markDirty,
  });
  return { ...db, write };
}

let seq = 0;
/** An event at `iso` (also its received time) with a fresh id; fields as in EventSchema. */
export function testEvent(iso: string, init: MessageInitShape<typeof EventSchema>): Event {
  seq += 1;
  return create(EventSchema, {
    eventId: `0190f0c8-0000-7000-8000-${seq.toString().padStart(12, '0')}`,
    timestamp: timestampFromDate(new Date(iso)),
    receivedAt: timestampFromDate(new Date(iso)),
    ...init,
  });
}
export { fixtureEvents } from './fixture.js';
