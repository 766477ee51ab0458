/**
 * HyperLogLog sketches of distinct users and sessions in the rollups (PostgreSQL's `hll` extension).
 * 2^12 registers of 5 bits: a relative standard error of 1.04/√4096 ≈ 1.6 % on large counts, and exact
 * counts up to 320 distinct values (the extension keeps sets no larger than its 2,560-byte register array
 * as a list of 8-byte hashes). Every sketch in the rollups uses these parameters, since only sketches with
 * the same parameters can be unioned. 2^14 registers (0.81 %) made a month by two dimensions 3–5 times
 * slower to union (about 60 µs a sketch), beyond the 50 ms a query may take.
 */
export const HLL_LOG2M = 12;

/** Counts up to this are exact (the sketch is still an explicit list). */
export const HLL_EXACT_UP_TO = (2 ** HLL_LOG2M * 5) / 64;

/** Relative standard error of a count read from a sketch (beyond the exact range). */
export const HLL_STANDARD_ERROR = 1.04 / Math.sqrt(2 ** HLL_LOG2M);

/** Sketch columns of every rollup row: users, sessions, and users first seen in the row's hour. */
export const SKETCHES = ['users_hll', 'sessions_hll', 'new_users_hll'] as const;

/** An aggregate sketching the text `expr` of the rows `filter` keeps (never NULL: empty when none). */
export function sketchOf(expr: string, filter = 'true'): string {
  return `coalesce(hll_add_agg(hll_hash_text(${expr}), ${HLL_LOG2M}) FILTER (WHERE ${expr} IS NOT NULL AND ${filter}), hll_empty(${HLL_LOG2M}))`;
}

/** An aggregate unioning the sketch column `column` of the rows `filter` keeps. */
export function unionOf(column: string, filter?: string): string {
  const agg = `hll_union_agg(${column})${filter === undefined ? '' : ` FILTER (WHERE ${filter})`}`;
  return `coalesce(${agg}, hll_empty(${HLL_LOG2M}))`;
}

/** The count a sketch estimates, as a whole number. */
export const countOf = (sketch: string) => `round(hll_cardinality(${sketch}))::bigint`;
