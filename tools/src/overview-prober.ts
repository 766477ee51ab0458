// Calls Realtime's GetOverview open loop at a fixed rate for a while and prints the answer times as JSON.
// A process of its own, run by bench-realtime: in the benchmark's own process the calls' answers wait
// behind its event publisher (10,000 events/s built and encoded on one event loop), and that wait is the
// client's, not the server's. A dashboard reading the overview is not the shop's event sender either.
//   tsx tools/src/overview-prober.ts --url http://127.0.0.1:51052 --rate 200 --seconds 10 [--client node|h2load]
// --client h2load calls through nghttp2's h2load (Debian's nghttp2-client), a C client, with the Connect
// protocol over HTTP/2 (2 connections, each at half the rate; answer times from its per-request log):
// the Node client's own event loop and garbage collector add several ms to the tail on this machine.
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { RealtimeService } from '@broxiva/contracts';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { percentile, runH2load } from './bench-support.js';

const { values: a } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:51052' },
    rate: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '10' },
    client: { type: 'string', default: 'node' },
  },
});
if (a.client === 'h2load') {
  console.log(JSON.stringify(await h2load()));
  process.exit(0);
}
const client = createClient(RealtimeService, createGrpcTransport({ baseUrl: a.url! }));
// One call first, so the HTTP/2 connection is open before the clock starts.
await client.getOverview({});

// Open loop: calls go out on schedule whether or not earlier ones answered; latency counts from when a
// call was due, so it is the answer time a dashboard sees rather than how fast back-to-back callers queue.
const interval = 1000 / Number(a.rate);
const durationMs = Number(a.seconds) * 1000;
const latencies: number[] = [];
let errors = 0;
const calls: Promise<void>[] = [];
const begin = performance.now();
for (let i = 0; i * interval < durationMs; i++) {
  const due = begin + i * interval;
  const wait = due - performance.now();
  if (wait > 0) await sleep(wait);
  calls.push(
    client.getOverview({}).then(
      () => void latencies.push(performance.now() - due),
      () => void errors++,
    ),
  );
}
await Promise.all(calls);
latencies.sort((x, y) => x - y);
console.log(
  JSON.stringify({
    rate_per_second: Number(a.rate),
    calls: latencies.length,
    errors,
    p50: +percentile(latencies, 50).toFixed(2),
    p99: +percentile(latencies, 99).toFixed(2),
    max: +(latencies.at(-1) ?? 0).toFixed(2),
  }),
);

/** The same open-loop calls through h2load: 2 connections, each at half the rate. */
async function h2load() {
  const flags = ['-c', '2', '--rps', String(Number(a.rate) / 2), '-D', a.seconds!];
  const requests = await runH2load(
    [...flags, '-H', 'content-type: application/json'],
    `${a.url!}/broxiva.analytics.realtime.v1.RealtimeService/GetOverview`,
    '{}', // an empty GetOverviewRequest in the Connect protocol's JSON
  );
  const latencies = requests
    .filter((r) => r.status === '200')
    .map((r) => r.ms)
    .sort((x, y) => x - y);
  return {
    client: 'h2load',
    rate_per_second: Number(a.rate),
    calls: latencies.length,
    errors: requests.length - latencies.length,
    p50: +percentile(latencies, 50).toFixed(2),
    p99: +percentile(latencies, 99).toFixed(2),
    max: +(latencies.at(-1) ?? 0).toFixed(2),
  };
}
