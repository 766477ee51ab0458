import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyRows, copyTextRow, pgPool } from './index.js';
import { withTestDatabase, type TestDatabase } from './testing.js';

describe('copyTextRow', () => {
  it('escapes the text format and spells null, booleans and numbers as PostgreSQL reads them', () => {
    expect(copyTextRow(['a\tb', 'x\ny\rz', 'back\\slash', '\\N', null, true, false, 1.5, -0, NaN])).toBe(
      'a\\tb\tx\\ny\\rz\tback\\\\slash\t\\\\N\t\\N\tt\tf\t1.5\t0\tNaN',
    );
  });
});

describe('copyRows', () => {
  let db: TestDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    db = await withTestDatabase();
    pool = pgPool(db.url, { max: 2 });
    await pool.query('create table row_copy (id int primary key, body text, flag boolean, score float8)');
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('stores tabs, newlines, backslashes and nulls intact (text format)', async () => {
    const bodies = ['tab\there', 'two\nlines\r\n', 'C:\\path\\n', '\\N is not null', '', null, 'ünïcødé 🛒'];
    const rows = bodies.map((body, i) => copyTextRow([i, body, i % 2 === 0, i === 5 ? null : i / 4]));
    const client = await pool.connect();
    try {
      expect(await copyRows(client, 'copy row_copy (id, body, flag, score) from stdin', rows)).toBe(
        bodies.length,
      );
    } finally {
      client.release();
    }
    const stored = await pool.query('select id, body, flag, score from row_copy order by id');
    expect(stored.rows).toEqual(
      bodies.map((body, i) => ({ id: i, body, flag: i % 2 === 0, score: i === 5 ? null : i / 4 })),
    );
  });

  it('streams many rows from an async source in CSV format', async () => {
    async function* source(): AsyncGenerator<string> {
      for (let i = 1000; i < 21_000; i++) yield `${i},"quoted, ""comma""",t,`;
    }
    const client = await pool.connect();
    try {
      expect(
        await copyRows(client, 'copy row_copy (id, body, flag, score) from stdin (format csv)', source()),
      ).toBe(20_000);
    } finally {
      client.release();
    }
    const sample = await pool.query(
      'select count(*)::int as n, min(body) as body from row_copy where id >= 1000',
    );
    expect(sample.rows).toEqual([{ n: 20_000, body: 'quoted, "comma"' }]);
  });
});
