import { withAdminClient } from './admin-client.js';
import { databaseName, quoteIdent } from './database-url.js';

// duplicate_database, and the unique index on pg_database.datname: which one a losing concurrent
// CREATE DATABASE gets depends on whether the winner had committed when it checked.
const ALREADY_EXISTS = new Set(['42P04', '23505']);

/**
 * Creates the database named in `url` unless it exists, connecting to the server's `postgres` database.
 * Safe to run from several processes at once. Resolves `true` when this call created it.
 * @throws DatabaseUnavailableError when the server cannot be reached (URL with password masked, start hint).
 */
export async function ensureDatabase(url: string): Promise<boolean> {
  const name = databaseName(url);
  return withAdminClient(url, async (client) => {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount !== 0) return false;
    try {
      await client.query(`create database ${quoteIdent(name)}`);
      return true;
    } catch (err) {
      if (ALREADY_EXISTS.has((err as { code?: string }).code ?? '')) return false;
      throw err;
    }
  });
}
