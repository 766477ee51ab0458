// Ingest benchmark: starts the Ingest and Metrics apps as processes on the local services (own NATS
// stream prefix, own database), drives them, prints one JSON document. Run by hand:
//   tsx tools/src/bench-ingest.ts [--ack-seconds 20] [--single-seconds 15] [--persist-seconds 60]
//                                 [--persist-rate 30000] [--soak-seconds 0] [--soak-rate 20000]
//                                 [--ingest-replicas 2] [--store-replicas 1] [--load-processes 4]
//                                 [--profile DIR (node --cpu-prof of the first Ingest and store replicas)]
//                                 [--baseline]
// --baseline repeats the TrackBatch phase against baseline-servers.ts's ingest server, which only puts
// each request's bytes on JetStream and answers: the bus's share of acknowledging, on this machine.
// Besides raw COPY, the store's own event writer is timed on events built beforehand (no bus, no
// decoding), with PostgreSQL's CPU per event: the database's share of persisting.
// Replicas are separate processes (as Kubernetes runs them); load processes are spread over the ingest
// replicas. Besides rates it reports each app's CPU time per event (process_cpu_seconds_total), which says
// how many cores a target needs whatever else shares the machine.
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { connectBus, topology } from '@broxiva/bus';
import { destroyTopology, testPrefix } from '@broxiva/bus/testing';
import { deleteKeys } from '@broxiva/redis/testing';
import { EventSchema, IngestService, useNodeTextEncoding, type Event } from '@broxiva/contracts';
import { copyRows, copyTextRow, pgPool } from '@broxiva/db';
import { createEventWriter, createPartitionManager, EVENT_COLUMNS, eventToRow } from '@broxiva/event-store';
import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import pg from 'pg';
import {
  BENCH_REDIS_URL,
  percentile,
  processCpu,
  runFor,
  runTool,
  scrape,
  startApp,
  startBaseline,
  summariseProfile,
  waitForHttp,
  type AppProcess,
} from './bench-support.js';
import { createShop } from './shop-traffic.js';

useNodeTextEncoding();
const { values: a } = parseArgs({
  options: {
    'ack-seconds': { type: 'string', default: '20' },
    'single-seconds': { type: 'string', default: '15' },
    'persist-seconds': { type: 'string', default: '60' },
    'persist-rate': { type: 'string', default: '30000' },
    'soak-seconds': { type: 'string', default: '0' },
    'soak-rate': { type: 'string', default: '20000' },
    'ingest-replicas': { type: 'string', default: '2' },
    'store-replicas': { type: 'string', default: '1' },
    'load-processes': { type: 'string', default: '4' },
    profile: { type: 'string' },
    baseline: { type: 'boolean', default: false },
  },
});
const secs = (k: keyof typeof a) => Number(a[k]) * 1000;
const BASELINE_PORT = 51099;

const DB = 'broxiva_bench_ingest';
const SERVER = 'postgresql://postgres@127.0.0.1:5432';
const prefix = testPrefix();
// Ingest's dedup keys (one per event for the dedup window: 1.2 GB after a 10-minute soak) are deleted at the end.
const redisPrefix = `bench:${prefix}:ingest`;
const env = {
  NATS_STREAM_PREFIX: prefix,
  REDIS_URL: BENCH_REDIS_URL,
  INGEST_REDIS_KEY_PREFIX: redisPrefix,
  EVENTS_STREAM_MAX_GIB: '4',
  ANALYTICS_DATABASE_URL: `${SERVER}/${DB}`,
  INGEST_GRPC_PORT: '51051',
  INGEST_HTTP_PORT: '51081',
  METRICS_GRPC_PORT: '51053',
  METRICS_HTTP_PORT: '51083',
};

// A pool of realistic events; each send copies them with fresh ids and the current time.
const shop = createShop({ seed: 1, users: 50_000, currency: 'USD' });
const pool: Event[] = [];
while (pool.length < 20_000) pool.push(...shop.session(new Date()));
let cursor = 0;
function batch(n: number): Event[] {
  const ts = timestampFromDate(new Date());
  const out: Event[] = [];
  for (let i = 0; i < n; i++) {
    const tpl = pool[cursor++ % pool.length] as Event;
    out.push({ ...tpl, eventId: randomUUID(), timestamp: ts, receivedAt: ts });
  }
  return out;
}

const admin = new pg.Client({ connectionString: `${SERVER}/postgres` });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
await admin.end();

/** Replica i of an app listens on its base ports + 100·i. */
const replicaEnv = (app: 'INGEST' | 'METRICS', i: number) => ({
  ...env,
  [`${app}_GRPC_PORT`]: String(Number(env[`${app}_GRPC_PORT`]) + 100 * i),
  [`${app}_HTTP_PORT`]: String(Number(env[`${app}_HTTP_PORT`]) + 100 * i),
});
const range = (n: string) => Array.from({ length: Number(n) }, (_, i) => i);
const ingestReplicas = range(a['ingest-replicas']).map((i) => replicaEnv('INGEST', i));
const storeReplicas = range(a['store-replicas']).map((i) => replicaEnv('METRICS', i));
const loadProcesses = Number(a['load-processes']);
const profileDir = (app: string, i: number) =>
  a.profile === undefined || i > 0 ? undefined : join(a.profile, app);
const apps: AppProcess[] = [
  ...storeReplicas.map((e, i) => startApp('metrics', e, `metrics-${i}`, profileDir('metrics', i))),
  ...ingestReplicas.map((e, i) => startApp('ingest', e, `ingest-${i}`, profileDir('ingest', i))),
];
const memory: Record<string, number[]> = Object.fromEntries(apps.map((x) => [x.name, []]));
const metricsUrls = {
  ingest: ingestReplicas.map((e) => `http://127.0.0.1:${e.INGEST_HTTP_PORT}/metrics`),
  store: storeReplicas.map((e) => `http://127.0.0.1:${e.METRICS_HTTP_PORT}/metrics`),
};
/** CPU seconds used so far by every replica of an app (Prometheus' process_cpu_seconds_total). */
const cpuSeconds = async (urls: readonly string[]) =>
  (await Promise.all(urls.map((u) => scrape(u, 'process_cpu_seconds_total')))).reduce((m, v) => m + v, 0);
const sampler = setInterval(() => {
  for (const app of apps) void app.rssMb().then((mb) => memory[app.name]?.push(mb));
}, 1000);
const result: Record<string, unknown> = {
  machine: '2 cores, all services local',
  started: new Date().toISOString(),
};
try {
  for (const url of [...metricsUrls.store, ...metricsUrls.ingest]) await waitForHttp(url);
  const clients = Array.from({ length: 8 }, () =>
    createClient(IngestService, createGrpcTransport({ baseUrl: `http://127.0.0.1:${env.INGEST_GRPC_PORT}` })),
  );
  const stored = async () =>
    (await Promise.all(metricsUrls.store.map((u) => scrape(u, 'analytics_events_stored_total')))).reduce(
      (m, v) => m + v,
      0,
    );

  // 1. Acknowledged through TrackBatch over gRPC, batches of 500, from several load processes.
  const cpuBefore = await cpuSeconds(metricsUrls.ingest);
  const ack = await workers(loadProcesses, { seconds: a['ack-seconds'], batch: '500' });
  const ingestCpu = (await cpuSeconds(metricsUrls.ingest)) - cpuBefore;
  result['track_batch_grpc'] = {
    batch: 500,
    load_processes: loadProcesses,
    ingest_replicas: ingestReplicas.length,
    ...ack,
    ingest_cpu_us_per_event: Math.round((ingestCpu * 1e6) / Math.max(1, ack.events)),
  };

  if (a.baseline) {
    const server = await startBaseline('ingest', BASELINE_PORT, { 'stream-prefix': prefix });
    try {
      const url = `http://127.0.0.1:${BASELINE_PORT}`;
      result['baseline_jetstream_only'] = {
        note: 'the same load against a server that only puts each request on JetStream and answers',
        ...(await workers(loadProcesses, { seconds: a['ack-seconds'], batch: '500' }, () => url)),
      };
    } finally {
      await server.stop();
    }
  }

  // 2. Single Track calls from 64 concurrent callers (8 connections).
  let singles = 0;
  const t2 = await runFor(64, secs('single-seconds'), async (i) => {
    const [e] = batch(1);
    await clients[i % 8]!.track({ event: create(EventSchema, e) });
    singles++;
  });
  result['track_single_grpc'] = {
    concurrency: 64,
    events_per_s: Math.round(singles / (secs('single-seconds') / 1000)),
    p50_ms: +percentile(t2.latencies, 50).toFixed(2),
    p99_ms: +percentile(t2.latencies, 99).toFixed(2),
    errors: t2.errors,
  };

  // Let the store catch up before measuring the sustained rate.
  await untilSettled(stored);

  // 3. Persisted, sustained: several load processes at a fixed total rate; the store must keep up.
  result['persisted_sustained'] = await sustained(Number(a['persist-rate']), a['persist-seconds'], stored);
  if (secs('soak-seconds') > 0) {
    const before = Object.fromEntries(apps.map((x) => [x.name, memory[x.name]?.length ?? 0]));
    const soak = await sustained(Number(a['soak-rate']), a['soak-seconds'], stored);
    result['soak'] = {
      ...soak,
      rss_mb: Object.fromEntries(
        apps.map((x) => {
          const s = (memory[x.name] ?? []).slice(before[x.name]);
          const q = Math.max(1, Math.floor(s.length / 4));
          const avg = (xs: number[]) => Math.round(xs.reduce((m, v) => m + v, 0) / Math.max(1, xs.length));
          return [
            x.name,
            {
              first_quarter_avg: avg(s.slice(0, q)),
              last_quarter_avg: avg(s.slice(-q)),
              max: Math.max(...s),
            },
          ];
        }),
      ),
    };
  }

  // 4. The local limit: COPY of the same rows straight into a table shaped like `events`, and the store's
  // writer on events built beforehand. The apps are stopped first: the store's rollup worker would
  // otherwise share PostgreSQL with the measurement.
  clearInterval(sampler);
  for (const app of apps) await app.stop();
  result['raw_copy'] = await rawCopy();
  result['event_writer_prebuilt'] = await writerAlone();
} finally {
  clearInterval(sampler);
  for (const app of apps.reverse()) await app.stop();
  const bus = await connectBus({ url: 'nats://127.0.0.1:4222', name: 'bench-cleanup' });
  await destroyTopology(bus.jsm, topology({ prefix }));
  await bus.close();
  await deleteKeys(BENCH_REDIS_URL, `${redisPrefix}:`);
}
result['rss_mb_max'] = Object.fromEntries(Object.entries(memory).map(([k, v]) => [k, Math.max(...v)]));
if (a.profile !== undefined) {
  result['profile'] = {
    ingest: await summariseProfile(join(a.profile, 'ingest')),
    store: await summariseProfile(join(a.profile, 'metrics')),
  };
}
console.log(JSON.stringify(result, null, 2));

async function untilSettled(stored: () => Promise<number>): Promise<void> {
  let last = -1;
  for (let i = 0; i < 120; i++) {
    const now = await stored();
    if (now === last) return;
    last = now;
    await sleep(1000);
  }
}

async function sustained(rate: number, seconds: string, stored: () => Promise<number>) {
  const lag: number[] = [];
  const startStored = await stored();
  const start = Date.now();
  let missedSamples = 0;
  const lagTimer = setInterval(() => {
    // A scrape can fail while the store is saturated; count it rather than abort the run.
    scrape(`http://127.0.0.1:${env.METRICS_HTTP_PORT}/metrics`, 'analytics_pipeline_lag_seconds').then(
      (v) => lag.push(v),
      () => missedSamples++,
    );
  }, 2000);
  const cpuBefore = await cpuSeconds(metricsUrls.store);
  const load = await workers(loadProcesses, {
    seconds,
    batch: '500',
    rate: String(Math.round(rate / loadProcesses)),
  });
  clearInterval(lagTimer);
  const elapsed = (Date.now() - start) / 1000;
  const persistedInWindow = (await stored()) - startStored;
  await untilSettled(stored);
  const storeCpu = (await cpuSeconds(metricsUrls.store)) - cpuBefore;
  const storedTotal = (await stored()) - startStored;
  const q = Math.max(1, Math.floor(lag.length / 4));
  const mean = (xs: number[]) => +(xs.reduce((m, v) => m + v, 0) / Math.max(1, xs.length)).toFixed(2);
  return {
    target_events_per_s: rate,
    seconds: Math.round(elapsed),
    acknowledged_per_s: load.events_per_s,
    persisted_per_s: Math.round(persistedInWindow / elapsed),
    failed: load.failed,
    lag_seconds_first_quarter: mean(lag.slice(0, q)),
    lag_seconds_last_quarter: mean(lag.slice(-q)),
    lag_samples_missed: missedSamples,
    store_replicas: storeReplicas.length,
    store_cpu_us_per_event: Math.round((storeCpu * 1e6) / Math.max(1, storedTotal)),
  };
}

/** Runs `n` load-worker processes at once (spread over the Ingest replicas) and sums what they report. */
async function workers(
  n: number,
  args: Record<string, string>,
  url = (i: number) => `http://127.0.0.1:${ingestReplicas[i % ingestReplicas.length]!.INGEST_GRPC_PORT}`,
) {
  const r = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      runTool<{ accepted: number; failed: number; seconds: number; p50_ms: number; p99_ms: number }>(
        'load-worker',
        { ...args, url: url(i), seed: String(i + 1) },
      ),
    ),
  );
  const seconds = Math.max(...r.map((x) => x.seconds));
  const events = r.reduce((m, x) => m + x.accepted, 0);
  return {
    events,
    events_per_s: Math.round(events / seconds),
    failed: r.reduce((m, x) => m + x.failed, 0),
    p50_ms: Math.max(...r.map((x) => x.p50_ms)),
    p99_ms: Math.max(...r.map((x) => x.p99_ms)),
  };
}

/**
 * The store's event writer alone: 150 batches of 1,000 events built beforehand, two in flight (as two
 * store replicas write), with the CPU PostgreSQL's processes and this process spent per event.
 */
async function writerAlone() {
  const poolPg = pgPool(`${SERVER}/${DB}`, { max: 2 });
  try {
    const write = createEventWriter({ pool: poolPg, partitions: createPartitionManager(poolPg) });
    const batches = Array.from({ length: 150 }, () => batch(1000));
    await write(batch(1000)); // staging tables and today's partition
    const pgBefore = await postgresCpu();
    const nodeBefore = process.cpuUsage();
    const t = performance.now();
    let next = 0;
    await Promise.all(
      [0, 1].map(async () => {
        while (next < batches.length) await write(batches[next++]!);
      }),
    );
    const seconds = (performance.now() - t) / 1000;
    const events = batches.length * 1000;
    const node = process.cpuUsage(nodeBefore);
    return {
      events,
      writers: 2,
      events_per_s: Math.round(events / seconds),
      postgres_cpu_us_per_event: Math.round(
        (postgresCpuBetween(pgBefore, await postgresCpu()) * 1e6) / events,
      ),
      writer_node_cpu_us_per_event: Math.round((node.user + node.system) / events),
      note: 'the store writer (staging, id claim, events, per-user tables) without bus or decoding',
    };
  } finally {
    await poolPg.end();
  }
}

/** CPU seconds used so far by each PostgreSQL process, by pid (server, backends, workers). */
async function postgresCpu(): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (const pid of (await readdir('/proc')).filter((d) => /^\d+$/.test(d)).map(Number)) {
    const cpu = await processCpu(pid);
    if (cpu?.name === 'postgres') out.set(pid, cpu.seconds);
  }
  return out;
}

/**
 * CPU seconds PostgreSQL spent between two readings. A process that ended in between (a backend of a
 * pool just closed) is left out of both, so its past CPU is not subtracted from the others'.
 */
function postgresCpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let seconds = 0;
  for (const [pid, s] of after) seconds += s - (before.get(pid) ?? 0);
  return seconds;
}

async function rawCopy() {
  const poolPg = pgPool(`${SERVER}/${DB}`, { max: 1 });
  const client = await poolPg.connect();
  try {
    await client.query('DROP TABLE IF EXISTS bench_copy');
    await client.query('CREATE TABLE bench_copy (LIKE events INCLUDING DEFAULTS)');
    await client.query('ALTER TABLE bench_copy ADD PRIMARY KEY (event_id, ts)');
    const rows: string[] = [];
    for (let i = 0; i < 200; i++) for (const e of batch(1000)) rows.push(copyTextRow(eventToRow(e)));
    const t = performance.now();
    await copyRows(client, `COPY bench_copy (${EVENT_COLUMNS.join(', ')}) FROM STDIN`, rows);
    const ms = performance.now() - t;
    await client.query('DROP TABLE bench_copy');
    return {
      rows: rows.length,
      rows_per_s: Math.round(rows.length / (ms / 1000)),
      note: 'same rows, primary key only, no dedup',
    };
  } finally {
    client.release();
    await poolPg.end();
  }
}
