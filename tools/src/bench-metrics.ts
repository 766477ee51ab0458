// Benchmark of metric queries (issue 5's target): QueryMetrics for 30 days, revenue, orders and
// conversion_rate by category and region, on simulated events over 90 days. Prints JSON:
//   npx tsx tools/src/bench-metrics.ts [--events 10000000] [--database-url …/broxiva_bench] [--no-seed]
// Uncached latencies (p50/p95/p99 over varied 30-day windows), the cached p95, and the same answer
// computed straight from the events table with its time, the ratio, whether the sums agree exactly, and
// the relative error of the rates over sessions, which rollups estimate from HyperLogLog sketches.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { maskUrl, pgPool } from '@broxiva/db';
import {
  createMetricsReader,
  createQueryCache,
  HLL_STANDARD_ERROR,
  withQueryCache,
  type CacheResult,
  type MetricResult,
} from '@broxiva/metrics-data-access';
import { metricValue, type MetricQuery } from '@broxiva/metrics-domain';
import { createRedis, ready } from '@broxiva/redis';
import { deleteKeys } from '@broxiva/redis/testing';
import type { Pool } from 'pg';
import { seedEventStore } from './seed-store.js';

const DAY_MS = 86_400_000;
const WINDOW_DAYS = 30;
const METRICS = ['revenue', 'orders', 'conversion_rate'] as const;
const DIMENSIONS = ['category', 'region'] as const;

const { values: args } = parseArgs({
  options: {
    'database-url': { type: 'string', default: 'postgresql://postgres@127.0.0.1:5432/broxiva_bench' },
    'redis-url': { type: 'string', default: 'redis://127.0.0.1:6379' },
    events: { type: 'string', default: '10000000' },
    days: { type: 'string', default: '90' },
    users: { type: 'string' },
    'end-date': { type: 'string', default: '2025-12-01' },
    runs: { type: 'string', default: '50' },
    'raw-runs': { type: 'string', default: '3' },
    metrics: { type: 'string', default: METRICS.join(',') },
    'no-seed': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (args.help) {
  console.log(`bench-metrics [--database-url URL (broxiva_bench on 127.0.0.1)] [--redis-url URL]
              [--events N (10000000)] [--days D (90)] [--users U (events / 10)] [--end-date YYYY-MM-DD (2025-12-01)]
              [--runs N (50)] [--raw-runs N (3)] [--no-seed (use the events already in the database)]
              [--metrics a,b (a subset of ${METRICS.join(',')}, to time e.g. the additive ones alone)]
Seeds the database with simulated events (idempotent for the same options) unless --no-seed, then times
QueryMetrics for ${WINDOW_DAYS} days, ${METRICS.join(', ')} by ${DIMENSIONS.join(' and ')}: uncached, cached, and
straight from raw events. Prints JSON.`);
  process.exit(0);
}

const count = (name: 'events' | 'days' | 'runs' | 'raw-runs', min = 1) => {
  const n = Number(args[name]);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}`);
  return n;
};

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? NaN;
function stats(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  return {
    runs: s.length,
    p50: round(percentile(s, 0.5)),
    p95: round(percentile(s, 0.95)),
    p99: round(percentile(s, 0.99)),
    max: round(s[s.length - 1] ?? NaN),
  };
}

type BenchMetric = (typeof METRICS)[number];
const metrics = args.metrics.split(',').map((m) => {
  if (!(METRICS as readonly string[]).includes(m))
    throw new Error(`--metrics: each of ${METRICS.join(', ')}`);
  return m as BenchMetric;
});

const query = (start: Date): MetricQuery => ({
  start,
  end: new Date(start.getTime() + WINDOW_DAYS * DAY_MS),
  metrics,
  dimensions: DIMENSIONS,
  filters: [],
  granularity: undefined,
  timeZone: 'UTC',
  comparePrevious: false,
});

// Written from the metric definitions, apart from the reader (no rollups, no shared SQL): facts are one
// row per (event, item category), a purchase's revenue split into its line totals by category; an event
// without items takes properties.category and its own revenue. Bots are left out. Session counts (for
// conversion_rate) only when asked, so an additive-only run compares like with like.
const SESSIONS = metrics.includes('conversion_rate')
  ? `count(DISTINCT e.session_id) FILTER (WHERE e.event_type = 'purchase')::int AS purchase_sessions,
     count(DISTINCT e.session_id)::int AS sessions`
  : '0 AS purchase_sessions, 0 AS sessions';
const RAW_ROWS = `
  SELECT c.category, coalesce(e.region, '') AS region,
         coalesce(sum(c.revenue) FILTER (WHERE e.event_type = 'purchase'), 0)::float8 AS revenue,
         count(*) FILTER (WHERE e.event_type = 'purchase')::int AS orders, ${SESSIONS}
    FROM events e CROSS JOIN LATERAL (
      SELECT coalesce(i->>'category', '') AS category,
             sum(coalesce((i->>'price')::numeric, 0) * coalesce((i->>'quantity')::numeric, 0)) AS revenue
        FROM jsonb_array_elements(CASE WHEN jsonb_typeof(e.items) = 'array' THEN e.items ELSE '[]' END) i
       GROUP BY 1
      UNION ALL
      SELECT coalesce(e.properties->>'category', ''), e.revenue
       WHERE e.items IS NULL OR jsonb_typeof(e.items) <> 'array' OR jsonb_array_length(e.items) = 0
    ) c
   WHERE NOT e.is_bot AND e.ts >= $1 AND e.ts < $2
   GROUP BY 1, 2`;
const RAW_TOTALS = `
  SELECT coalesce(sum(e.revenue) FILTER (WHERE e.event_type = 'purchase'), 0)::float8 AS revenue,
         count(*) FILTER (WHERE e.event_type = 'purchase')::int AS orders, ${SESSIONS}
    FROM events e WHERE NOT e.is_bot AND e.ts >= $1 AND e.ts < $2`;

interface RawMeasures {
  revenue: number;
  orders: number;
  purchase_sessions: number;
  sessions: number;
}
const rawValues = (m: RawMeasures) =>
  Object.fromEntries(METRICS.map((k) => [k, metricValue(k, m)])) as Record<(typeof METRICS)[number], number>;

/** The answer from raw events, shaped like the reader's rows (sorted the same way) and totals. */
async function fromRawEvents(pool: Pool, q: MetricQuery) {
  const rows = await pool.query<RawMeasures & { category: string; region: string }>(RAW_ROWS, [
    q.start,
    q.end,
  ]);
  const totals = await pool.query<RawMeasures>(RAW_TOTALS, [q.start, q.end]);
  return {
    rows: rows.rows
      .map((r) => ({ dimensions: { category: r.category, region: r.region }, values: rawValues(r) }))
      .sort(
        (a, b) =>
          a.dimensions.category.localeCompare(b.dimensions.category) ||
          a.dimensions.region.localeCompare(b.dimensions.region),
      ),
    totals: rawValues(totals.rows[0] ?? { revenue: 0, orders: 0, purchase_sessions: 0, sessions: 0 }),
  };
}

/** Metrics whose rollup answers are estimates: rates over sessions counted by HyperLogLog sketches. */
const ESTIMATED = new Set<string>(['conversion_rate']);

/**
 * Compares the reader's answer with the raw one: sums must agree exactly (money to a cent's 1/100);
 * estimated metrics are compared by relative error, returned alongside.
 */
function compare(a: MetricResult, raw: Awaited<ReturnType<typeof fromRawEvents>>) {
  const differences: string[] = [];
  const errors: number[] = [];
  const check = (key: string, m: BenchMetric, x: number | undefined, y: number | undefined) => {
    if (ESTIMATED.has(m)) errors.push(Math.abs((x ?? NaN) - (y ?? NaN)) / Math.max(Math.abs(y ?? NaN), 1e-9));
    else if (!(Math.abs((x ?? NaN) - (y ?? NaN)) < 1e-4)) differences.push(`${key} ${m}: ${x} vs ${y}`);
  };
  if (a.rows.length !== raw.rows.length)
    differences.push(`rows: ${a.rows.length} vs ${raw.rows.length} from raw events`);
  raw.rows.forEach((r, i) => {
    const mine = a.rows[i];
    const key = `${r.dimensions.category}/${r.dimensions.region}`;
    if (
      mine?.dimensions.category !== r.dimensions.category ||
      mine.dimensions.region !== r.dimensions.region
    ) {
      differences.push(`row ${i}: ${mine?.dimensions.category}/${mine?.dimensions.region} vs ${key}`);
      return;
    }
    for (const m of metrics) check(key, m, mine.values[m], r.values[m]);
  });
  for (const m of metrics) check('total', m, a.totals[m], raw.totals[m]);
  const sorted = errors.sort((x, y) => x - y);
  return {
    differences,
    estimated:
      sorted.length === 0
        ? undefined
        : {
            metrics: metrics.filter((m) => ESTIMATED.has(m)),
            values: sorted.length,
            meanRelativeError: round(sorted.reduce((s, e) => s + e, 0) / sorted.length, 5),
            maxRelativeError: round(sorted[sorted.length - 1] ?? NaN, 5),
          },
  };
}

async function main(): Promise<void> {
  const databaseUrl = args['database-url'];
  const events = count('events');
  const days = count('days', WINDOW_DAYS);
  const runs = count('runs');
  const rawRuns = count('raw-runs');
  const endDate = new Date(`${args['end-date']}T00:00:00Z`);
  if (Number.isNaN(endDate.getTime())) throw new Error('--end-date must be YYYY-MM-DD');

  let seeded: unknown = 'skipped (--no-seed)';
  if (!args['no-seed']) {
    const users = args.users === undefined ? Math.max(1, Math.round(events / 10)) : Number(args.users);
    let last = 0;
    // MikroORM's migrator logs to stdout: send it to stderr meanwhile, keeping stdout for the JSON result.
    const write = process.stdout.write;
    process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
    seeded = await seedEventStore({
      databaseUrl,
      events,
      days,
      users,
      endDate,
      onProgress: (n) => {
        if (n - last >= 1_000_000 || n === events) {
          last = n;
          process.stderr.write(`seeded ${n} events\n`);
        }
      },
    }).finally(() => {
      process.stdout.write = write;
    });
  }

  const pool = pgPool(databaseUrl, { max: 4 });
  const prefix = `bench:metrics:${randomBytes(4).toString('hex')}`;
  const redis = createRedis({ url: args['redis-url'], keyPrefix: prefix, failFast: true });
  try {
    await ready(redis);
    const span = await pool.query<{ first: Date | null; last: Date | null; n: string }>(
      `SELECT min(ts) AS first, max(ts) AS last, count(*) AS n FROM events`,
    );
    const first = span.rows[0]?.first;
    const last = span.rows[0]?.last;
    if (first == null || last == null)
      throw new Error(`no events in ${maskUrl(databaseUrl)}; run without --no-seed`);
    const rangeStart = Math.floor(first.getTime() / DAY_MS) * DAY_MS;
    const rangeEnd = Math.floor(last.getTime() / DAY_MS) * DAY_MS + DAY_MS;
    const starts = Math.max(1, Math.floor((rangeEnd - rangeStart) / DAY_MS) - WINDOW_DAYS + 1);
    // Varied windows: run i starts i × 7 days (mod the possible starts) after the first day holding events.
    const windows = Array.from({ length: runs }, (_, i) =>
      query(new Date(rangeStart + ((i * 7) % starts) * DAY_MS)),
    );

    const reader = createMetricsReader({ pool, timeoutMs: 0 });
    const results: CacheResult[] = [];
    const cache = createQueryCache({ redis, ttlSeconds: 600, onResult: (r) => results.push(r) });
    const cached = withQueryCache(reader, cache);

    // One warm-up run (plans, caches of PostgreSQL's buffers), then the timed uncached runs.
    await reader.query(windows[0] ?? query(new Date(rangeStart)));
    const uncached: number[] = [];
    const sources = new Set<string>();
    for (const q of windows) {
      const t0 = performance.now();
      const r = await cached.query(q, { bypassCache: true });
      uncached.push(performance.now() - t0);
      sources.add(r.source);
    }

    // Cached: each window once into the cache (misses), then every window again, timed (hits).
    for (const q of windows) await cached.query(q);
    const hitsBefore = results.filter((r) => r === 'hit').length;
    const hits: number[] = [];
    for (const q of windows) {
      const t0 = performance.now();
      await cached.query(q);
      hits.push(performance.now() - t0);
    }
    const hitCount = results.filter((r) => r === 'hit').length - hitsBefore;

    // The first window from raw events: timed (median of rawRuns), and compared with the reader's answer.
    const q0 = windows[0] ?? query(new Date(rangeStart));
    const answer = await reader.query(q0);
    const rawTimes: number[] = [];
    let raw: Awaited<ReturnType<typeof fromRawEvents>> | undefined;
    for (let i = 0; i < rawRuns; i++) {
      const t0 = performance.now();
      raw = await fromRawEvents(pool, q0);
      rawTimes.push(performance.now() - t0);
    }
    const compared =
      raw === undefined ? { differences: ['no raw answer'], estimated: undefined } : compare(answer, raw);
    const diff = compared.differences;
    const windowEvents = await pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM events WHERE ts >= $1 AND ts < $2`,
      [q0.start, q0.end],
    );
    const uncachedStats = stats(uncached);
    const rawStats = stats(rawTimes);

    console.log(
      JSON.stringify(
        {
          bench: 'metrics-query',
          database: maskUrl(databaseUrl),
          seeded,
          events: Number(span.rows[0]?.n ?? 0),
          range: { start: new Date(rangeStart).toISOString(), end: new Date(rangeEnd).toISOString() },
          query: {
            days: WINDOW_DAYS,
            metrics,
            dimensions: DIMENSIONS,
            windows: runs,
            sources: [...sources],
          },
          eventsPerWindow: Number(windowEvents.rows[0]?.n ?? 0),
          uncachedMs: uncachedStats,
          cachedMs: { ...stats(hits), hits: hitCount },
          rawEventsMs: rawStats,
          ratioRawToUncachedP50: round(rawStats.p50 / uncachedStats.p50),
          rows: answer.rows.length,
          // Sums must agree exactly; rates over sessions are estimates (relative errors under `estimated`).
          agree: diff.length === 0,
          ...(diff.length === 0 ? {} : { differences: diff.slice(0, 20) }),
          ...(compared.estimated === undefined
            ? {}
            : { estimated: { ...compared.estimated, sketchStandardError: round(HLL_STANDARD_ERROR, 5) } }),
          targetP95Ms: 50,
          meetsTarget: uncachedStats.p95 < 50,
        },
        null,
        2,
      ),
    );
  } finally {
    redis.disconnect();
    await deleteKeys(args['redis-url'], `${prefix}:`);
    await pool.end();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
