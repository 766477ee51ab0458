// One load-generating process for the benchmarks: sends TrackBatch over gRPC for a while and prints JSON.
// Benchmarks run several of these: one Node process sending many large requests at once measures its own
// client (throughput fell from 8.7k to 1.3k events/s going from 1 to 8 concurrent calls in one process,
// while 4 processes with 1 call each reached 9.3k against the same server).
//   tsx tools/src/load-worker.ts --url http://127.0.0.1:50051 --seconds 20 --batch 500 [--rate 0 (as fast as possible)]
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { useNodeTextEncoding, type Event } from '@broxiva/contracts';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { createEventSender } from './event-sender.js';
import { createShop } from './shop-traffic.js';

useNodeTextEncoding();
const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:50051' },
    seconds: { type: 'string', default: '20' },
    batch: { type: 'string', default: '500' },
    rate: { type: 'string', default: '0' },
    seed: { type: 'string', default: '1' },
  },
});
const size = Number(values.batch);
const rate = Number(values.rate);
const shop = createShop({ seed: Number(values.seed), users: 50_000, currency: 'USD' });
const pool: Event[] = [];
while (pool.length < 20_000) pool.push(...shop.session(new Date()));
const send = createEventSender('grpc', values.url);
let cursor = 0;
let accepted = 0;
let failed = 0;
const latencies: number[] = [];
const started = Date.now();
const end = started + Number(values.seconds) * 1000;
while (Date.now() < end) {
  const ts = timestampFromDate(new Date());
  const events = Array.from({ length: size }, () => ({
    ...pool[cursor++ % pool.length]!,
    eventId: randomUUID(),
    timestamp: ts,
  }));
  const t = performance.now();
  try {
    accepted += (await send(events)).accepted;
    latencies.push(performance.now() - t);
  } catch {
    failed += size;
  }
  // With a target rate, wait until this worker's schedule allows the next batch.
  if (rate > 0) await sleep(Math.max(0, started + ((accepted + failed) / rate) * 1000 - Date.now()));
}
latencies.sort((a, b) => a - b);
const at = (p: number) =>
  Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0);
console.log(
  JSON.stringify({
    accepted,
    failed,
    seconds: (Date.now() - started) / 1000,
    p50_ms: at(0.5),
    p99_ms: at(0.99),
  }),
);
