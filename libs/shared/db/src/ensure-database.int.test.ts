import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseUnavailableError, START_POSTGRES_HINT, databaseName, ensureDatabase } from './index.js';
import { DEFAULT_TEST_SERVER, dropTestDatabase } from './testing.js';

const created: string[] = [];
const freshUrl = (prefix = 'broxiva_test_ensure'): string => {
  const url = DEFAULT_TEST_SERVER.replace(/\/postgres$/, `/${prefix}_${randomBytes(4).toString('hex')}`);
  created.push(url);
  return url;
};

async function exists(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: DEFAULT_TEST_SERVER });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [databaseName(url)]);
    return found.rowCount === 1;
  } finally {
    await client.end();
  }
}

afterEach(async () => {
  await Promise.all(created.splice(0).map(dropTestDatabase));
});

describe('ensureDatabase', () => {
  it('creates the database, then does nothing', async () => {
    const url = freshUrl();
    expect(await exists(url)).toBe(false);
    expect(await ensureDatabase(url)).toBe(true);
    expect(await exists(url)).toBe(true);
    expect(await ensureDatabase(url)).toBe(false);
  });

  it('lets exactly one of several concurrent callers create it', async () => {
    const url = freshUrl();
    const results = await Promise.all([1, 2, 3, 4].map(() => ensureDatabase(url)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await exists(url)).toBe(true);
  });

  it('quotes a name that needs quoting', async () => {
    const url = freshUrl('Broxiva%20test%22quoted');
    expect(await ensureDatabase(url)).toBe(true);
    expect(await exists(url)).toBe(true);
  });

  it('names the URL with the password masked, and how to start PostgreSQL, when the server is down', async () => {
    const url = 'postgresql://postgres:s3cret@127.0.0.1:1/broxiva';
    const err = await ensureDatabase(url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseUnavailableError);
    const message = (err as Error).message;
    expect(message).toContain(
      'cannot connect to PostgreSQL at postgresql://postgres:***@127.0.0.1:1/broxiva',
    );
    expect(message).toContain('ECONNREFUSED');
    expect(message).toContain(START_POSTGRES_HINT);
    expect(message).not.toContain('s3cret');
    expect((err as Error).name).toBe('DatabaseUnavailableError');
  });

  it('masks the password of a URL that does not parse', async () => {
    await expect(ensureDatabase('postgresql://postgres:s3cret@127.0.0.1:99999/x')).rejects.toThrow(
      'invalid database URL postgresql://postgres:***@127.0.0.1:99999/x',
    );
  });
});
