// Decoding micro-benchmark: protobuf-es's fromBinary against the hand-written readers (decodeEvent,
// decodeEventBatch) on the shop simulator's events, in one process, no services; and encoding, toBinary
// against the hand-written writer (encodeEvent) on the same events as the gateway sends them. Run by hand:
//   tsx tools/src/bench-decode.ts [--seconds 3] [--rounds 5] [--events 5000]
// Two inputs: each event encoded alone, as Ingest decodes a client's event from TrackBatch; and
// EventBatch messages of 500 events with the server's fields (received_at, enrichment), as the store and
// Realtime decode them from the bus. The decoders take turns in every round (the machine is shared);
// CPU time is process.cpuUsage(), the median round is reported. Prints one JSON document.
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  decodeEvent,
  decodeEventBatch,
  encodeEvent,
  EnrichmentSchema,
  EventBatchSchema,
  EventSchema,
  useNodeTextEncoding,
  type Event,
} from '@broxiva/contracts';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { isDeepStrictEqual } from 'node:util';
import { createShop } from './shop-traffic.js';

useNodeTextEncoding();
const { values: a } = parseArgs({
  options: {
    seconds: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '5' },
    events: { type: 'string', default: '5000' },
  },
});
const seconds = Number(a.seconds);
const rounds = Number(a.rounds);

const shop = createShop({ seed: 1, users: 50_000, currency: 'USD' });
const client: Event[] = [];
while (client.length < Number(a.events)) client.push(...shop.session(new Date()));

// What Ingest adds before publishing (apps/ingest/src/rpc/event-encoding.ts), for the simulator's agents.
const ENRICHMENT: Record<string, [string, string, string, string, string]> = {
  Macintosh: ['desktop', 'Chrome', '120.0.0.0', 'macOS', '10.15.7'],
  iPhone: ['mobile', 'Mobile Safari', '17.1', 'iOS', '17.1'],
  Android: ['mobile', 'Chrome', '120.0.0.0', 'Android', '14'],
  Windows: ['desktop', 'Firefox', '121.0', 'Windows', '10'],
};
const receivedAt = timestampFromDate(new Date());
const bus = client.map((e) => {
  const ua = Object.entries(ENRICHMENT).find(([k]) => e.context?.userAgent.includes(k))?.[1];
  const referrerDomain = (e.context?.referrer ?? '').replace(/^https:\/\/(www\.)?([^/]+).*$/, '$2');
  // A copy of a message stays that message for create(): the enrichment is created on its own.
  return {
    ...e,
    receivedAt,
    enrichment: create(EnrichmentSchema, {
      deviceType: ua?.[0],
      browser: ua?.[1],
      browserVersion: ua?.[2],
      os: ua?.[3],
      osVersion: ua?.[4],
      country: e.context?.country,
      region: e.context?.region,
      referrerDomain,
      channel: referrerDomain === '' ? 'direct' : 'referral',
    }),
  };
});

const singles = client.map((e) => toBinary(EventSchema, e));
const batches: Uint8Array[] = [];
for (let i = 0; i < bus.length; i += 500) {
  batches.push(toBinary(EventBatchSchema, create(EventBatchSchema, { events: bus.slice(i, i + 500) })));
}

// Both decoders must read the same thing before their speed means anything.
for (const bytes of singles) {
  if (!isDeepStrictEqual(decodeEvent(bytes), fromBinary(EventSchema, bytes)))
    throw new Error('decodeEvent differs');
}
for (const bytes of batches) {
  if (!isDeepStrictEqual(decodeEventBatch(bytes), fromBinary(EventBatchSchema, bytes))) {
    throw new Error('decodeEventBatch differs');
  }
}

for (const e of client) {
  if (!Buffer.from(encodeEvent(e)).equals(toBinary(EventSchema, e))) throw new Error('encodeEvent differs');
}

// Each case turns every input into something (bytes or an event) and counts the events it handled.
type Decoder = (input: never) => { eventCount: number };
const decoders: Record<string, Record<string, { inputs: readonly unknown[]; decode: Decoder }>> = {
  single_events: {
    fromBinary: { inputs: singles, decode: (b) => (fromBinary(EventSchema, b), { eventCount: 1 }) },
    decodeEvent: { inputs: singles, decode: (b) => (decodeEvent(b), { eventCount: 1 }) },
  },
  event_batches_500: {
    fromBinary: {
      inputs: batches,
      decode: (b) => ({ eventCount: fromBinary(EventBatchSchema, b).events.length }),
    },
    decodeEventBatch: { inputs: batches, decode: (b) => ({ eventCount: decodeEventBatch(b).events.length }) },
  },
  encode_single_events: {
    toBinary: { inputs: client, decode: (e: Event) => (toBinary(EventSchema, e), { eventCount: 1 }) },
    encodeEvent: { inputs: client, decode: (e: Event) => (encodeEvent(e), { eventCount: 1 }) },
  },
};

/** Runs a case over its inputs round and round for `ms`; CPU and wall time per event. */
function measure({ inputs, decode }: { inputs: readonly unknown[]; decode: Decoder }, ms: number) {
  let events = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (const input of inputs) events += decode(input as never).eventCount;
  }
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { cpuUs: (used.user + used.system) / events, wallUs: (wall * 1000) / events };
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number;
const result: Record<string, unknown> = {
  node: process.version,
  events: client.length,
  bytes_per_event: Math.round(singles.reduce((n, b) => n + b.length, 0) / singles.length),
  bytes_per_bus_event: Math.round(batches.reduce((n, b) => n + b.length, 0) / bus.length),
  loadavg_before: loadavg().map((x) => +x.toFixed(2)),
};
for (const [input, byDecoder] of Object.entries(decoders)) {
  for (const d of Object.values(byDecoder)) measure(d, 1000); // warm up: optimised code
  const samples: Record<string, { cpu: number[]; wall: number[] }> = {};
  for (let r = 0; r < rounds; r++) {
    for (const [name, d] of Object.entries(byDecoder)) {
      const m = measure(d, seconds * 1000);
      (samples[name] ??= { cpu: [], wall: [] }).cpu.push(m.cpuUs);
      samples[name].wall.push(m.wallUs);
    }
  }
  const figures = Object.fromEntries(
    Object.entries(samples).map(([name, s]) => [
      name,
      {
        cpu_us_per_event: +median(s.cpu).toFixed(2),
        wall_us_per_event: +median(s.wall).toFixed(2),
        cpu_us_per_event_rounds: s.cpu.map((x) => +x.toFixed(2)),
      },
    ]),
  );
  const [before, after] = Object.values(figures).map((f) => f.cpu_us_per_event) as [number, number];
  result[input] = { ...figures, cpu_ratio: +(before / after).toFixed(2) };
}
result['loadavg_after'] = loadavg().map((x) => +x.toFixed(2));
console.log(JSON.stringify(result, null, 2));
