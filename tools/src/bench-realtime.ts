// Realtime benchmark: starts the Realtime app as a process on the local services (own NATS stream prefix,
// own Redis key prefix), publishes EventBatch messages as ingest does at a steady rate (realtime-load.ts,
// a process of its own), and prints one JSON document. Run by hand:
//   tsx tools/src/bench-realtime.ts [--rate 10000] [--seconds 20] [--watchers 1000] [--watch-seconds 20]
//                                   [--overview-rate 200] [--load-nice 0] [--baseline]
//                                   [--prober-client node|h2load]
//
// Freshness: every 50 ms a probe purchase (a new order) is published with the load; a client polls
// GetOverview every 5 ms and notes when orders_today first includes it. That is publish acknowledged
// (what ingest acknowledges after) → visible in the overview, end to end. GetOverview's answer time is
// measured open loop from another process (overview-prober.ts). --load-nice runs the load generator at a
// lower CPU priority than the services, as if it ran on machines of its own: on 2 shared cores its CPU
// otherwise delays the services' answers by whole scheduler slices. --baseline also measures, in the
// second quarter of the run, a server that answers GetOverview with a fixed overview from memory
// (baseline-servers.ts), the same way: the least an answer takes on this machine under this load.
// --prober-client h2load measures with nghttp2's C client instead of a Node one (overview-prober.ts).
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { connectBus, topology } from '@broxiva/bus';
import { destroyTopology, testPrefix } from '@broxiva/bus/testing';
import { deleteKeys } from '@broxiva/redis/testing';
import { RealtimeService } from '@broxiva/contracts';
import { spawn } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import {
  BENCH_REDIS_URL,
  percentile,
  runTool,
  scrape,
  startApp,
  startBaseline,
  waitForHttp,
} from './bench-support.js';

const { values: a } = parseArgs({
  options: {
    rate: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '20' },
    watchers: { type: 'string', default: '1000' },
    'watch-seconds': { type: 'string', default: '20' },
    /** GetOverview calls per second while the load runs (open loop: a dashboard fleet reading). */
    'overview-rate': { type: 'string', default: '200' },
    /** `nice` of the load process: 0 shares the CPU evenly with the services; 10 runs it at a lower priority. */
    'load-nice': { type: 'string', default: '0' },
    baseline: { type: 'boolean', default: false },
    'prober-client': { type: 'string', default: 'node' },
  },
});
const RATE = Number(a.rate);
const LOAD_MS = Number(a.seconds) * 1000;
const WATCHERS = Number(a.watchers);
const WATCH_MS = Number(a['watch-seconds']) * 1000;
const POLL_MS = 5; // freshness probe polling
const prefix = testPrefix();
const redisPrefix = `bench:${prefix}`;
const GRPC = 51052;
const HTTP = 51082;
const BASELINE_PORT = 51092;

const app = startApp('realtime', {
  NATS_STREAM_PREFIX: prefix,
  EVENTS_STREAM_MAX_GIB: '4',
  REALTIME_REDIS_KEY_PREFIX: redisPrefix,
  REDIS_URL: BENCH_REDIS_URL,
  REALTIME_GRPC_PORT: String(GRPC),
  REALTIME_HTTP_PORT: String(HTTP),
});
const bus = await connectBus({ url: 'nats://127.0.0.1:4222', name: 'bench-realtime' });
const topo = topology({ prefix });
const client = createClient(RealtimeService, createGrpcTransport({ baseUrl: `http://127.0.0.1:${GRPC}` }));
try {
  await waitForHttp(`http://127.0.0.1:${HTTP}/metrics`);
  const baseline = a.baseline ? await startBaseline('overview', BASELINE_PORT) : undefined;

  // The load, from a process of its own at CPU priority `--load-nice` (realtime-load.ts).
  const loadStart = Date.now();
  const load = spawn(
    'nice',
    [
      '-n',
      a['load-nice']!,
      'node_modules/.bin/tsx',
      'tools/src/realtime-load.ts',
      '--prefix',
      prefix,
      '--rate',
      String(RATE),
      '--seconds',
      String(LOAD_MS / 1000),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const acked = new Map<number, number>(); // probe → publish acknowledged at
  const visibleAt = new Map<number, number>(); // probe → first seen in the overview at
  const seen: number[] = [];
  const note = (k: number) => {
    const sent = acked.get(k);
    const at = visibleAt.get(k);
    if (sent !== undefined && at !== undefined) seen.push(Math.max(0, at - sent));
  };
  let report: { published: number; probes: number; seconds: number } | undefined;
  const loadDone = (async () => {
    for await (const line of createInterface({ input: load.stdout })) {
      const probe = /^probe (\d+) (\d+)$/.exec(line);
      if (probe !== null) {
        acked.set(Number(probe[1]), Number(probe[2]));
        note(Number(probe[1]));
      } else if (line.startsWith('{')) {
        report = JSON.parse(line) as typeof report;
      }
    }
    if (report === undefined) throw new Error('the load process ended without its report');
    return report;
  })();
  // Polled every POLL_MS, not back to back: a back-to-back poller is a load of its own (thousands of calls
  // a second) on the server whose answer time is measured below. It adds at most POLL_MS to freshness.
  // Probes are orders 1, 2, 3…: the overview's orders_today says how many are visible.
  const poller = (async () => {
    let visible = 0;
    for (;;) {
      const due = performance.now() + POLL_MS;
      const { overview } = await client.getOverview({});
      const orders = Number(overview?.ordersToday ?? 0);
      const at = Date.now();
      while (visible < orders) {
        visible++;
        visibleAt.set(visible, at);
        note(visible);
      }
      if (report !== undefined && (visible >= report.probes || Date.now() > loadStart + LOAD_MS + 10_000))
        break;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
    }
  })();
  // The baseline server's answer times, during the second quarter (--baseline).
  let baselineCalls: Record<string, number> | undefined;
  if (baseline !== undefined) {
    await sleep(LOAD_MS / 4);
    baselineCalls = await runTool<Record<string, number>>('overview-prober', {
      url: `http://127.0.0.1:${BASELINE_PORT}`,
      rate: a['overview-rate']!,
      seconds: String(LOAD_MS / 4 / 1000),
      client: a['prober-client']!,
    });
    await baseline.stop();
  } else {
    await sleep(LOAD_MS / 2);
  }
  // GetOverview latency under load, during the second half of the run: open loop at a fixed rate, from a
  // process of its own (overview-prober.ts), so its answers wait behind no load generator's event loop.
  const overviewCalls = await runTool<Record<string, number>>('overview-prober', {
    url: `http://127.0.0.1:${GRPC}`,
    rate: a['overview-rate']!,
    seconds: String(LOAD_MS / 2 / 1000),
    client: a['prober-client']!,
  });
  const published = (await loadDone).published;
  await poller;
  const elapsed = report!.seconds;
  const freshness = seen.sort((x, y) => x - y);
  const lag = await scrape(`http://127.0.0.1:${HTTP}/metrics`, 'analytics_pipeline_lag_seconds');

  // 1,000 WatchOverview streams over one HTTP/2 connection, memory sampled while they run.
  const rssBefore = await app.rssMb();
  const watchStop = new AbortController();
  setMaxListeners(0, watchStop.signal); // one signal for all the streams
  let messages = 0;
  const streams = Array.from({ length: WATCHERS }, async () => {
    try {
      for await (const _ of client.watchOverview({}, { signal: watchStop.signal })) messages++;
    } catch {
      // aborted
    }
  });
  const rss: number[] = [];
  const watchEnd = Date.now() + WATCH_MS;
  while (Date.now() < watchEnd) {
    await sleep(2_000);
    rss.push(await app.rssMb());
  }
  const watchers = await scrape(`http://127.0.0.1:${HTTP}/metrics`, 'analytics_realtime_watchers');
  watchStop.abort();
  await Promise.all(streams);

  console.log(
    JSON.stringify(
      {
        load: {
          target_events_per_second: RATE,
          published_events: published,
          achieved_events_per_second: Math.round(published / elapsed),
        },
        freshness_ms: {
          probes: freshness.length,
          p50: percentile(freshness, 50),
          p99: percentile(freshness, 99),
          max: freshness.at(-1) ?? 0,
        },
        pipeline_lag_seconds_last: lag,
        get_overview_ms_under_load: overviewCalls,
        ...(baselineCalls === undefined
          ? {}
          : { baseline_fixed_overview_ms_under_load: { ...baselineCalls, seconds: LOAD_MS / 4 / 1000 } }),
        watch_overview: {
          streams: WATCHERS,
          open_on_server: watchers,
          messages,
          messages_per_stream_per_second: +(messages / WATCHERS / (WATCH_MS / 1000)).toFixed(2),
          rss_mb_before: rssBefore,
          rss_mb_samples: rss,
        },
      },
      null,
      2,
    ),
  );
} finally {
  await app.stop();
  await destroyTopology(bus.jsm, topo).catch(() => undefined);
  await bus.close();
  await deleteKeys(BENCH_REDIS_URL, `${redisPrefix}:`);
}
