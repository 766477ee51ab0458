// Behavioural analytics benchmark: seeds an event store with simulated shop traffic (seed-store.ts: a year
// of events, so twelve months of cohorts have data), starts the Insights app as a process on it, and times
// over RPC: the 4-step checkout funnel over the last 30 days, monthly retention over 12 months, single users'
// journeys (p50/p95 over many users, conversion probability included), and the conversion model's training
// and held-out quality. Prints one JSON document. Run by hand:
//   tsx tools/src/bench-behaviour.ts [--events 10000000] [--users 1000000] [--days 365] [--journeys 300]
//                                    [--repeats 3] [--database-url URL] [--skip-seed] [--time-zone UTC]
// --skip-seed reuses a database seeded earlier (by this bench or seed-store.ts) that reaches today; the
// event store's pending migrations are applied to it either way. --time-zone is the shop's zone
// (SHOP_TIMEZONE): the per-user activity tables are (re)built for it if they are kept in another.
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { CohortMetric, CohortType, InsightsService, useNodeTextEncoding } from '@broxiva/contracts';
import { createOrm, maskUrl, pgPool, runMigrations } from '@broxiva/db';
import { ensureUserActivity, eventStoreMigrations } from '@broxiva/event-store';
import { parseArgs } from 'node:util';
import { percentile, startApp, waitForHttp } from './bench-support.js';
import { seedEventStore } from './seed-store.js';

useNodeTextEncoding();
const { values: a } = parseArgs({
  options: {
    'database-url': {
      type: 'string',
      default: 'postgresql://postgres@127.0.0.1:5432/broxiva_bench_behaviour',
    },
    events: { type: 'string', default: '10000000' },
    users: { type: 'string', default: '1000000' },
    days: { type: 'string', default: '365' },
    seed: { type: 'string', default: '1' },
    journeys: { type: 'string', default: '300' },
    repeats: { type: 'string', default: '3' },
    'skip-seed': { type: 'boolean', default: false },
    'time-zone': { type: 'string', default: 'UTC' },
    help: { type: 'boolean', default: false },
  },
});
if (a.help) {
  console.log(`bench-behaviour [--database-url URL (default broxiva_bench_behaviour on 127.0.0.1)]
  [--events N (10000000)] [--users N (1000000)] [--days N (365)] [--seed N (1)] [--journeys N (300)]
  [--repeats N (3)] [--skip-seed] [--time-zone IANA (UTC)]
Seeds a year of simulated shop events (unless --skip-seed), starts the Insights app on them and prints
JSON: checkout funnel, 12 months of retention, journeys p50/p95, conversion model AUC and Brier.`);
  process.exit(0);
}
const DAY = 86_400_000;
const GRPC = 51154;
const HTTP = 51184;
const url = a['database-url'];
const ms = (t: number) => Math.round(t * 10) / 10;

// 1. Seed (a year ending at the coming UTC midnight, so "now" is inside the data).
let seed: unknown = 'skipped (--skip-seed)';
if (!a['skip-seed']) {
  let last = 0;
  // The migrator logs to stdout; keep stdout for the JSON report.
  const log = console.log;
  console.log = (...args: unknown[]) => console.error(...args);
  seed = await seedEventStore({
    databaseUrl: url,
    events: Number(a.events),
    users: Number(a.users),
    days: Number(a.days),
    seed: Number(a.seed),
    onProgress: (n) => {
      if (n - last >= 1_000_000) {
        last = n;
        process.stderr.write(`seeded ${n} events\n`);
      }
    },
  }).finally(() => (console.log = log));
}
// The event store's migrations (a database seeded before the per-user activity tables existed gets them
// here, filled from its events) and the tables on the shop's calendar.
const migrateStarted = performance.now();
{
  // MikroORM's messages go to stderr: stdout is the JSON report.
  const log = (m: string) => process.stderr.write(`${m}\n`);
  const orm = await createOrm({ url, entities: [], migrations: { list: eventStoreMigrations }, log });
  try {
    await runMigrations(orm);
  } finally {
    await orm.close();
  }
}
const pool = pgPool(url, { max: 2 });
const { rebuilt } = await ensureUserActivity(pool, a['time-zone']);
const activityTables = {
  zone: a['time-zone'],
  migrateAndBuildSeconds: Math.round((performance.now() - migrateStarted) / 100) / 10,
  rebuiltForZone: rebuilt,
};
await pool.query('ANALYZE events');
await pool.query('ANALYZE user_activity_days, user_firsts');
const { rows: stats } = await pool.query<{ n: string; max: Date; users: string }>(
  `SELECT count(*) AS n, max(ts) AS max,
          (SELECT count(DISTINCT user_id) FROM events) AS users FROM events`,
);
const end = new Date(Math.ceil(stats[0]!.max.getTime() / DAY) * DAY);

// 2. The Insights app, as deployed, reading this database.
const app = startApp('insights', {
  ANALYTICS_DATABASE_URL: url,
  INSIGHTS_GRPC_PORT: String(GRPC),
  INSIGHTS_HTTP_PORT: String(HTTP),
  // Only the behaviour RPCs are measured: no anomaly loop (it needs NATS and Redis).
  ENABLE_ANOMALY_DETECTION: 'false',
  SHOP_TIMEZONE: a['time-zone'],
});
const client = createClient(InsightsService, createGrpcTransport({ baseUrl: `http://127.0.0.1:${GRPC}` }));
const time = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
  const t = performance.now();
  const r = await f();
  return [r, performance.now() - t];
};

try {
  await waitForHttp(`http://127.0.0.1:${HTTP}/metrics`);

  // 3. The conversion model (7 days): the app starts training it at boot; this waits for it.
  const [model, modelMs] = await time(() => client.getConversionModel({ horizonDays: 7 }));

  // 4. Checkout funnel over the last 30 days.
  const funnelReq = {
    funnelName: 'checkout',
    startDate: timestampFromDate(new Date(end.getTime() - 30 * DAY)),
    endDate: timestampFromDate(end),
  };
  const funnelMs: number[] = [];
  let funnel;
  for (let i = 0; i < Number(a.repeats); i++) {
    const [r, t] = await time(() => client.analyzeFunnel(funnelReq));
    funnel = r;
    funnelMs.push(ms(t));
  }

  // 5. Monthly acquisition retention, 12 monthly cohorts up to the end.
  const last = new Date(end.getTime() - 1);
  const cohortStart = new Date(Date.UTC(last.getUTCFullYear(), last.getUTCMonth() - 11, 1));
  const cohortReq = {
    startDate: timestampFromDate(cohortStart),
    endDate: timestampFromDate(end),
    cohortType: CohortType.ACQUISITION_MONTH,
    metric: CohortMetric.RETENTION,
  };
  const cohortMs: number[] = [];
  let cohorts;
  for (let i = 0; i < Number(a.repeats); i++) {
    const [r, t] = await time(() => client.analyzeCohorts(cohortReq));
    cohorts = r;
    cohortMs.push(ms(t));
  }

  // 6. Journeys of random users, one at a time (the model is cached by now).
  const { rows: sample } = await pool.query<{ u: string }>(
    `SELECT u FROM (SELECT DISTINCT user_id AS u FROM events TABLESAMPLE SYSTEM (1) WHERE user_id IS NOT NULL) s
      ORDER BY md5(u) LIMIT $1`,
    [Number(a.journeys)],
  );
  const journeyMs: number[] = [];
  let touchpoints = 0;
  let withProbability = 0;
  for (const { u } of sample) {
    const [r, t] = await time(() => client.getUserJourney({ userId: u }));
    journeyMs.push(t);
    touchpoints += r.sessions.reduce((s, x) => s + x.touchpoints.length, 0);
    if (r.conversion !== undefined) withProbability++;
  }
  journeyMs.sort((x, y) => x - y);

  const m = model.model!;
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? 0;
  const report = {
    bench: 'behaviour',
    database: maskUrl(url),
    size: { events: Number(stats[0]!.n), users: Number(stats[0]!.users), days: Number(a.days), end },
    seed,
    activityTables,
    funnel: {
      what: 'checkout funnel (4 steps, ordered, 7-day window) over the last 30 days',
      ms: funnelMs,
      medianMs: median(funnelMs),
      steps: funnel?.steps.map((s) => ({ name: s.name, users: Number(s.count) })),
      targetMs: 1000,
    },
    retention: {
      what: 'monthly acquisition cohorts over 12 months, retention',
      ms: cohortMs,
      medianMs: median(cohortMs),
      cohorts: cohorts?.cohorts.length,
      users: cohorts?.cohorts.reduce((s, c) => s + Number(c.size), 0),
      targetMs: 1000,
    },
    journey: {
      users: journeyMs.length,
      p50Ms: ms(percentile(journeyMs, 50)),
      p95Ms: ms(percentile(journeyMs, 95)),
      maxMs: ms(journeyMs[journeyMs.length - 1] ?? 0),
      meanTouchpoints: Math.round((touchpoints / Math.max(1, journeyMs.length)) * 10) / 10,
      withConversionProbability: withProbability,
      targetP50Ms: 20,
    },
    conversionModel: {
      horizonDays: m.horizonDays,
      lookbackDays: m.lookbackDays,
      firstCallMs: ms(modelMs),
      trainingUsers: Number(m.trainingUsers),
      heldOutUsers: Number(m.heldOutUsers),
      trainingPositiveRate: m.trainingPositiveRate,
      heldOutAuc: m.heldOutAuc,
      heldOutBrier: m.heldOutBrier,
      iterations: model.iterations,
      converged: model.converged,
      coefficients: Object.fromEntries(
        model.coefficients.map((c) => [c.feature, Math.round(c.coefficient * 1000) / 1000]),
      ),
      targetAuc: 0.75,
    },
    met: {
      funnel: median(funnelMs) < 1000,
      retention: median(cohortMs) < 1000,
      journey: percentile(journeyMs, 50) < 20,
      auc: m.heldOutAuc >= 0.75,
    },
    note: 'timings on a shared 2-core machine; the app and PostgreSQL run on the same host',
  };
  console.log(JSON.stringify(report, null, 2));
} finally {
  await app.stop();
  await pool.end();
}
