// Realtime benchmark: starts the Realtime app as a process on the local services (own NATS stream prefix,
// own Redis key prefix), publishes EventBatch messages as ingest does at a steady rate, and prints one
// JSON document. Run by hand:
//   tsx tools/src/bench-realtime.ts [--rate 10000] [--seconds 20] [--watchers 1000] [--watch-seconds 20]
//                                   [--overview-rate 200]
//
// Freshness: every 50 ms a probe purchase (a new order) is published with the load; a client polls
// GetOverview every 5 ms and notes when orders_today first includes it. That is publish acknowledged
// (what ingest acknowledges after) → visible in the overview, end to end.
import { create, toBinary } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { connectBus, eventSubject, topology } from '@broxiva/bus';
import { destroyTopology, testPrefix } from '@broxiva/bus/testing';
import {
  CommerceSchema,
  EventBatchSchema,
  EventSchema,
  RealtimeService,
  type Event,
} from '@broxiva/contracts';
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { percentile, scrape, startApp, waitForHttp } from './bench-support.js';

const { values: a } = parseArgs({
  options: {
    rate: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '20' },
    watchers: { type: 'string', default: '1000' },
    'watch-seconds': { type: 'string', default: '20' },
    /** GetOverview calls per second while the load runs (open loop: a dashboard fleet reading). */
    'overview-rate': { type: 'string', default: '200' },
  },
});
const RATE = Number(a.rate);
const LOAD_MS = Number(a.seconds) * 1000;
const WATCHERS = Number(a.watchers);
const WATCH_MS = Number(a['watch-seconds']) * 1000;
const TICK_MS = 10; // one message per event type and tick
const POLL_MS = 5; // freshness probe polling
const prefix = testPrefix();
const redisPrefix = `bench:${prefix}`;
const GRPC = 51052;
const HTTP = 51082;

const TYPES = ['page_view', 'product_view', 'add_to_cart', 'checkout_start'] as const;
let n = 0;
function loadEvent(type: string, now: number): Event {
  n++;
  const s = n % 20_000;
  return create(EventSchema, {
    eventId: randomUUID(),
    eventType: type,
    anonymousId: `anon-${s}`,
    sessionId: `sess-${s}`,
    timestamp: timestampFromMs(now),
    receivedAt: timestampFromMs(now),
    context: { pagePath: `/p/${n % 500}` },
    enrichment: { deviceType: n % 3 === 0 ? 'mobile' : 'desktop', country: 'DE', region: 'BY' },
    ...(type === 'add_to_cart' ? { commerce: { revenue: { amount: 19.99, currency: 'USD' } } } : {}),
  });
}

const app = startApp('realtime', {
  NATS_STREAM_PREFIX: prefix,
  EVENTS_STREAM_MAX_GIB: '4',
  REALTIME_REDIS_KEY_PREFIX: redisPrefix,
  REALTIME_GRPC_PORT: String(GRPC),
  REALTIME_HTTP_PORT: String(HTTP),
});
const bus = await connectBus({ url: 'nats://127.0.0.1:4222', name: 'bench-realtime' });
const topo = topology({ prefix });
const client = createClient(RealtimeService, createGrpcTransport({ baseUrl: `http://127.0.0.1:${GRPC}` }));
try {
  await waitForHttp(`http://127.0.0.1:${HTTP}/metrics`);

  // Load + probes.
  const loadStart = Date.now();
  const loadEnd = loadStart + LOAD_MS;
  const probes = new Map<number, number>(); // order number → publish acknowledged at
  const seen: number[] = [];
  let probe = 0;
  let published = 0;
  let stop = false;
  const publisher = (async () => {
    const start = Date.now();
    let nextProbe = start;
    for (let tick = 0; !stop; tick++) {
      const due = start + tick * TICK_MS;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
      const now = Date.now();
      const perType = Math.round((RATE * TICK_MS) / 1000 / TYPES.length);
      const acks: Promise<unknown>[] = [];
      for (const type of TYPES) {
        const events = Array.from({ length: perType }, () => loadEvent(type, now));
        acks.push(
          bus.js.publish(
            eventSubject(type, topo),
            toBinary(EventBatchSchema, create(EventBatchSchema, { events })),
          ),
        );
        published += events.length;
      }
      if (now >= nextProbe) {
        nextProbe += 50;
        const k = ++probe;
        const e = loadEvent('purchase', now);
        e.commerce = create(CommerceSchema, {
          orderId: `probe-${k}`,
          revenue: { amount: 1, currency: 'USD' },
        });
        acks.push(
          bus.js
            .publish(
              eventSubject('purchase', topo),
              toBinary(EventBatchSchema, create(EventBatchSchema, { events: [e] })),
            )
            .then(() => probes.set(k, Date.now())),
        );
      }
      await Promise.all(acks);
    }
  })();
  // Polled every POLL_MS, not back to back: a back-to-back poller is a load of its own (thousands of calls
  // a second) on the server whose answer time is measured below. It adds at most POLL_MS to freshness.
  const poller = (async () => {
    let visible = 0;
    while (!stop || visible < probe) {
      const due = performance.now() + POLL_MS;
      const { overview } = await client.getOverview({});
      const orders = Number(overview?.ordersToday ?? 0);
      const at = Date.now();
      while (visible < orders) {
        visible++;
        const sent = probes.get(visible);
        if (sent !== undefined) seen.push(Math.max(0, at - sent));
      }
      if (stop && Date.now() > loadEnd + 10_000) break;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
    }
  })();
  // GetOverview latency under load, during the second half of the run: open loop at a fixed rate (calls go
  // out on schedule whether or not earlier ones answered; latency counts from when a call was due), so it
  // measures the answer time a dashboard sees rather than how fast back-to-back callers can queue.
  await sleep(LOAD_MS / 2);
  const overviewCalls = { latencies: [] as number[], errors: 0 };
  {
    const interval = 1000 / Number(a['overview-rate']);
    const begin = performance.now();
    const calls: Promise<void>[] = [];
    for (let i = 0; begin + i * interval < begin + LOAD_MS / 2; i++) {
      const due = begin + i * interval;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      calls.push(
        client.getOverview({}).then(
          () => void overviewCalls.latencies.push(performance.now() - due),
          () => void overviewCalls.errors++,
        ),
      );
    }
    await Promise.all(calls);
    overviewCalls.latencies.sort((x, y) => x - y);
  }
  stop = true;
  await publisher;
  await poller;
  const elapsed = (Date.now() - loadStart) / 1000;
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
        get_overview_ms_under_load: {
          rate_per_second: Number(a['overview-rate']),
          calls: overviewCalls.latencies.length,
          errors: overviewCalls.errors,
          p50: +percentile(overviewCalls.latencies, 50).toFixed(2),
          p99: +percentile(overviewCalls.latencies, 99).toFixed(2),
        },
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
  const redis = new Redis('redis://127.0.0.1:6379');
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${redisPrefix}:*`, 'COUNT', 1000);
    if (found.length > 0) await redis.unlink(...found);
    cursor = next;
  } while (cursor !== '0');
  redis.disconnect();
}
