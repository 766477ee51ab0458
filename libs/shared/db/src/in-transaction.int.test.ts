import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction, pgPool } from './index.js';
import { withTestDatabase, type TestDatabase } from './testing.js';

describe('inTransaction', () => {
  let db: TestDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    db = await withTestDatabase();
    pool = pgPool(db.url, { max: 1 });
    await pool.query('create table tx_rows (id int primary key)');
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  const ids = async () => (await pool.query<{ id: number }>('select id from tx_rows order by id')).rows;

  it('commits the work and resolves its result', async () => {
    const n = await inTransaction(
      pool,
      async (c) => (await c.query('insert into tx_rows values (1), (2)')).rowCount,
    );
    expect(n).toBe(2);
    expect(await ids()).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('rolls everything back when the work throws, rethrows its error and frees the connection', async () => {
    await expect(
      inTransaction(pool, async (c) => {
        await c.query('insert into tx_rows values (3)');
        await c.query('insert into tx_rows values (1)'); // duplicate key
      }),
    ).rejects.toThrow(/duplicate key/);
    expect(await ids()).toEqual([{ id: 1 }, { id: 2 }]);
    // The pool holds one connection: this would wait forever had the failed call kept it.
    await inTransaction(pool, (c) => c.query('insert into tx_rows values (4)'));
    expect(await ids()).toEqual([{ id: 1 }, { id: 2 }, { id: 4 }]);
  });

  it('refuses writes in a read-only transaction, and keeps one snapshot when repeatable read', async () => {
    await expect(
      inTransaction(pool, (c) => c.query('insert into tx_rows values (9)'), { readOnly: true }),
    ).rejects.toThrow(/read-only transaction/);
    const other = pgPool(db.url, { max: 1 });
    try {
      const seen = await inTransaction(
        pool,
        async (c) => {
          const before = (await c.query('select count(*)::int AS n from tx_rows')).rows[0];
          await other.query('insert into tx_rows values (5)');
          const after = (await c.query('select count(*)::int AS n from tx_rows')).rows[0];
          return [before, after];
        },
        { readOnly: true, repeatableRead: true },
      );
      expect(seen).toEqual([{ n: 3 }, { n: 3 }]);
      expect(await ids()).toEqual([{ id: 1 }, { id: 2 }, { id: 4 }, { id: 5 }]);
    } finally {
      await other.end();
    }
  });
});
