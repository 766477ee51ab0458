import { randomBytes } from 'node:crypto';
import { withAdminClient } from './admin-client.js';
import { databaseName, quoteIdent, withDatabase } from './database-url.js';
import { ensureDatabase } from './ensure-database.js';
import { assertTestDatabase } from './test-guard.js';

export { assertTestDatabase, clearTables } from './test-guard.js';

/** The machine's PostgreSQL (trust auth), as every integration test uses it. */
export const DEFAULT_TEST_SERVER = 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  /** Connection URL of the fresh database. */
  readonly url: string;
  /** Its name, `broxiva_test_<random>`. */
  readonly name: string;
  /** Terminates its connections and drops it; calling it again does nothing. */
  drop(): Promise<void>;
}

/**
 * Creates an empty database `broxiva_test_<random>` on the server of `baseUrl` (same credentials), so
 * test files can run in parallel without seeing each other's rows. Call `drop()` in `afterAll`.
 */
export async function withTestDatabase(baseUrl: string = DEFAULT_TEST_SERVER): Promise<TestDatabase> {
  const name = `broxiva_test_${randomBytes(6).toString('hex')}`;
  const url = withDatabase(baseUrl, name);
  await ensureDatabase(url);
  return { url, name, drop: () => dropTestDatabase(url) };
}

/** Drops the database `url` names, closing its connections first; refuses unless it is a test database. */
export async function dropTestDatabase(url: string): Promise<void> {
  assertTestDatabase(url);
  const name = databaseName(url);
  // WITH (FORCE) (PostgreSQL 13+) terminates the sessions still connected, e.g. a pool a failed test
  // left open, which would otherwise make DROP DATABASE fail.
  await withAdminClient(url, (client) =>
    client.query(`drop database if exists ${quoteIdent(name)} with (force)`),
  );
}
