import type { Pool, PoolClient } from 'pg';

export interface TransactionOptions {
  /** BEGIN … READ ONLY. */
  readonly readOnly?: boolean;
  /** ISOLATION LEVEL REPEATABLE READ: every statement sees one snapshot. */
  readonly repeatableRead?: boolean;
}

/**
 * Runs `work` on one pooled connection inside BEGIN … COMMIT and resolves its result; rolls back and
 * rethrows when it throws (a failed ROLLBACK, say on a dropped connection, does not hide the first error),
 * and always returns the connection to the pool.
 */
export async function inTransaction<T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<T>,
  opts: TransactionOptions = {},
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(
      `BEGIN${opts.readOnly === true ? ' READ ONLY' : ''}${opts.repeatableRead === true ? ' ISOLATION LEVEL REPEATABLE READ' : ''}`,
    );
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}
