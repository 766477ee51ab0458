import { randomUUID } from 'node:crypto';
import { defineEntity, Migration, type Orm } from '@broxiva/db';

/** Saved dashboards, in the platform database (DATABASE_URL). Widgets are kept as given (JSON). */
export const DashboardEntity = defineEntity({
  name: 'Dashboard',
  tableName: 'metrics_dashboards',
  properties: (p) => ({
    id: p.uuid().primary(),
    name: p.text(),
    description: p.text(),
    widgets: p.json<unknown[]>(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  }),
});

export class DashboardsMigration extends Migration {
  override up(): void {
    this.addSql(`CREATE TABLE IF NOT EXISTS metrics_dashboards (
      id uuid PRIMARY KEY,
      name text NOT NULL,
      description text NOT NULL,
      widgets jsonb NOT NULL,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL)`);
    this.addSql(
      `CREATE INDEX IF NOT EXISTS metrics_dashboards_created ON metrics_dashboards (created_at, id)`,
    );
  }
  override down(): void {
    this.addSql('DROP TABLE IF EXISTS metrics_dashboards');
  }
}

/** The platform database's migrations owned by Metrics, recorded in their own table `metrics_migrations`. */
export const dashboardMigrations = {
  list: [{ name: 'Migration20261201000000_dashboards', class: DashboardsMigration }],
  tableName: 'metrics_migrations',
} as const;

export interface DashboardFields {
  readonly name: string;
  readonly description: string;
  readonly widgets: readonly unknown[];
}

export interface StoredDashboard extends DashboardFields {
  readonly id: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Row = {
  id: string;
  name: string;
  description: string;
  widgets: unknown[];
  createdAt: Date;
  updatedAt: Date;
};
const plain = (d: Row): StoredDashboard => ({
  id: d.id,
  name: d.name,
  description: d.description,
  widgets: d.widgets,
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
});

/** CRUD over saved dashboards; each call forks its own EntityManager. Unknown ids resolve undefined. */
export function createDashboardStore(orm: Orm) {
  return {
    async create(fields: DashboardFields): Promise<StoredDashboard> {
      const em = orm.em.fork();
      const d = em.create(DashboardEntity, { id: randomUUID(), ...fields, widgets: [...fields.widgets] });
      await em.flush();
      return plain(d);
    },
    async get(id: string): Promise<StoredDashboard | undefined> {
      if (!UUID.test(id)) return undefined;
      const d = await orm.em.fork().findOne(DashboardEntity, { id });
      return d === null ? undefined : plain(d);
    },
    /** Oldest first; `offset` is where the page starts. */
    async list(limit: number, offset: number): Promise<{ items: StoredDashboard[]; more: boolean }> {
      const rows = await orm.em
        .fork()
        .find(DashboardEntity, {}, { orderBy: { createdAt: 'asc', id: 'asc' }, limit: limit + 1, offset });
      return { items: rows.slice(0, limit).map(plain), more: rows.length > limit };
    },
    async update(id: string, fields: DashboardFields): Promise<StoredDashboard | undefined> {
      if (!UUID.test(id)) return undefined;
      const em = orm.em.fork();
      const d = await em.findOne(DashboardEntity, { id });
      if (d === null) return undefined;
      em.assign(d, { name: fields.name, description: fields.description, widgets: [...fields.widgets] });
      await em.flush();
      return plain(d);
    },
    async delete(id: string): Promise<boolean> {
      if (!UUID.test(id)) return false;
      const n = await orm.em.fork().nativeDelete(DashboardEntity, { id });
      return n > 0;
    },
  };
}

export type DashboardStore = ReturnType<typeof createDashboardStore>;
