// REST gateway benchmark: POST /events/track (single events, keep-alive) closed-loop for throughput and
// open-loop at a fixed rate for latency, then POST /events/batch with 500 events. Starts the Ingest and
// gateway apps as processes on the local services (own NATS stream prefix, a write key of its own, auth
// on as in production) unless --target names a running gateway (then pass --key). Load comes from
// several processes of this same file (--worker): one Node process saturates long before the gateway.
// Prints one JSON document. Run by hand:
//   tsx tools/src/bench-gateway.ts [--seconds 10] [--processes 4] [--connections 16] [--open-rate 5000]
//                                  [--batch-seconds 10] [--batch-processes 2]
//                                  [--phases closed,open,batch[,baseline]]
//                                  [--profile /tmp/gw-prof (node --cpu-prof of the gateway; top functions)]
//                                  [--target http://127.0.0.1:8005 --key bx_…] [--client node|h2load]
// --client h2load drives the track phases with nghttp2's h2load (Debian's nghttp2-client), a C client
// that leaves more of the 2 cores to the servers: one fixed event without event_id or timestamp (the
// documented example's shape: the server assigns both), keep-alive HTTP/1.1, answer times from its
// per-request log.
import { toJson } from '@bufbuild/protobuf';
import { connectBus, topology } from '@broxiva/bus';
import { destroyTopology, testPrefix } from '@broxiva/bus/testing';
import { deleteKeys } from '@broxiva/redis/testing';
import { EventSchema, useNodeTextEncoding } from '@broxiva/contracts';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import {
  processTreeCpuSeconds,
  runH2load,
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
    worker: { type: 'boolean', default: false },
    // Worker options.
    url: { type: 'string', default: 'http://127.0.0.1:8005' },
    batch: { type: 'string', default: '1' },
    rate: { type: 'string', default: '0' },
    seed: { type: 'string', default: '1' },
    // Both.
    key: { type: 'string' },
    connections: { type: 'string', default: '16' },
    seconds: { type: 'string', default: '10' },
    // Orchestrator options.
    target: { type: 'string' },
    processes: { type: 'string', default: '4' },
    'open-rate': { type: 'string', default: '5000' },
    'batch-seconds': { type: 'string', default: '10' },
    'batch-processes': { type: 'string', default: '2' },
    profile: { type: 'string' },
    client: { type: 'string', default: 'node' },
    /**
     * Which of closed (track throughput), open (track at --open-rate), batch to run; baseline runs the
     * closed and open loops once more against baseline-servers.ts's http server (parses the body,
     * answers a fixed 200): what any server gets on this machine from the same load.
     */
    phases: { type: 'string', default: 'closed,open,batch' },
  },
});

/** Latency histogram: 50 µs buckets, merged across load processes for exact-enough percentiles. */
type Histogram = Record<string, number>;
const BUCKET_MS = 0.05;
const BASELINE_PORT = 58105;
const OPEN_CONNECTIONS = 250;
const BENCH_REDIS = 'redis://127.0.0.1:6379/14';

interface WorkerReport {
  readonly requests: number;
  readonly events: number;
  readonly failed: number;
  readonly statuses: Record<string, number>;
  readonly seconds: number;
  readonly histogram: Histogram;
}

if (a.worker) await worker();
else await orchestrate();

// --- load process -------------------------------------------------------------------------------------

async function worker(): Promise<void> {
  const url = new URL(a.url);
  const path = Number(a.batch) > 1 ? '/events/batch' : '/events/track';
  const size = Number(a.batch);
  const rate = Number(a.rate);
  const connections = Number(a.connections);
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (a.key !== undefined) headers['authorization'] = `Bearer ${a.key}`;

  // Realistic events in the REST shape; each request copies them with a fresh id and the current time.
  const shop = createShop({ seed: Number(a.seed), users: 50_000, currency: 'USD' });
  const pool: Record<string, unknown>[] = [];
  while (pool.length < 5_000) {
    for (const e of shop.session(new Date())) {
      pool.push(toJson(EventSchema, e, { useProtoFieldName: true }) as Record<string, unknown>);
    }
  }
  let cursor = 0;
  const body = (): Buffer => {
    const timestamp = new Date().toISOString();
    const one = () => ({ ...pool[cursor++ % pool.length], event_id: randomUUID(), timestamp });
    return Buffer.from(JSON.stringify(size > 1 ? Array.from({ length: size }, one) : one()));
  };

  const histogram: Histogram = {};
  const statuses: Record<string, number> = {};
  let requests = 0;
  let events = 0;
  let failed = 0;
  const send = (payload: Buffer, since: number) =>
    new Promise<void>((resolve) => {
      const req = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path,
          method: 'POST',
          headers: { ...headers, 'content-length': payload.length },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => size > 1 && chunks.push(c));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            statuses[status] = (statuses[status] ?? 0) + 1;
            const bucket = Math.floor((performance.now() - since) / BUCKET_MS);
            histogram[bucket] = (histogram[bucket] ?? 0) + 1;
            requests++;
            if (status === 200 || status === 207) {
              events +=
                size > 1
                  ? ((JSON.parse(Buffer.concat(chunks).toString()) as { accepted?: number }).accepted ?? 0)
                  : 1;
            } else failed++;
            resolve();
          });
        },
      );
      req.on('error', () => {
        failed++;
        statuses['error'] = (statuses['error'] ?? 0) + 1;
        resolve();
      });
      req.end(payload);
    });

  const started = performance.now();
  const end = started + Number(a.seconds) * 1000;
  if (rate === 0) {
    // Closed loop: each connection sends its next request as soon as the last one is answered.
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (performance.now() < end) await send(body(), performance.now());
      }),
    );
  } else {
    // Open loop: request i is due at started + i / rate whatever the answers do; latency counts from
    // when it was due, so a slow gateway cannot hide its queue (no coordinated omission).
    const inflight = new Map<Promise<void>, number>(); // each request → when it was due
    let i = 0;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const now = performance.now();
        if (now >= end) {
          clearInterval(timer);
          resolve();
          return;
        }
        for (; started + (i * 1000) / rate <= now; i++) {
          const due = started + (i * 1000) / rate;
          const p = send(body(), due);
          inflight.set(p, due);
          void p.then(() => inflight.delete(p));
        }
      }, 1);
    });
    // An overloaded gateway leaves a queue behind: wait for it a little, then count the rest as failed,
    // with their wait so far as (a lower bound of) their latency, rather than drain it for minutes.
    await Promise.race([Promise.all(inflight.keys()), sleep(5_000)]);
    const now = performance.now();
    for (const due of inflight.values()) {
      const bucket = Math.floor((now - due) / BUCKET_MS);
      histogram[bucket] = (histogram[bucket] ?? 0) + 1;
      failed++;
    }
    if (inflight.size > 0) statuses['unfinished'] = inflight.size;
  }
  agent.destroy();
  const report: WorkerReport = {
    requests,
    events,
    failed,
    statuses,
    seconds: (performance.now() - started) / 1000,
    histogram,
  };
  console.log(JSON.stringify(report));
  // Requests abandoned in the agent's queue must not keep this process alive (stdout to a pipe is synchronous).
  process.exit(0);
}

// --- orchestrator -------------------------------------------------------------------------------------

async function orchestrate(): Promise<void> {
  const seconds = a.seconds;
  const processes = Number(a.processes);
  const result: Record<string, unknown> = {
    machine: '2 cores shared with other work: figures are noisy, load processes share the cores',
    started: new Date().toISOString(),
  };
  const apps: AppProcess[] = [];
  const prefix = testPrefix();
  const keyName = `bench-gateway-${prefix}`;
  let base = a.target;
  let key = a.key;
  let rss = 0;
  let sampler: NodeJS.Timeout | undefined;
  try {
    if (base === undefined) {
      const ingestEnv = {
        NATS_STREAM_PREFIX: prefix,
        EVENTS_STREAM_MAX_GIB: '4',
        INGEST_GRPC_PORT: '52051',
        INGEST_HTTP_PORT: '52081',
        // Ingest keys its dedup window under a prefix of this run's, deleted at the end.
        REDIS_URL: BENCH_REDIS,
        INGEST_REDIS_KEY_PREFIX: `bench:${prefix}:ingest`,
      };
      apps.push(startApp('ingest', ingestEnv));
      key = await keys('create', keyName);
      const gatewayEnv = {
        PORT: '58005',
        INGEST_URL: 'http://127.0.0.1:52051',
        REDIS_URL: BENCH_REDIS,
        JWT_SECRET: randomUUID(),
        JWT_ISSUER: 'bench',
        JWT_AUDIENCE: 'bench',
        RATE_LIMIT_PER_MINUTE: '10000000',
      };
      const gateway = startApp('gateway', gatewayEnv, 'gateway', a.profile);
      apps.push(gateway);
      base = `http://127.0.0.1:${gatewayEnv.PORT}`;
      await waitForHttp(`http://127.0.0.1:${ingestEnv.INGEST_HTTP_PORT}/metrics`);
      await waitForHttp(`${base}/health`);
      sampler = setInterval(() => void gateway.rssMb().then((mb) => (rss = Math.max(rss, mb))), 1000);
    }
    if (key === undefined) throw new Error('--target needs --key (a write key of that gateway)');
    // Each phase also reports the CPU time the gateway and Ingest spent per request (when started here).
    const load = async (n: number, args: Record<string, string>) => {
      const cpu = () => Promise.all(apps.map((app) => processTreeCpuSeconds(app.proc.pid ?? 0)));
      const before = await cpu();
      const r = await drive(n, { url: base ?? '', key: key ?? '', ...args });
      const used = (await cpu()).map((c, i) => c - (before[i] ?? 0));
      const perRequest = Object.fromEntries(
        apps.map((app, i) => [app.name, Math.round(((used[i] ?? 0) * 1e6) / Math.max(1, r.requests))]),
      );
      return { ...r, ...(apps.length > 0 ? { cpu_us_per_request: perRequest } : {}) };
    };

    const phases = new Set(a.phases.split(','));
    // Warm-up: JIT, connections, Redis and the HTTP/2 session to Ingest.
    await load(processes, { seconds: '3', connections: a.connections });

    // 1. Throughput: closed loop, `processes` × `connections` keep-alive connections.
    if (phases.has('closed')) {
      const closed = await load(processes, { seconds, connections: a.connections });
      result['track_closed_loop'] = {
        load_processes: processes,
        connections: processes * Number(a.connections),
        ...closed,
      };
    }

    // 2. Latency at a fixed rate, open loop (latency counted from when each request was due).
    if (phases.has('open')) {
      const rate = Number(a['open-rate']);
      const open = await load(processes, { seconds, connections: '64', rate: String(rate / processes) });
      result['track_open_loop'] = { target_requests_per_s: rate, load_processes: processes, ...open };
    }

    // 3. Batches of 500 events.
    if (phases.has('batch')) {
      const bp = Number(a['batch-processes']);
      const batch = await load(bp, { seconds: a['batch-seconds'], connections: '2', batch: '500' });
      result['batch_500'] = { load_processes: bp, connections: bp * 2, ...batch };
    }

    // 4. The same loads against a server that only parses each body and answers.
    if (phases.has('baseline')) {
      const server = await startBaseline('http', BASELINE_PORT);
      try {
        const url = `http://127.0.0.1:${BASELINE_PORT}`;
        const rate = Number(a['open-rate']);
        await drive(processes, { url, key, seconds: '3', connections: a.connections });
        result['baseline_http_server'] = {
          closed_loop: await drive(processes, { url, key, seconds, connections: a.connections }),
          open_loop: {
            target_requests_per_s: rate,
            ...(await drive(processes, {
              url,
              key,
              seconds,
              connections: '64',
              rate: String(rate / processes),
            })),
          },
        };
      } finally {
        await server.stop();
      }
    }
  } finally {
    if (sampler !== undefined) clearInterval(sampler);
    for (const app of apps.reverse()) await app.stop();
    if (a.target === undefined) {
      await keys('revoke', keyName).catch(() => undefined);
      const bus = await connectBus({ url: 'nats://127.0.0.1:4222', name: 'bench-cleanup' });
      await destroyTopology(bus.jsm, topology({ prefix }));
      await bus.close();
      await deleteKeys(BENCH_REDIS, `bench:${prefix}:ingest:`);
    }
  }
  if (rss > 0) result['gateway_rss_mb_max'] = rss;
  if (a.profile !== undefined) result['profile'] = await summariseProfile(a.profile);
  console.log(JSON.stringify(result, null, 2));
}

/** The gateway's own key command, as an operator runs it: prints a created key once. */
function keys(command: 'create' | 'revoke', name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn('node_modules/.bin/tsx', ['apps/gateway/src/keys-command.ts', command, name], {
      env: { ...process.env, REDIS_URL: BENCH_REDIS },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.once('exit', (code) =>
      code === 0 ? resolve(out.trim()) : reject(new Error(`keys ${command}: ${code}`)),
    );
  });
}

/**
 * Single-event load (--batch 1) through h2load with --client h2load: `n` × `connections` connections, or
 * at `n` × `rate` in all, 250 connections each at a 250th of it (HTTP/1.1 has one request in flight per
 * connection, so they must be many for the rate not to wait on answers). Otherwise `n` load processes.
 */
async function drive(n: number, args: Record<string, string>) {
  if (a.client !== 'h2load' || (args['batch'] ?? '1') !== '1') return workers(n, args);
  const rate = Number(args['rate'] ?? 0) * n; // `rate` is each load process's share
  const shop = createShop({ seed: 1, users: 50_000, currency: 'USD' });
  const [event] = shop.session(new Date());
  const json = toJson(EventSchema, { ...event!, eventId: '' }, { useProtoFieldName: true }) as Record<
    string,
    unknown
  >;
  delete json['timestamp'];
  const connections = rate > 0 ? OPEN_CONNECTIONS : n * Number(args['connections'] ?? a.connections);
  const flags = [
    ...['--h1', '-c', String(connections), '-D', args['seconds'] ?? a.seconds],
    ...(rate > 0 ? ['--rps', String(Math.max(1, Math.round(rate / OPEN_CONNECTIONS)))] : []),
    ...['-H', 'content-type: application/json', '-H', `authorization: Bearer ${args['key'] ?? ''}`],
  ];
  const rows = await runH2load(flags, `${args['url'] ?? ''}/events/track`, JSON.stringify(json));
  const statuses: Record<string, number> = {};
  for (const r of rows) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  const ms = rows.map((r) => r.ms).sort((x, y) => x - y);
  const secs = Number(args['seconds'] ?? a.seconds);
  const ok = statuses['200'] ?? 0;
  const at = (p: number) => +(ms[Math.min(ms.length - 1, Math.floor(p * ms.length))] ?? 0).toFixed(2);
  return {
    client: 'h2load',
    seconds: secs,
    requests: rows.length,
    requests_per_s: Math.round(rows.length / secs),
    events_per_s: Math.round(ok / secs),
    failed: rows.length - ok,
    statuses,
    p50_ms: at(0.5),
    p99_ms: at(0.99),
    p999_ms: at(0.999),
    max_ms: +(ms.at(-1) ?? 0).toFixed(2),
  };
}

/** Runs `n` load processes (this file with --worker) at once; merges their counts and histograms. */
async function workers(n: number, args: Record<string, string>) {
  const outputs = await Promise.all(
    Array.from(
      { length: n },
      (_, i) =>
        new Promise<string>((resolve, reject) => {
          const flags = Object.entries({ ...args, seed: String(i + 1) }).flatMap(([k, v]) => [`--${k}`, v]);
          const p = spawn('node_modules/.bin/tsx', ['tools/src/bench-gateway.ts', '--worker', ...flags], {
            stdio: ['ignore', 'pipe', 'inherit'],
          });
          let out = '';
          p.stdout.on('data', (d: Buffer) => (out += d.toString()));
          p.once('exit', (code) =>
            code === 0 ? resolve(out) : reject(new Error(`load process exited ${code}`)),
          );
        }),
    ),
  );
  const reports = outputs.map((o) => JSON.parse(o.trim().split('\n').pop() ?? '{}') as WorkerReport);
  const sum = (f: (r: WorkerReport) => number) => reports.reduce((m, r) => m + f(r), 0);
  const secs = Math.max(...reports.map((r) => r.seconds));
  const merged = new Map<number, number>();
  const statuses: Record<string, number> = {};
  for (const r of reports) {
    for (const [b, c] of Object.entries(r.histogram)) merged.set(Number(b), (merged.get(Number(b)) ?? 0) + c);
    for (const [s, c] of Object.entries(r.statuses)) statuses[s] = (statuses[s] ?? 0) + c;
  }
  const buckets = [...merged.entries()].sort((x, y) => x[0] - y[0]);
  const total = buckets.reduce((m, [, c]) => m + c, 0);
  const at = (p: number) => {
    let seen = 0;
    for (const [b, c] of buckets) if ((seen += c) >= p * total) return +((b + 1) * BUCKET_MS).toFixed(2);
    return 0;
  };
  const requests = sum((r) => r.requests);
  return {
    seconds: +secs.toFixed(1),
    requests,
    requests_per_s: Math.round(requests / secs),
    events_per_s: Math.round(sum((r) => r.events) / secs),
    failed: sum((r) => r.failed),
    statuses,
    p50_ms: at(0.5),
    p99_ms: at(0.99),
    p999_ms: at(0.999),
    max_ms: +((buckets.at(-1)?.[0] ?? 0) * BUCKET_MS + BUCKET_MS).toFixed(2),
  };
}
