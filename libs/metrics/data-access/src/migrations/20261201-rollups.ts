import { Migration } from '@mikro-orm/migrations';

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
const MEASURES = `
  events bigint NOT NULL,
  revenue numeric(20, 4) NOT NULL,
  items_sold numeric(20, 4) NOT NULL,
  users bigint NOT NULL,
  sessions bigint NOT NULL`;

/**
 * Rollups of the event store, in the analytics database. `rollup_hourly` holds one row per UTC hour and
 * combination of the event-level dimensions; `rollup_hourly_category` the same split by item category (a
 * purchase of two categories is one row in each), so sums never double count. Missing values are ''.
 * `users`/`sessions` are exact for their own row only (distinct counts do not add up across rows); range
 * queries count them from raw events. `rollup_dirty` lists hours whose events changed since last computed.
 */
export class RollupsMigration extends Migration {
  override up(): void {
    this.addSql(`CREATE TABLE IF NOT EXISTS rollup_dirty (
      hour timestamptz PRIMARY KEY,
      marked_at timestamptz NOT NULL DEFAULT clock_timestamp())`);
    this.addSql(`CREATE TABLE IF NOT EXISTS rollup_hourly (hour timestamptz NOT NULL, ${DIMS}, ${MEASURES})`);
    this.addSql(`CREATE INDEX IF NOT EXISTS rollup_hourly_hour ON rollup_hourly (hour)`);
    this.addSql(`CREATE TABLE IF NOT EXISTS rollup_hourly_category (
      hour timestamptz NOT NULL, category text NOT NULL, ${DIMS}, ${MEASURES})`);
    this.addSql(
      `CREATE INDEX IF NOT EXISTS rollup_hourly_category_hour ON rollup_hourly_category (hour, category)`,
    );
    this.addSql(`CREATE TABLE IF NOT EXISTS user_first_seen (
      user_key text PRIMARY KEY,
      first_seen timestamptz NOT NULL)`);
    this.addSql(`CREATE INDEX IF NOT EXISTS user_first_seen_at ON user_first_seen (first_seen)`);
    // One row per day of SHOP_TIMEZONE, for Grafana's PostgreSQL data source.
    this.addSql(`CREATE TABLE IF NOT EXISTS daily_metrics (
      day date PRIMARY KEY,
      revenue numeric(20, 4) NOT NULL,
      orders bigint NOT NULL,
      average_order_value numeric(20, 4) NOT NULL,
      items_sold numeric(20, 4) NOT NULL,
      sessions bigint NOT NULL,
      users bigint NOT NULL,
      new_users bigint NOT NULL,
      page_views bigint NOT NULL,
      product_views bigint NOT NULL,
      add_to_cart bigint NOT NULL,
      checkout_starts bigint NOT NULL,
      conversion_rate numeric(7, 2) NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now())`);
  }

  override down(): void {
    for (const t of [
      'daily_metrics',
      'user_first_seen',
      'rollup_hourly_category',
      'rollup_hourly',
      'rollup_dirty',
    ]) {
      this.addSql(`DROP TABLE IF EXISTS ${t}`);
    }
  }
}
