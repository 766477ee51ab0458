import { Migration } from '@mikro-orm/migrations';

/**
 * Daily slices (slices.ts): per day, pair of dimension names (`d1`, `d2`, '' where fewer) and pair of
 * values, every measure as a column. `rollup_sliced_days` lists the days whose slices are current.
 */
export class RollupSlicesMigration extends Migration {
  override up(): void {
    this.addSql(`CREATE TABLE IF NOT EXISTS rollup_daily_slices (
      day date NOT NULL,
      d1 text NOT NULL,
      v1 text NOT NULL,
      d2 text NOT NULL,
      v2 text NOT NULL,
      revenue numeric(20, 4) NOT NULL,
      items_sold numeric(20, 4) NOT NULL,
      orders bigint NOT NULL,
      page_views bigint NOT NULL,
      product_views bigint NOT NULL,
      add_to_cart bigint NOT NULL,
      checkout_starts bigint NOT NULL,
      users_hll hll NOT NULL,
      new_users_hll hll NOT NULL,
      sessions_hll hll NOT NULL,
      purchase_sessions_hll hll NOT NULL,
      cart_sessions_hll hll NOT NULL,
      cart_or_purchase_sessions_hll hll NOT NULL)`);
    this.addSql(`CREATE INDEX IF NOT EXISTS rollup_daily_slices_key ON rollup_daily_slices (d1, d2, day)`);
    this.addSql(`CREATE TABLE IF NOT EXISTS rollup_sliced_days (day date PRIMARY KEY)`);
  }

  override down(): void {
    this.addSql(`DROP TABLE IF EXISTS rollup_sliced_days`);
    this.addSql(`DROP TABLE IF EXISTS rollup_daily_slices`);
  }
}
