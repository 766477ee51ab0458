import { createOrm, ensureDatabase, runMigrations } from '@broxiva/db';
import { eventStoreMigrations } from '@broxiva/event-store';
import { dashboardMigrations, DashboardEntity, rollupMigrations } from '@broxiva/metrics-data-access';
import pg from 'pg';

/**
 * Creates the analytics database if missing and applies pending migrations (event store, then rollups);
 * returns their names. The rollups' distinct counts are HyperLogLog sketches: refuses, naming the
 * package, when the server lacks the `hll` extension.
 */
export async function migrate(url: string): Promise<string[]> {
  await ensureDatabase(url);
  await requireExtension(
    url,
    'hll',
    'the analytics PostgreSQL server lacks the hll extension (HyperLogLog, for distinct counts in rollups); ' +
      'install it (Debian/Ubuntu: apt-get install postgresql-15-hll; other systems: github.com/citusdata/postgresql-hll)',
  );
  const orm = await createOrm({
    url,
    entities: [],
    migrations: { list: [...eventStoreMigrations, ...rollupMigrations] },
  });
  try {
    return await runMigrations(orm);
  } finally {
    await orm.close();
  }
}

/** The platform database (DATABASE_URL): saved dashboards, recorded in `metrics_migrations`. */
export async function migratePlatform(url: string): Promise<string[]> {
  await ensureDatabase(url);
  const orm = await createOrm({ url, entities: [DashboardEntity], migrations: dashboardMigrations });
  try {
    return await runMigrations(orm);
  } finally {
    await orm.close();
  }
}

/** TIMESCALE_ENABLED=true needs the extension on the server: refuse to start without it. */
export async function checkTimescale(url: string): Promise<void> {
  await requireExtension(
    url,
    'timescaledb',
    'TIMESCALE_ENABLED=true but the timescaledb extension is not installed on the analytics PostgreSQL server; ' +
      'install TimescaleDB or set TIMESCALE_ENABLED=false (plain PostgreSQL rollups)',
  );
}

/** Throws `message` unless the server at `url` can create the extension `name`. */
async function requireExtension(url: string, name: string, message: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rowCount } = await client.query(`SELECT 1 FROM pg_available_extensions WHERE name = $1`, [name]);
    if (rowCount === 0) throw new Error(message);
  } finally {
    await client.end();
  }
}
