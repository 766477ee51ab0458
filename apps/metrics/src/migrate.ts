import { createOrm, ensureDatabase, runMigrations } from '@broxiva/db';
import { eventStoreMigrations } from '@broxiva/event-store';

/** Creates the analytics database if missing and applies pending migrations; returns their names. */
export async function migrate(url: string): Promise<string[]> {
  await ensureDatabase(url);
  const orm = await createOrm({ url, entities: [], migrations: { list: eventStoreMigrations } });
  try {
    return await runMigrations(orm);
  } finally {
    await orm.close();
  }
}
