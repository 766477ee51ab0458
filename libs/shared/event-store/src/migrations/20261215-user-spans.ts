import { Migration } from '@mikro-orm/migrations';
import { FILL_USER_SPANS_SQL, USER_SPANS_DDL } from '../user-spans.js';

/** Each user's first and last event time (user-spans.ts), filled from the events already stored. */
export class UserSpansMigration extends Migration {
  override up(): void {
    this.addSql(USER_SPANS_DDL);
    this.addSql(FILL_USER_SPANS_SQL);
  }

  override down(): void {
    this.addSql('DROP TABLE IF EXISTS user_spans');
  }
}
