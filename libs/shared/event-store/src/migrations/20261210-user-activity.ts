import { Migration } from '@mikro-orm/migrations';
import { fillUserActivitySql, USER_ACTIVITY_DDL } from '../user-activity.js';

/**
 * Per-user activity tables for cohort analysis (user-activity.ts), kept on the UTC calendar (SHOP_TIMEZONE's
 * default) and filled from the events already stored; `ensureUserActivity` moves them to another zone.
 */
export class UserActivityMigration extends Migration {
  override up(): void {
    for (const sql of USER_ACTIVITY_DDL) this.addSql(sql);
    this.addSql(`INSERT INTO user_activity_state (zone) VALUES ('UTC') ON CONFLICT DO NOTHING`);
    this.addSql('TRUNCATE user_activity_days, user_firsts');
    for (const sql of fillUserActivitySql(`'-infinity'`, `'infinity'`)) this.addSql(sql);
  }

  override down(): void {
    this.addSql('DROP TABLE IF EXISTS user_firsts, user_activity_days, user_activity_state');
  }
}
