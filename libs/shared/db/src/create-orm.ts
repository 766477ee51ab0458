import type { Constructor } from '@mikro-orm/core';
import { Migrator, type Migration } from '@mikro-orm/migrations';
import { MikroORM, type Options } from '@mikro-orm/postgresql';
import pg from 'pg';
import { DatabaseUnavailableError } from './database-unavailable-error.js';

/** One migration: a class extending `Migration` and the name it is recorded under once applied. */
export interface MigrationEntry {
  readonly name: string;
  readonly class: Constructor<Migration>;
}

/**
 * Where migrations come from. A `list` of imported classes works everywhere, tsx and vitest included, with
 * no file globbing; a `path` is globbed for `*.{js,ts}` files at run time. `tableName` records which ran
 * (default `mikro_orm_migrations`): give each owner of tables its own when several share a database.
 */
export type MigrationSource = ({ readonly list: readonly MigrationEntry[] } | { readonly path: string }) & {
  readonly tableName?: string;
};

export interface OrmConfig {
  /** `postgresql://user:password@host:port/database`; the database must exist (see ensureDatabase). */
  readonly url: string;
  /** Entities made with `defineEntity` (or EntitySchema): decorators need metadata tsx/vitest do not emit. */
  readonly entities: NonNullable<Options['entities']>;
  readonly migrations: MigrationSource;
  /** Logs every query. */
  readonly debug?: boolean;
  /** Largest number of pooled connections (knex's default is 10). */
  readonly poolMax?: number;
  /**
   * Where MikroORM's own messages (the migrator's "Processing …", "Applied …") go; default standard output.
   * Tools whose standard output is a JSON document send them to standard error.
   */
  readonly log?: (message: string) => void;
}

/** The ORM for PostgreSQL, with `orm.em` typed as the SQL EntityManager. */
export type Orm = MikroORM;

/**
 * Starts MikroORM on PostgreSQL with the Migrator, and checks the connection: the global EntityManager is
 * disabled (`allowGlobalContext: false`), so work goes through `orm.em.fork()` per request or message.
 * MikroORM's driver exceptions (UniqueConstraintViolationException, ConnectionException, …) are thrown
 * unchanged and keep those class names as `err.name`, which is what the rpc lib maps to status codes.
 * @throws DatabaseUnavailableError when the first connection fails.
 */
export async function createOrm(config: OrmConfig): Promise<Orm> {
  const { migrations } = config;
  const orm = await MikroORM.init({
    clientUrl: config.url,
    entities: [...config.entities],
    extensions: [Migrator],
    allowGlobalContext: false,
    debug: config.debug ?? false,
    ...(config.log === undefined ? {} : { logger: config.log }),
    // Creating databases is ensureDatabase's job; MikroORM's own attempt would hide the connection error.
    ensureDatabase: false,
    // A process may only run migrations (a migrate command) and register no entities.
    discovery: { warnWhenNoEntities: false },
    ...(config.poolMax === undefined ? {} : { pool: { max: config.poolMax } }),
    migrations: {
      ...('list' in migrations
        ? { migrationsList: migrations.list.map((m) => ({ name: m.name, class: m.class })) }
        : { path: migrations.path }),
      ...(migrations.tableName === undefined ? {} : { tableName: migrations.tableName }),
      // Snapshots feed `migration:create` diffs; written after every run they would litter the working
      // directory with one .snapshot-<db>.json per (test) database.
      snapshot: false,
    },
  });
  const check = await orm.checkConnection();
  if (!check.ok) {
    await orm.close(true);
    throw new DatabaseUnavailableError(config.url, check.error ?? check.reason);
  }
  return orm;
}

/** The advisory lock key migrations hold: any constant shared by every process of the product. */
const MIGRATION_LOCK = 7_301_420_261;

/**
 * Applies pending migrations in one transaction (all or nothing) and resolves the names applied, in order;
 * an empty list when the database is up to date. Run at start-up and from a migrate command.
 *
 * Replicas starting together would otherwise race on the same migrations (both see them pending, one fails
 * on "already exists"): a PostgreSQL session advisory lock, held on a connection of its own for the whole
 * run, makes the others wait and then find nothing pending. The lock goes when that connection ends, so a
 * process that dies mid-migration never leaves it held.
 */
export async function runMigrations(orm: Orm): Promise<string[]> {
  const lock = new pg.Client({ connectionString: orm.config.getClientUrl() });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await orm.getMigrator().up();
    return applied.map((m) => m.name);
  } finally {
    await lock.end();
  }
}
