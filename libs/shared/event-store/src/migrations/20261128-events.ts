import { Migration } from '@mikro-orm/migrations';

/**
 * The event store. `events` is partitioned by day on the (skew-corrected) event time so retention drops
 * whole partitions; partitions are created on demand by the writer (partitions.ts). Uniqueness of
 * event_id across partitions is held by `event_ids` (a partitioned table's unique key must contain the
 * partition key, and a resent event may carry a different corrected time), so a redelivered or resent
 * event is never written twice.
 */
export class EventsMigration extends Migration {
  override up(): void {
    this.addSql(`
      CREATE TABLE IF NOT EXISTS events (
        event_id uuid NOT NULL,
        event_type text NOT NULL,
        user_id text,
        anonymous_id text,
        session_id text,
        ts timestamptz NOT NULL,
        received_at timestamptz NOT NULL,
        original_ts timestamptz,
        sent_at timestamptz,
        historical boolean NOT NULL DEFAULT false,
        properties jsonb,
        page_url text,
        page_path text,
        page_title text,
        referrer text,
        referrer_domain text,
        utm_source text,
        utm_medium text,
        utm_campaign text,
        utm_term text,
        utm_content text,
        locale text,
        timezone text,
        device_type text,
        browser text,
        browser_version text,
        os text,
        os_version text,
        is_bot boolean NOT NULL DEFAULT false,
        country text,
        region text,
        channel text,
        order_id text,
        cart_id text,
        coupon text,
        revenue numeric(18, 4),
        currency char(3),
        shipping numeric(18, 4),
        tax numeric(18, 4),
        items jsonb,
        PRIMARY KEY (event_id, ts)
      ) PARTITION BY RANGE (ts)`);
    // Per-user-in-time (journeys, cohorts) and per-type-in-time (funnels, metrics) reads.
    this.addSql(`CREATE INDEX IF NOT EXISTS events_user_ts ON events (coalesce(user_id, anonymous_id), ts)`);
    this.addSql(`CREATE INDEX IF NOT EXISTS events_type_ts ON events (event_type, ts)`);
    this.addSql(`
      CREATE TABLE IF NOT EXISTS event_ids (
        event_id uuid PRIMARY KEY,
        ts timestamptz NOT NULL
      )`);
    this.addSql(`CREATE INDEX IF NOT EXISTS event_ids_ts ON event_ids (ts)`);
  }

  override down(): void {
    this.addSql('DROP TABLE IF EXISTS event_ids');
    this.addSql('DROP TABLE IF EXISTS events');
  }
}
