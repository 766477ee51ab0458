// bench-realtime's load: publishes EventBatch messages on the events stream as Ingest does, at a steady
// rate, with a probe purchase (a new order, numbered from 1) every 50 ms. A process of its own, so the
// shop's traffic can be run at a lower CPU priority than the services it loads (`nice`), as it would be on
// machines of its own. Prints `probe <k> <epoch ms>` when probe k's publish is acknowledged, then a JSON
// line with what it published.
//   tsx tools/src/realtime-load.ts --prefix P --rate 10000 --seconds 20
import { create, toBinary } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { connectBus, eventSubject, topology } from '@broxiva/bus';
import { CommerceSchema, EventBatchSchema, EventSchema, type Event } from '@broxiva/contracts';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';

const { values: a } = parseArgs({
  options: {
    prefix: { type: 'string' },
    rate: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '20' },
    'nats-url': { type: 'string', default: 'nats://127.0.0.1:4222' },
  },
});
if (a.prefix === undefined) throw new Error('--prefix is required (the stream prefix of the app under load)');
const RATE = Number(a.rate);
const TICK_MS = 10; // one message per event type and tick
const PROBE_MS = 50;
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

const bus = await connectBus({ url: a['nats-url']!, name: 'bench-realtime-load' });
const topo = topology({ prefix: a.prefix });
const start = Date.now();
const end = start + Number(a.seconds) * 1000;
let nextProbe = start;
let probe = 0;
let published = 0;
for (let tick = 0; ; tick++) {
  const due = start + tick * TICK_MS;
  if (due >= end) break;
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
    nextProbe += PROBE_MS;
    const k = ++probe;
    const e = loadEvent('purchase', now);
    e.commerce = create(CommerceSchema, { orderId: `probe-${k}`, revenue: { amount: 1, currency: 'USD' } });
    acks.push(
      bus.js
        .publish(
          eventSubject('purchase', topo),
          toBinary(EventBatchSchema, create(EventBatchSchema, { events: [e] })),
        )
        .then(() => process.stdout.write(`probe ${k} ${Date.now()}\n`)),
    );
  }
  await Promise.all(acks);
}
await bus.close();
console.log(JSON.stringify({ published, probes: probe, seconds: (Date.now() - start) / 1000 }));
