import {
  ADDITIVE_MEASURES,
  DISTINCT_MEASURES,
  type AdditiveMeasure,
  type DimensionName,
} from '@broxiva/metrics-domain';
import type { PoolClient } from 'pg';
import { EVENT_COUNTS, isSessionMeasure, SESSIONS_OF } from './measures-sql.js';
import { unionOf } from './sketch-sql.js';

/**
 * Daily slices: per day of the daily rollups' zone and per pair of dimensions, one row per pair of values
 * with every measure as a column (sums, and sketches per kind of session), so a month by two dimensions
 * reads ~30 × values rows instead of the daily rollups' rows for every combination of all ten dimensions
 * and event types. Kept for the commonest commerce dimensions: none (totals), each of them alone, and each
 * pair of them. Built for closed days (before the zone's today) from the daily rollups; a day the worker
 * recomputes loses its slices until rebuilt, and queries read such days from the daily rollups instead.
 */
export const SLICE_DIMENSIONS = [
  'category',
  'region',
  'country',
  'device',
  'channel',
  'utm_source',
] as const satisfies readonly DimensionName[];
type SliceDimension = (typeof SLICE_DIMENSIONS)[number];

/** A slice's key: its dimensions in catalogue order, '' where fewer than two. */
export interface SliceKey {
  readonly d1: SliceDimension | '';
  readonly d2: SliceDimension | '';
}

/** Every slice kept: totals, each dimension alone, each pair. */
export const SLICES: readonly SliceKey[] = [
  { d1: '', d2: '' },
  ...SLICE_DIMENSIONS.map((d) => ({ d1: d, d2: '' as const })),
  ...SLICE_DIMENSIONS.flatMap((a, i) => SLICE_DIMENSIONS.slice(i + 1).map((b) => ({ d1: a, d2: b }))),
];

/** The slice holding exactly these dimensions, if one is kept. */
export function sliceFor(dimensions: ReadonlySet<DimensionName>): SliceKey | undefined {
  if (dimensions.size > 2) return undefined;
  if (![...dimensions].every((d) => (SLICE_DIMENSIONS as readonly string[]).includes(d))) return undefined;
  const [d1 = '', d2 = ''] = SLICE_DIMENSIONS.filter((d) => dimensions.has(d));
  return { d1, d2 };
}

/**
 * Sum columns of a slice row, one per additive measure: the rollup rows' `events` of the type it counts,
 * or their own sum.
 */
export const SLICE_SUMS: Readonly<Record<AdditiveMeasure, string>> = Object.fromEntries(
  ADDITIVE_MEASURES.map((m) => {
    const type = EVENT_COUNTS[m];
    return [m, type === undefined ? `r.${m}` : `CASE WHEN r.event_type = '${type}' THEN r.events ELSE 0 END`];
  }),
) as Record<AdditiveMeasure, string>;

/**
 * Sketch columns of a slice row, `<measure>_hll` per distinct measure, from the rollup rows' sketches:
 * sessions of the rows the measure counts (NULL elsewhere), users, new users.
 */
export const SLICE_SKETCHES: Readonly<Record<string, string>> = Object.fromEntries(
  DISTINCT_MEASURES.map((m) => {
    if (!isSessionMeasure(m)) return [`${m}_hll`, `r.${m}_hll`];
    const rows = SESSIONS_OF[m];
    return [`${m}_hll`, rows === 'true' ? 'r.sessions_hll' : `CASE WHEN ${rows} THEN r.sessions_hll END`];
  }),
);

/**
 * Daily rollup rows `r` as slice-shaped rows: `day`, the two values `v1`/`v2` (of `key`), and every slice
 * column. By category when the key holds it. `where` holds conditions on `r` (trusted text, $n placeholders).
 */
export function sliceShapedRows(key: SliceKey, where: string): string {
  const table = key.d1 === 'category' || key.d2 === 'category' ? 'rollup_daily_category' : 'rollup_daily';
  const value = (d: SliceKey['d1']) => (d === '' ? `''` : `r.${d}`);
  const cols = [
    ...Object.entries(SLICE_SUMS).map(([c, e]) => `${e} AS ${c}`),
    ...Object.entries(SLICE_SKETCHES).map(([c, e]) => `${e} AS ${c}`),
  ];
  return `SELECT r.day, ${value(key.d1)} AS v1, ${value(key.d2)} AS v2, ${cols.join(', ')}
    FROM ${table} r WHERE ${where}`;
}

const COLUMNS = [...Object.keys(SLICE_SUMS), ...Object.keys(SLICE_SKETCHES)];

/**
 * Builds every slice of one day (YYYY-MM-DD) from its daily rollups, replacing any there were, and records
 * the day as sliced. Call in a transaction.
 */
export async function buildSlices(client: Pick<PoolClient, 'query'>, day: string): Promise<void> {
  await client.query(`DELETE FROM rollup_daily_slices WHERE day = $1::date`, [day]);
  for (const key of SLICES) {
    await client.query(
      `INSERT INTO rollup_daily_slices (day, d1, v1, d2, v2, ${COLUMNS.join(', ')})
       SELECT s.day, $2, s.v1, $3, s.v2,
              ${Object.keys(SLICE_SUMS)
                .map((c) => `sum(s.${c})`)
                .join(', ')},
              ${Object.keys(SLICE_SKETCHES)
                .map((c) => unionOf(`s.${c}`))
                .join(', ')}
         FROM (${sliceShapedRows(key, 'r.day = $1::date')}) s
        GROUP BY s.day, s.v1, s.v2`,
      [day, key.d1, key.d2],
    );
  }
  await client.query(`INSERT INTO rollup_sliced_days (day) VALUES ($1::date) ON CONFLICT DO NOTHING`, [day]);
}

/** Forgets a day's slices (its daily rollups are being recomputed). Call in that transaction. */
export async function dropSlices(client: Pick<PoolClient, 'query'>, day: string): Promise<void> {
  await client.query(`DELETE FROM rollup_sliced_days WHERE day = $1::date`, [day]);
  await client.query(`DELETE FROM rollup_daily_slices WHERE day = $1::date`, [day]);
}
