import pg from 'pg';
import { DatabaseUnavailableError } from './database-unavailable-error.js';
import { withDatabase } from './database-url.js';

/**
 * Runs `fn` with a client on the maintenance database (`postgres`) of the server `url` points at: the
 * database in `url` may not exist yet, and CREATE/DROP DATABASE cannot run while connected to the target.
 * A failed connect becomes a DatabaseUnavailableError naming `url`.
 */
export async function withAdminClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  // A bounded connect so a firewalled host fails in seconds instead of hanging start-up.
  const client = new pg.Client({ connectionString: withDatabase(url), connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (err) {
    throw new DatabaseUnavailableError(url, err);
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
