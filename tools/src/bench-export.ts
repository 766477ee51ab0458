// Export benchmark: N simulated events to Parquet through the Metrics app's `export` command, run as its
// own process, with rows/s and the process tree's resident memory sampled during the run. Prints JSON.
//   npx tsx tools/src/bench-export.ts                      # 10,000,000 events in broxiva_bench
//   npx tsx tools/src/bench-export.ts --events 1000000 --database-url postgresql://postgres@127.0.0.1:5432/broxiva_bench_1m
// The database is created and seeded (seed-store.ts) when it holds no events; a database holding another
// number of events is refused rather than mixed.
import { pgPool } from '@broxiva/db';
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { processTreeRssMb } from './bench-support.js';
import { seedEventStore, type SeedResult } from './seed-store.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '10000000' },
    days: { type: 'string', default: '90' },
    users: { type: 'string', default: '1000000' },
    'database-url': { type: 'string', default: 'postgresql://postgres@127.0.0.1:5432/broxiva_bench' },
    output: { type: 'string', default: join(tmpdir(), 'broxiva-bench-export') },
    keep: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(`bench-export [--events N (10000000)] [--days D (90)] [--users U (1000000)]
             [--database-url URL (broxiva_bench)] [--output DIR (tmp)] [--keep (keep the file)]
Seeds the database if it is empty, exports all its events to Parquet with the export command, prints JSON.`);
  process.exit(0);
}
const events = Number(values.events);
const url = values['database-url'];

async function storeExtent(): Promise<{ count: number; first: Date | null; last: Date | null }> {
  const pool = pgPool(url, { max: 1 });
  try {
    const exists = await pool.query(`SELECT to_regclass('events') IS NOT NULL AS ok`);
    if (exists.rows[0]?.ok !== true) return { count: 0, first: null, last: null };
    const { rows } = await pool.query<{ count: number; first: Date | null; last: Date | null }>(
      `SELECT count(*)::int AS count, min(ts) AS first, max(ts) AS last FROM events`,
    );
    return rows[0] ?? { count: 0, first: null, last: null };
  } finally {
    await pool.end();
  }
}

let seeded: SeedResult | undefined;
let extent = await storeExtent().catch(() => ({ count: 0, first: null, last: null }));
if (extent.count === 0) {
  let last = 0;
  seeded = await seedEventStore({
    databaseUrl: url,
    events,
    days: Number(values.days),
    users: Number(values.users),
    onProgress: (n) => {
      if (n - last >= 1_000_000 || n === events) {
        last = n;
        console.error(JSON.stringify({ seeding: n, of: events }));
      }
    },
  });
  extent = await storeExtent();
}
if (extent.count !== events || extent.first === null || extent.last === null) {
  console.error(
    `${url} holds ${extent.count} events, not ${events}: use another --database-url (seeded when empty)`,
  );
  process.exit(2);
}

// The whole store: from its first event's hour to just after its last event.
const start = new Date(Math.floor(extent.first.getTime() / 3_600_000) * 3_600_000);
const end = new Date(extent.last.getTime() + 1);
await rm(values.output, { recursive: true, force: true });

const child = spawn(
  'node_modules/.bin/tsx',
  [
    'apps/metrics/src/commands/export.ts',
    ...['--start', start.toISOString(), '--end', end.toISOString()],
    ...['--format', 'parquet', '--output', values.output],
  ],
  {
    env: { ...process.env, ANALYTICS_DATABASE_URL: url, SHOP_TIMEZONE: 'UTC', QUERY_CACHE_TTL_SECONDS: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  },
);
const t0 = performance.now();
let rows = 0;
let result: { file: string; rows: number; bytes: number; seconds: number } | undefined;
// The command prints JSON progress lines on stderr (not a terminal here) and its result on stdout.
createInterface({ input: child.stderr }).on('line', (line) => {
  try {
    const p = JSON.parse(line) as { rows?: number };
    if (typeof p.rows === 'number') rows = p.rows;
  } catch {
    console.error(line);
  }
});
createInterface({ input: child.stdout }).on('line', (line) => {
  result = JSON.parse(line) as typeof result;
});
const exited = new Promise<number>((done) => child.once('exit', (code) => done(code ?? 1)));

const samples: { seconds: number; rows: number; rssMb: number }[] = [];
let running = true;
void exited.then(() => {
  running = false;
});
while (running) {
  const rssMb = await processTreeRssMb(child.pid ?? 0);
  if (rssMb > 0) samples.push({ seconds: Math.round(performance.now() - t0) / 1000, rows, rssMb });
  await sleep(250);
}
const code = await exited;
const wallSeconds = (performance.now() - t0) / 1000;
if (code !== 0 || result === undefined) {
  console.error(`export exited with ${code}`);
  process.exit(1);
}
if (!values.keep) await rm(values.output, { recursive: true, force: true });

// Memory while rows flow (after the first row group, before the end): flat means no growth with rows.
const streaming = samples.filter((s) => s.rows >= 65_536 && s.rows < result!.rows);
const rss = streaming.map((s) => s.rssMb);
const tenth = Math.max(1, Math.floor(streaming.length / 10));
console.log(
  JSON.stringify(
    {
      benchmark: 'export-parquet',
      events,
      database: url.replace(/\/\/[^@]*@/, '//'),
      seeded: seeded ?? null,
      export: {
        rows: result.rows,
        bytes: result.bytes,
        // Inside the command, from the first query to the file renamed into place.
        seconds: result.seconds,
        rowsPerSecond: Math.round(result.rows / result.seconds),
        // Including starting node and tsx, and connecting.
        wallSeconds: Math.round(wallSeconds * 100) / 100,
      },
      memory: {
        peakRssMb: Math.max(...samples.map((s) => s.rssMb)),
        streamingMedianRssMb: rss.length === 0 ? null : [...rss].sort((a, b) => a - b)[rss.length >> 1],
        streamingMaxRssMb: rss.length === 0 ? null : Math.max(...rss),
        // Every tenth sample while streaming: RSS against rows written shows whether memory grows.
        samples: streaming.filter((_, i) => i % tenth === 0),
      },
      note: 'shared 2-core machine: timings are noisy',
    },
    null,
    2,
  ),
);
