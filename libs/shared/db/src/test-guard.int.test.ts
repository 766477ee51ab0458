import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertTestDatabase, clearTables, pgPool } from './index.js';
import { DEFAULT_TEST_SERVER, dropTestDatabase, withTestDatabase, type TestDatabase } from './testing.js';

describe('assertTestDatabase', () => {
  it.each(['broxiva', 'postgresql://postgres:pw@127.0.0.1:5432/broxiva', 'analytics'])('refuses %s', (db) => {
    expect(() => assertTestDatabase(db)).toThrow(/^refusing to modify database "(broxiva|analytics)"/);
  });

  it.each(['broxiva_test_x', 'postgresql://postgres@127.0.0.1:5432/broxiva_test_x', 'test'])(
    'allows %s',
    (db) => {
      expect(() => assertTestDatabase(db)).not.toThrow();
    },
  );

  it('guards dropTestDatabase before it connects', async () => {
    await expect(dropTestDatabase(DEFAULT_TEST_SERVER)).rejects.toThrow(
      'refusing to modify database "postgres"',
    );
  });
});

describe('clearTables', () => {
  let db: TestDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    db = await withTestDatabase();
    pool = pgPool(db.url, { max: 2 });
    await pool.query('create schema extra');
    await pool.query('create table item (id serial primary key, name text)');
    await pool.query('create table extra."Odd Name" (id int)');
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('empties the tables and restarts their identities', async () => {
    await pool.query(`insert into item (name) values ('a'), ('b')`);
    await pool.query('insert into extra."Odd Name" values (1)');
    await clearTables(pool, ['item', 'extra.Odd Name']);
    expect((await pool.query('select count(*)::int as n from extra."Odd Name"')).rows).toEqual([{ n: 0 }]);
    await pool.query(`insert into item (name) values ('c')`);
    expect((await pool.query('select id, name from item')).rows).toEqual([{ id: 1, name: 'c' }]);
  });

  it('refuses a database whose name lacks "test", truncating nothing', async () => {
    const client = new pg.Client({ connectionString: DEFAULT_TEST_SERVER });
    await client.connect();
    try {
      await expect(clearTables(client, ['pg_catalog.pg_database'])).rejects.toThrow(
        'refusing to modify database "postgres"',
      );
    } finally {
      await client.end();
    }
  });
});
