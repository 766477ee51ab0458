// Seeds an analytics database with simulated shop events, written straight into the event store (no
// NATS), then recomputes the rollups of the range. Benchmarks import `seedEventStore`; by hand:
//   npx tsx tools/src/seed-store.ts --database-url postgresql://postgres@127.0.0.1:5432/broxiva_bench \
//     --events 10000000 --days 90 --users 1000000
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { EnrichmentSchema, type Event } from '@broxiva/contracts';
import { createOrm, ensureDatabase, maskUrl, pgPool, runMigrations } from '@broxiva/db';
import { createEventWriter, createPartitionManager, eventStoreMigrations } from '@broxiva/event-store';
import { createUserAgentParser, enrich, type UserAgentParser } from '@broxiva/ingest-domain';
import { createRollupWorker, rollupMigrations } from '@broxiva/metrics-data-access';
import { SingleBar } from 'cli-progress';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createShop, trafficShape } from './shop-traffic.js';

const DAY_MS = 86_400_000;
const BATCH = 20_000;
// Sessions start at least this long before midnight, so every event of a day's sessions stays in that day.
const LAST_START_MS = 10 * 60_000;

export interface SeedOptions {
  readonly databaseUrl: string;
  /** Events to write, exactly. */
  readonly events: number;
  /** Days the events span, ending at `endDate`. */
  readonly days: number;
  /** Distinct shoppers sessions are drawn from. */
  readonly users: number;
  /** PRNG seed (default 1): the same options write the same events. */
  readonly seed?: number;
  /** Exclusive end of the range, on a UTC midnight (default: the coming UTC midnight). */
  readonly endDate?: Date;
  /** Told the number of events written so far, after each batch. */
  readonly onProgress?: (n: number) => void;
  /** Zone of `daily_metrics` days for the rollup pass (default UTC, the Metrics app's default). */
  readonly shopTimeZone?: string;
  /** Writes no events, only recomputes the range's rollups (after a change to the rollups' schema). */
  readonly rollupsOnly?: boolean;
}

export interface SeedResult {
  readonly events: number;
  readonly start: Date;
  readonly end: Date;
  readonly writeSeconds: number;
  readonly eventsPerSecond: number;
  readonly rollupSeconds: number;
}

/**
 * Creates the database if missing, applies the event store and rollup migrations, writes `events`
 * simulated events over `days` days through the event store's COPY writer (idempotent: ids come from the
 * seeded PRNG and event times, so seeding twice with the same options and end date stores nothing new),
 * then recomputes every day's rollups (shop-zone days, in order).
 */
export async function seedEventStore(opts: SeedOptions): Promise<SeedResult> {
  await ensureDatabase(opts.databaseUrl);
  // MikroORM's messages go to stderr, so callers' stdout stays JSON.
  const orm = await createOrm({
    url: opts.databaseUrl,
    entities: [],
    migrations: { list: [...eventStoreMigrations, ...rollupMigrations] },
    log: (m) => process.stderr.write(`${m}\n`),
  });
  try {
    await runMigrations(orm);
  } finally {
    await orm.close();
  }

  const end = opts.endDate ?? new Date(Math.ceil(Date.now() / DAY_MS) * DAY_MS);
  const start = new Date(end.getTime() - opts.days * DAY_MS);
  const pool = pgPool(opts.databaseUrl, { max: 3 });
  try {
    const write = createEventWriter({ pool, partitions: createPartitionManager(pool) });
    const t0 = performance.now();
    let written = 0;
    // Two batches in flight: one generated here while PostgreSQL stores the previous one.
    const inFlight = new Set<Promise<void>>();
    for (const batch of opts.rollupsOnly === true ? [] : generate(opts, start)) {
      const p: Promise<void> = write(batch).then(() => {
        written += batch.length;
        opts.onProgress?.(written);
        inFlight.delete(p);
      });
      inFlight.add(p);
      if (inFlight.size >= 2) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    const writeSeconds = (performance.now() - t0) / 1000;

    const t1 = performance.now();
    const worker = createRollupWorker({ pool, shopTimeZone: opts.shopTimeZone ?? 'UTC' });
    // Chronological, so each user's first-seen time is final when their first day is computed.
    for (let d = start.getTime(); d < end.getTime(); d += DAY_MS) {
      await worker.recomputeShopDay(new Date(d).toISOString().slice(0, 10));
    }
    // Then the slices of every closed day (and any hour the pass left dirty).
    await worker.drain();
    return {
      events: opts.events,
      start,
      end,
      writeSeconds: round(writeSeconds),
      eventsPerSecond: opts.rollupsOnly === true ? 0 : Math.round(opts.events / writeSeconds),
      rollupSeconds: round((performance.now() - t1) / 1000),
    };
  } finally {
    await pool.end();
  }
}

const round = (x: number) => Math.round(x * 100) / 100;

/**
 * Batches of enriched events, day by day; each day gets its share of `events` (weekends 20 % busier).
 * A day's events are written in time order with time-ordered ids (UUIDv7, as ingestion assigns), so the
 * store's indexes grow at their ends instead of at random pages.
 */
function* generate(opts: SeedOptions, start: Date): Generator<Event[]> {
  const shop = createShop({ seed: opts.seed ?? 1, users: opts.users, currency: 'USD' });
  const rnd = shop.random;
  const parse = createUserAgentParser();
  const weights = Array.from({ length: opts.days }, (_, i) => {
    const day = new Date(start.getTime() + i * DAY_MS).getUTCDay();
    return day === 0 || day === 6 ? 1.2 : 1;
  });
  const total = weights.reduce((a, b) => a + b, 0);
  let produced = 0;
  let cumulative = 0;
  for (let i = 0; i < opts.days; i++) {
    cumulative += weights[i] ?? 0;
    const target = i === opts.days - 1 ? opts.events : Math.round((opts.events * cumulative) / total);
    const dayStart = start.getTime() + i * DAY_MS;
    const day: { ms: number; event: Event }[] = [];
    while (produced < target) {
      // Rejection sampling against the daily rhythm (trafficShape peaks below 2).
      let t: number;
      do t = dayStart + Math.floor(rnd() * (DAY_MS - LAST_START_MS));
      while (rnd() * 2 > trafficShape(new Date(t)));
      const events = shop.session(new Date(t)).slice(0, target - produced);
      const enrichment = enrichmentOf(events[0], parse);
      for (const e of events) {
        e.enrichment = enrichment;
        // The user agent is an ingest input, not a stored column: dropped as ingestion drops the IP.
        if (e.context !== undefined) e.context.userAgent = '';
        const ts = e.timestamp;
        day.push({
          ms: ts === undefined ? t : Number(ts.seconds) * 1000 + Math.floor(ts.nanos / 1e6),
          event: e,
        });
      }
      produced += events.length;
    }
    day.sort((a, b) => a.ms - b.ms);
    for (const d of day) {
      d.event.eventId = uuidv7(d.ms, rnd);
      d.event.receivedAt = timestampFromDate(new Date(d.ms + 500 + Math.floor(rnd() * 2000)));
    }
    for (let j = 0; j < day.length; j += BATCH) yield day.slice(j, j + BATCH).map((d) => d.event);
  }
}

function enrichmentOf(first: Event | undefined, parse: UserAgentParser) {
  const ctx = first?.context;
  return create(
    EnrichmentSchema,
    enrich(
      {
        pageUrl: '',
        pagePath: '',
        pageTitle: '',
        referrer: ctx?.referrer ?? '',
        utm: { source: '', medium: '', campaign: '', term: '', content: '' },
        ip: '',
        userAgent: ctx?.userAgent ?? '',
        locale: ctx?.locale ?? '',
        country: ctx?.country ?? '',
        region: ctx?.region ?? '',
        timezone: '',
      },
      undefined,
      parse,
    ),
  );
}

const hex32 = (rnd: () => number) =>
  Math.floor(rnd() * 0x1_0000_0000)
    .toString(16)
    .padStart(8, '0');

/** A UUIDv7 (RFC 9562): 48 bits of Unix ms, then version, variant and random bits from `rnd`. */
export function uuidv7(ms: number, rnd: () => number): string {
  const t = ms.toString(16).padStart(12, '0');
  const a = hex32(rnd);
  const b = hex32(rnd);
  const variant = ((parseInt(a[3] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${a.slice(0, 3)}-${variant}${a.slice(4, 7)}-${a.slice(7)}${b}${hex32(rnd).slice(0, 3)}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'database-url': { type: 'string', default: 'postgresql://postgres@127.0.0.1:5432/broxiva_bench' },
      events: { type: 'string', default: '1000000' },
      days: { type: 'string', default: '90' },
      users: { type: 'string', default: '1000000' },
      seed: { type: 'string', default: '1' },
      'end-date': { type: 'string' },
      'time-zone': { type: 'string', default: 'UTC' },
      'rollups-only': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(`seed-store [--database-url URL (default broxiva_bench on 127.0.0.1)] [--events N (1000000)]
           [--days D (90)] [--users U (1000000)] [--seed S (1)] [--end-date YYYY-MM-DD (next UTC midnight)]
           [--time-zone ZONE (UTC: days of daily_metrics)] [--rollups-only (write no events, recompute the rollups)]
Writes simulated shop events straight into the event store, then recomputes the rollups. Prints JSON.`);
    return;
  }
  const positive = (name: 'events' | 'days' | 'users' | 'seed') => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < (name === 'seed' ? 0 : 1))
      throw new Error(`--${name} must be a positive integer`);
    return n;
  };
  const endDate = values['end-date'];
  if (endDate !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(endDate))
    throw new Error('--end-date must be YYYY-MM-DD');
  const events = positive('events');
  const bar = process.stderr.isTTY
    ? new SingleBar({ format: 'seeding [{bar}] {percentage}% {value}/{total} events, eta {eta}s' })
    : undefined;
  bar?.start(events, 0);
  const result = await seedEventStore({
    databaseUrl: values['database-url'],
    events,
    days: positive('days'),
    users: positive('users'),
    seed: positive('seed'),
    shopTimeZone: values['time-zone'],
    rollupsOnly: values['rollups-only'],
    ...(endDate === undefined ? {} : { endDate: new Date(`${endDate}T00:00:00Z`) }),
    onProgress: (n) => bar?.update(n),
  });
  bar?.stop();
  console.log(JSON.stringify({ database: maskUrl(values['database-url']), ...result }));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
