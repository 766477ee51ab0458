// One load-generating process for the benchmarks: sends TrackBatch over gRPC for a while and prints JSON.
// Benchmarks run several of these. The client must cost little next to the server it measures (they
// share 2 cores): requests are encoded once as templates and each send only copies a template and writes
// fresh event ids into it (ids are fixed-length strings at known offsets), then hands the bytes to
// @grpc/grpc-js with an identity serializer. Templates are re-encoded every 20 s so timestamps stay live.
//   tsx tools/src/load-worker.ts --url http://127.0.0.1:50051 --seconds 20 --batch 500 [--rate 0 (as fast as possible)]
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  TrackBatchRequestSchema,
  TrackBatchResponseSchema,
  useNodeTextEncoding,
  type Event,
} from '@broxiva/contracts';
import { Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { createShop } from './shop-traffic.js';

useNodeTextEncoding();
const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:50051' },
    seconds: { type: 'string', default: '20' },
    batch: { type: 'string', default: '500' },
    rate: { type: 'string', default: '0' },
    seed: { type: 'string', default: '1' },
    /** Requests in flight at once from this process. */
    concurrency: { type: 'string', default: '1' },
  },
});
const size = Number(values.batch);
const rate = Number(values.rate);
const shop = createShop({ seed: Number(values.seed), users: 50_000, currency: 'USD' });
const pool: Event[] = [];
while (pool.length < 20_000) pool.push(...shop.session(new Date()));

interface Template {
  readonly bytes: Buffer;
  /** Where each event's 36-character id starts in `bytes`. */
  readonly idOffsets: readonly number[];
}

/** Encodes `count` requests of `size` events each, remembering where their ids sit. */
function templates(count: number): Template[] {
  const ts = timestampFromDate(new Date());
  let cursor = 0;
  return Array.from({ length: count }, () => {
    const events = Array.from({ length: size }, () => ({
      ...pool[cursor++ % pool.length]!,
      eventId: randomUUID(),
      timestamp: ts,
    }));
    const bytes = Buffer.from(toBinary(TrackBatchRequestSchema, create(TrackBatchRequestSchema, { events })));
    let from = 0;
    const idOffsets = events.map((e) => {
      const at = bytes.indexOf(e.eventId, from, 'latin1');
      if (at < 0) throw new Error('event id not found in its encoding');
      from = at + 36;
      return at;
    });
    return { bytes, idOffsets };
  });
}

/** A copy of the template with a fresh UUID v4 in every id slot. */
function fresh(t: Template): Buffer {
  const out = Buffer.from(t.bytes);
  for (const at of t.idOffsets) out.write(randomUUID(), at, 'latin1');
  return out;
}

const address = new URL(values.url).host;
const client = new Client(address, credentials.createInsecure(), {
  'grpc.max_send_message_length': 64 * 1024 * 1024,
});
const identity = (b: Buffer): Buffer => b;
function send(body: Buffer): Promise<number> {
  return new Promise((resolve, reject) =>
    client.makeUnaryRequest(
      '/broxiva.analytics.ingest.v1.IngestService/TrackBatch',
      identity,
      identity,
      body,
      new Metadata(),
      (err: ServiceError | null, res?: Buffer) =>
        err || res === undefined ? reject(err) : resolve(fromBinary(TrackBatchResponseSchema, res).accepted),
    ),
  );
}

let current = templates(16);
let refreshedAt = Date.now();
let next = 0;
let accepted = 0;
let failed = 0;
const latencies: number[] = [];
const started = Date.now();
const end = started + Number(values.seconds) * 1000;
const concurrency = Number(values.concurrency);
async function loop(): Promise<void> {
  while (Date.now() < end) {
    if (Date.now() - refreshedAt > 20_000) {
      current = templates(16);
      refreshedAt = Date.now();
    }
    const body = fresh(current[next++ % current.length]!);
    const t = performance.now();
    try {
      accepted += await send(body);
      latencies.push(performance.now() - t);
    } catch {
      failed += size;
      await sleep(100); // the server is down or refusing: don't spin
    }
    // With a target rate, wait until this worker's schedule allows the next batch.
    if (rate > 0) await sleep(Math.max(0, started + ((accepted + failed) / rate) * 1000 - Date.now()));
  }
}
await Promise.all(Array.from({ length: concurrency }, loop));
client.close();
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
