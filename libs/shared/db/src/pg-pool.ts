import pg from 'pg';

export interface PgPoolOptions {
  /** Largest number of connections (pg's default is 10). */
  readonly max?: number;
  /** Told about errors of idle connections, e.g. the server restarting. */
  readonly onError?: (err: Error) => void;
}

/**
 * A plain `pg.Pool` for the raw write paths MikroORM is slow at: COPY (see copyRows) and
 * `insert … select unnest($1::text[], …)`, whose array parameters MikroORM's `execute` would expand.
 */
export function pgPool(url: string, options: PgPoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    ...(options.max === undefined ? {} : { max: options.max }),
  });
  // Without a listener an idle connection dropped by the server is an uncaught 'error' that kills the
  // process; the pool has already discarded that connection and will open a new one when needed.
  pool.on('error', options.onError ?? (() => undefined));
  return pool;
}
