import type { Pool, PoolClient } from 'pg';
import { forgetUserActivityBefore } from './user-activity.js';

const DAY_MS = 86_400_000;
const NAME = /^events_p(\d{4})(\d{2})(\d{2})$/;

/** The UTC day (YYYY-MM-DD) an instant falls in: the partition that holds it. */
export const dayOf = (iso: string): string => iso.slice(0, 10);

export const partitionName = (day: string): string => `events_p${day.replaceAll('-', '')}`;

/**
 * Creates daily partitions of `events` on demand, outside the write transaction (creating a partition
 * locks the parent briefly). Known partitions are cached so the hot path costs one Set lookup.
 */
export function createPartitionManager(pool: Pool) {
  const known = new Set<string>();

  async function ensure(days: Iterable<string>): Promise<void> {
    const missing = [...new Set(days)].filter((d) => !known.has(d));
    if (missing.length === 0) return;
    const client = await pool.connect();
    try {
      for (const day of missing) {
        await createDay(client, day);
        known.add(day);
      }
    } finally {
      client.release();
    }
  }

  /**
   * Drops partitions whose whole day is before `cutoff`, their id entries and their activity in the per-user
   * activity tables. Returns the dropped names.
   */
  async function dropBefore(cutoff: Date): Promise<string[]> {
    const { rows } = await pool.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i
         JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relname = 'events' ORDER BY 1`,
    );
    const dropped: string[] = [];
    let keptFrom = 0;
    for (const { name } of rows) {
      const m = NAME.exec(name);
      if (m === null) continue;
      const dayEnd = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) + DAY_MS;
      if (dayEnd > cutoff.getTime()) continue;
      // The name comes from the catalogue and matched NAME, so it is a safe identifier.
      await pool.query(`DROP TABLE IF EXISTS ${name}`);
      known.delete(`${m[1]}-${m[2]}-${m[3]}`);
      dropped.push(name);
      keptFrom = Math.max(keptFrom, dayEnd);
    }
    await pool.query('DELETE FROM event_ids WHERE ts < $1', [cutoff]);
    // The per-user activity tables must describe the events kept, not those just dropped.
    if (dropped.length > 0) await forgetUserActivityBefore(pool, new Date(keptFrom));
    return dropped;
  }

  return { ensure, dropBefore };
}

export type PartitionManager = ReturnType<typeof createPartitionManager>;

async function createDay(client: PoolClient, day: string): Promise<void> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`not a day: ${day}`);
  const from = new Date(`${day}T00:00:00Z`);
  const to = new Date(from.getTime() + DAY_MS);
  try {
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${partitionName(day)} PARTITION OF events
         FOR VALUES FROM ('${from.toISOString()}') TO ('${to.toISOString()}')`,
    );
  } catch (e) {
    // Another writer created it between our IF NOT EXISTS check and the catalogue insert.
    const code = (e as { code?: string }).code;
    if (code !== '42P07' && code !== '23505') throw e;
  }
}
