import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DatabaseUnavailableError,
  Migration,
  createOrm,
  defineEntity,
  runMigrations,
  type MigrationEntry,
  type Orm,
} from './index.js';
import { withTestDatabase, type TestDatabase } from './testing.js';

// Test-only schema: service libs bring their own migration lists.
class CreateNote extends Migration {
  override up(): void {
    this.addSql('create table note (id serial primary key, slug text not null unique, body text not null)');
  }
}
class AddNoteCreatedAt extends Migration {
  override up(): void {
    this.addSql('alter table note add column created_at timestamptz not null default now()');
  }
}
const migrations: MigrationEntry[] = [
  { name: '0001-create-note', class: CreateNote },
  { name: '0002-add-note-created-at', class: AddNoteCreatedAt },
];

const Note = defineEntity({
  name: 'Note',
  tableName: 'note',
  properties: (p) => ({
    id: p.integer().primary().autoincrement(),
    slug: p.text().unique(),
    body: p.text(),
    createdAt: p.datetime().onCreate(() => new Date()),
  }),
});

describe('createOrm', () => {
  let db: TestDatabase;
  let orm: Orm;

  beforeAll(async () => {
    db = await withTestDatabase();
    orm = await createOrm({ url: db.url, entities: [Note], migrations: { list: migrations }, poolMax: 2 });
  });
  afterAll(async () => {
    await orm?.close(true);
    await db?.drop();
  });

  it('applies pending migrations in order, and nothing the second time', async () => {
    expect(await runMigrations(orm)).toEqual(['0001-create-note', '0002-add-note-created-at']);
    const columns = await orm.em
      .getConnection()
      .execute(`select column_name from information_schema.columns where table_name = 'note' order by 1`);
    expect(columns.map((c) => c.column_name)).toEqual(['body', 'created_at', 'id', 'slug']);
    expect(await runMigrations(orm)).toEqual([]);
  });

  it('persists and loads a defineEntity entity through forked EntityManagers', async () => {
    const writer = orm.em.fork();
    const note = writer.create(Note, { slug: 'hello', body: 'tab\there' });
    await writer.flush();
    expect(note.id).toBeGreaterThan(0);

    const loaded = await orm.em.fork().findOneOrFail(Note, { slug: 'hello' });
    expect(loaded).toMatchObject({ id: note.id, slug: 'hello', body: 'tab\there' });
    expect(loaded.createdAt).toBeInstanceOf(Date);
  });

  it('refuses the global EntityManager', async () => {
    await expect(orm.em.find(Note, {})).rejects.toThrow(/global EntityManager instance methods/);
  });

  it("keeps MikroORM's exception names, which the rpc lib maps", async () => {
    const em = orm.em.fork();
    em.create(Note, { slug: 'twice', body: 'a' });
    await em.flush();
    const again = orm.em.fork();
    again.create(Note, { slug: 'twice', body: 'b' });
    await expect(again.flush()).rejects.toMatchObject({ name: 'UniqueConstraintViolationException' });
  });

  it('gives the friendly error with the password masked when PostgreSQL is unreachable', async () => {
    const url = 'postgresql://postgres:s3cret@127.0.0.1:1/broxiva';
    const err = await createOrm({ url, entities: [Note], migrations: { list: [] } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseUnavailableError);
    expect((err as Error).message).toMatch(
      /^cannot connect to PostgreSQL at postgresql:\/\/postgres:\*\*\*@127/,
    );
    expect((err as Error).message).not.toContain('s3cret');
  });

  it('lets replicas migrate at once: one applies, the others wait and find nothing pending', async () => {
    const fresh = await withTestDatabase();
    const orms = await Promise.all(
      [1, 2, 3].map(() =>
        createOrm({ url: fresh.url, entities: [Note], migrations: { list: migrations }, poolMax: 2 }),
      ),
    );
    try {
      const results = await Promise.all(orms.map((o) => runMigrations(o)));
      expect(results.flat().sort()).toEqual(['0001-create-note', '0002-add-note-created-at']);
      expect(results.filter((r) => r.length === 2)).toHaveLength(1);
    } finally {
      await Promise.all(orms.map((o) => o.close(true)));
      await fresh.drop();
    }
  });
});
