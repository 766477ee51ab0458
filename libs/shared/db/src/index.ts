export { ensureDatabase } from './ensure-database.js';
export {
  createOrm,
  runMigrations,
  type MigrationEntry,
  type MigrationSource,
  type Orm,
  type OrmConfig,
} from './create-orm.js';
export { pgPool, type PgPoolOptions } from './pg-pool.js';
export { inTransaction, type TransactionOptions } from './in-transaction.js';
export { copyRows, copyTextRow, type CopyValue } from './copy-rows.js';
export { assertTestDatabase, clearTables } from './test-guard.js';
export { DatabaseUnavailableError, START_POSTGRES_HINT } from './database-unavailable-error.js';
export { databaseName, maskUrl, quoteIdent, withDatabase } from './database-url.js';
// Re-exported so libs that own tables write entities and migrations against the same MikroORM copy.
export { defineEntity } from '@mikro-orm/core';
export { Migration } from '@mikro-orm/migrations';
