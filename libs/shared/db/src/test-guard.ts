import type pg from 'pg';
import type { MikroORM } from '@mikro-orm/postgresql';
import { databaseName, quoteIdent } from './database-url.js';

/**
 * Throws unless the database (a name, or a URL naming it) has `test` in its name. Every destructive helper
 * calls this first, so a mistyped URL in a test or script can never wipe a real database.
 */
export function assertTestDatabase(urlOrName: string): void {
  const name = urlOrName.includes('://') ? databaseName(urlOrName) : urlOrName;
  if (!name.includes('test')) {
    throw new Error(`refusing to modify database "${name}": its name does not contain "test"`);
  }
}

/**
 * Empties `tables` (names, optionally `schema.table`) with one TRUNCATE … RESTART IDENTITY CASCADE, after
 * checking that the connected database is a test database. Takes an ORM or any pg pool or client.
 */
export async function clearTables(
  target: MikroORM | pg.Pool | pg.ClientBase,
  tables: readonly string[],
): Promise<void> {
  // Asked of the server rather than read from config: that is the database the TRUNCATE would hit.
  const rows = await query<{ db: string }>(target, 'select current_database() as db');
  assertTestDatabase(rows[0]?.db ?? '');
  if (tables.length === 0) return;
  const list = tables.map((t) => t.split('.').map(quoteIdent).join('.')).join(', ');
  await query(target, `truncate table ${list} restart identity cascade`);
}

async function query<R>(target: MikroORM | pg.Pool | pg.ClientBase, sql: string): Promise<R[]> {
  if ('query' in target) return (await target.query(sql)).rows as R[];
  // getConnection() does not touch the identity map, so it is allowed on the global EntityManager.
  return (await target.em.getConnection().execute(sql)) as R[];
}
