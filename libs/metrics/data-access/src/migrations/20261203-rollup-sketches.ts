import { Migration } from '@mikro-orm/migrations';

// Spelled out, not imported: a migration is frozen text.
const DIMS = `
  event_type text NOT NULL,
  region text NOT NULL,
  country text NOT NULL,
  device text NOT NULL,
  browser text NOT NULL,
  os text NOT NULL,
  channel text NOT NULL,
  utm_source text NOT NULL,
  referrer_domain text NOT NULL`;
const SKETCH_COLUMNS = ['users_hll', 'sessions_hll', 'new_users_hll'];

const ADDITIVE = `
  events bigint NOT NULL,
  revenue numeric(20, 4) NOT NULL,
  items_sold numeric(20, 4) NOT NULL`;

/**
 * Distinct counts that add up: every rollup row carries HyperLogLog sketches (the `hll` extension, Debian's
 * `postgresql-15-hll`) of its users, its sessions and its new users, replacing the exact per-row counts that
 * could not be combined across rows. Adds daily rollups (`rollup_daily`, `rollup_daily_category`), regrouped
 * from the hourly ones per day of the zone kept in `rollup_settings`, so a month by day reads ~30 rows per
 * combination instead of ~720. Hourly rows written before this migration have no sketches: their hours are
 * marked dirty and the worker recomputes them.
 */
export class RollupSketchesMigration extends Migration {
  override up(): void {
    this.addSql(`CREATE EXTENSION IF NOT EXISTS hll`);
    for (const t of ['rollup_hourly', 'rollup_hourly_category']) {
      this.addSql(
        `INSERT INTO rollup_dirty (hour) SELECT DISTINCT hour FROM ${t} ON CONFLICT (hour) DO NOTHING`,
      );
      this.addSql(`DELETE FROM ${t}`);
      this.addSql(`ALTER TABLE ${t} DROP COLUMN users, DROP COLUMN sessions,
        ${SKETCH_COLUMNS.map((c) => `ADD COLUMN ${c} hll NOT NULL`).join(', ')}`);
    }
    const sketches = SKETCH_COLUMNS.map((c) => `${c} hll NOT NULL`).join(', ');
    this.addSql(`CREATE TABLE IF NOT EXISTS rollup_daily (
      day date NOT NULL, ${DIMS}, ${ADDITIVE}, ${sketches})`);
    this.addSql(`CREATE INDEX IF NOT EXISTS rollup_daily_day ON rollup_daily (day)`);
    this.addSql(`CREATE TABLE IF NOT EXISTS rollup_daily_category (
      day date NOT NULL, category text NOT NULL, ${DIMS}, ${ADDITIVE}, ${sketches})`);
    this.addSql(
      `CREATE INDEX IF NOT EXISTS rollup_daily_category_day ON rollup_daily_category (day, category)`,
    );
    // One row: the zone whose days `rollup_daily*` hold (the worker's SHOP_TIMEZONE).
    this.addSql(`CREATE TABLE IF NOT EXISTS rollup_settings (
      id boolean PRIMARY KEY DEFAULT true CHECK (id),
      daily_zone text NOT NULL)`);
  }

  override down(): void {
    for (const t of ['rollup_settings', 'rollup_daily_category', 'rollup_daily']) {
      this.addSql(`DROP TABLE IF EXISTS ${t}`);
    }
    for (const t of ['rollup_hourly', 'rollup_hourly_category']) {
      this.addSql(
        `INSERT INTO rollup_dirty (hour) SELECT DISTINCT hour FROM ${t} ON CONFLICT (hour) DO NOTHING`,
      );
      this.addSql(`DELETE FROM ${t}`);
      this.addSql(`ALTER TABLE ${t} ${SKETCH_COLUMNS.map((c) => `DROP COLUMN ${c}`).join(', ')},
        ADD COLUMN users bigint NOT NULL, ADD COLUMN sessions bigint NOT NULL`);
    }
  }
}
