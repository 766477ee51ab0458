import { inTransaction } from '@broxiva/db';
import type { Pool, PoolClient } from 'pg';

export type Row = Record<string, unknown>;

/** Rows fetched per round trip from the server-side cursor. */
const FETCH_ROWS = 20_000;

/**
 * What every behavioural read sets in its transaction: JIT compilation off. The events table has a
 * partition per day; for a scan over a year PostgreSQL's JIT compiles expressions for each of hundreds of
 * partitions, which cost 5-10 s before the first row in our benchmark (12.9 s → 2.8 s for 12 months of
 * cohorts).
 */
export const READ_SETTINGS = ['SET LOCAL jit = off'] as const;

/**
 * Runs `work` in a read-only transaction with READ_SETTINGS. `repeatableRead`: every statement sees one snapshot (e.g. a table's state row and its contents).
 */
export function inReadOnlyTransaction<T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<T>,
  opts: { repeatableRead?: boolean } = {},
): Promise<T> {
  return inTransaction(
    pool,
    async (client) => {
      for (const setting of READ_SETTINGS) await client.query(setting);
      return work(client);
    },
    { readOnly: true, ...opts },
  );
}

/** Streams a query's rows in chunks through a server-side cursor in a read-only transaction. */
export async function withCursor(
  pool: Pool,
  sql: string,
  params: unknown[],
  onRows: (rows: Row[]) => void,
): Promise<void> {
  await inReadOnlyTransaction(pool, async (client) => {
    await client.query(`DECLARE behaviour_cursor NO SCROLL CURSOR FOR ${sql}`, params);
    for (;;) {
      const { rows } = await client.query<Row>(`FETCH ${FETCH_ROWS} FROM behaviour_cursor`);
      if (rows.length === 0) break;
      onRows(rows);
    }
  });
}
