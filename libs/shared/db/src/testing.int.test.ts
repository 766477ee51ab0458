import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TEST_SERVER, withTestDatabase } from './testing.js';

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: DEFAULT_TEST_SERVER });
  await client.connect();
  try {
    return (await client.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
  } finally {
    await client.end();
  }
}

describe('withTestDatabase', () => {
  it('creates a fresh database and drops it even with a connection still open', async () => {
    const db = await withTestDatabase();
    expect(db.name).toMatch(/^broxiva_test_[0-9a-f]{12}$/);
    expect(db.url).toBe(`postgresql://postgres@127.0.0.1:5432/${db.name}`);

    const client = new pg.Client({ connectionString: db.url });
    client.on('error', () => undefined); // the forced drop terminates this session
    await client.connect();
    expect((await client.query('select current_database() as db')).rows).toEqual([{ db: db.name }]);

    await db.drop();
    expect(await databaseExists(db.name)).toBe(false);
    await db.drop(); // a second drop (e.g. afterAll after a test already dropped) is a no-op
    await client.end().catch(() => undefined);
  });

  it('uses the server and credentials of a given base URL', async () => {
    const db = await withTestDatabase('postgresql://postgres@localhost:5432/test');
    try {
      expect(db.url).toBe(`postgresql://postgres@localhost:5432/${db.name}`);
      expect(await databaseExists(db.name)).toBe(true);
    } finally {
      await db.drop();
    }
  });
});
