import type { FunnelEvent } from '@broxiva/insights-behaviour';
import {
  streamCopyColumns,
  type ColumnBatch,
  type CopyWireType,
  type Float64Vector,
  type TimestampVector,
  type Utf8Vector,
  USER_KEY_SQL,
} from '@broxiva/event-store';
import { escapeLiteral, type Pool } from 'pg';
import { BREAKDOWN_COLUMNS } from './breakdowns.js';
import { READ_SETTINGS } from './read-only-transaction.js';

/** Step-filter properties stored as columns; any other name is looked up in `properties` (JSONB). */
const FILTER_COLUMNS = new Set([
  'page_path',
  'page_url',
  'referrer_domain',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
  'device_type',
  'browser',
  'os',
  'country',
  'region',
  'channel',
  'order_id',
  'cart_id',
  'coupon',
  'currency',
]);

export interface FunnelQuery {
  readonly start: Date;
  readonly end: Date;
  /** Event types to read; undefined = every type. */
  readonly eventTypes?: readonly string[];
  /** Property names used by step filters. */
  readonly properties: readonly string[];
  /** A key of BREAKDOWN_COLUMNS, or undefined. */
  readonly breakdown?: string;
}

const USER = USER_KEY_SQL;

/** Rows per column batch. */
const BATCH_ROWS = 65_536;
/** The first property column. */
const PROPS = 6;
/** Most rows (by the planner's estimate) held in memory at once by default; larger reads split users into passes. */
const ROWS_PER_PASS = 1_500_000;

/**
 * Calls `onUser` once per user (`coalesce(user_id, anonymous_id)`, bots left out) with their events in
 * [start, end) in time order, ties within a millisecond by event id; users come in no particular order.
 *
 * Why it reads this way: a 30-day funnel reads every step event of the range (570k at 10M events a year).
 * Sorting them by user in PostgreSQL took 1-2 s of the funnel's time and parsing them row by row from the
 * text protocol, with an object per row, most of the rest. Here binary COPYs (one per half of the range,
 * each on its own connection, so PostgreSQL scans on two cores) stream them unsorted into typed columns
 * (copy-binary.ts); rows are grouped by user with a counting sort and each user's few events sorted by
 * time. Only the values a funnel looks at become JavaScript strings. To bound memory on long ranges, users
 * are split by a hash of their id into as many passes as the planner's row estimate needs
 * (`rowsPerPass` each). The halves are read in two snapshots: an event stored meanwhile may or may not be
 * seen, as with a read started a moment earlier or later.
 */
export async function funnelEvents(
  pool: Pool,
  q: FunnelQuery,
  onUser: (events: FunnelEvent[]) => void,
  rowsPerPass = ROWS_PER_PASS,
): Promise<void> {
  // COPY takes no bind parameters: caller text (event types, property names) goes in as escaped literals.
  const listed = q.eventTypes;
  const types = listed === undefined ? '' : `ARRAY[${listed.map(escapeLiteral).join(', ')}]::text[]`;
  const props = q.properties.map((p) =>
    FILTER_COLUMNS.has(p) ? `${p}::text` : `properties->>${escapeLiteral(p)}`,
  );
  const dim = q.breakdown === undefined ? `''` : `coalesce(${BREAKDOWN_COLUMNS[q.breakdown]}, '')`;
  const where = (start: Date, end: Date) => `FROM events
     WHERE ts >= '${start.toISOString()}' AND ts < '${end.toISOString()}' ${types === '' ? '' : `AND event_type = ANY(${types})`}
       AND NOT is_bot AND ${USER} IS NOT NULL`;
  const estimate = await estimatedRows(pool, where(q.start, q.end));
  const passes = Math.max(1, Math.ceil(estimate / rowsPerPass));
  const wire: CopyWireType[] = [
    'text',
    listed === undefined ? 'text' : 'float8',
    'timestamptz',
    'bytea', // the event id's 16 bytes (uuid_send): compared as bytes, they order as the uuids do
    'text',
    'float8',
    ...props.map(() => 'text' as const),
  ];
  const settings = READ_SETTINGS;
  for (let pass = 0; pass < passes; pass++) {
    const part = passes === 1 ? '' : `AND (hashtext(${USER}) % ${passes} + ${passes}) % ${passes} = ${pass}`;
    // A listed event type travels as its position in the list (1-based), not as text.
    const type = listed === undefined ? 'event_type' : `array_position(${types}, event_type)::float8`;
    const select = `SELECT ${USER}, ${type}, ts, uuid_send(event_id), ${dim}, hashtext(${USER})::float8
                           ${props.map((p) => `, ${p}`).join('')}`;
    const rows = new RowsByUser(Math.ceil(estimate / passes));
    // Each half of the range on a connection of its own, so PostgreSQL scans on two cores.
    await Promise.all(
      halves(q.start, q.end).map(async ([start, end]) => {
        const sql = `${select} ${where(start, end)} ${part}`;
        for await (const batch of streamCopyColumns(pool, sql, wire, { batchRows: BATCH_ROWS, settings })) {
          rows.add(batch);
        }
      }),
    );
    rows.eachUser((batch, at) => {
      const typeColumn = batch.columns[1] as Float64Vector | Utf8Vector;
      const event: { type: string; ts: number; dim: string; props?: Record<string, string | null> } = {
        type:
          typeColumn.type === 'float64'
            ? (listed?.[typeColumn.values[at]! - 1] ?? '')
            : (text(typeColumn, at) ?? ''),
        ts: (batch.columns[2] as TimestampVector).values[at]!,
        dim: q.breakdown === undefined ? '' : (text(batch.columns[4] as Utf8Vector, at) ?? ''),
      };
      if (q.properties.length > 0) {
        const p: Record<string, string | null> = {};
        q.properties.forEach((name, k) => (p[name] = text(batch.columns[PROPS + k] as Utf8Vector, at)));
        event.props = p;
      }
      return event;
    }, onUser);
  }
}

/**
 * Rows of column batches (the user, the event type, the time in ms, the event id, the breakdown value and
 * PostgreSQL's `hashtext` of the user, then the properties) grouped by user: each row's user is numbered
 * as it comes, then a counting sort orders the rows by user and each user's rows are sorted by (time,
 * event id). Users are looked up by their hash, an integer, and told apart by their bytes; the few whose
 * hash another user took first are looked up by their bytes as a string. Batches may come from several
 * streams in any order: batch k's row i is row k * BATCH_ROWS + i (a batch that is not full leaves a gap).
 */
class RowsByUser {
  private readonly batches: ColumnBatch[] = [];
  private readonly byHash = new IntIndex();
  private readonly collided = new Map<string, number>();
  /** A row of each user (their first), to compare bytes with. */
  private readonly firstRow: number[] = [];
  private userOfRow: Int32Array;
  private timeOfRow: Float64Array;
  private rows = 0;

  constructor(expectedRows: number) {
    const size = BATCH_ROWS * Math.ceil((Math.min(expectedRows, ROWS_PER_PASS) + 1) / BATCH_ROWS + 2);
    this.userOfRow = new Int32Array(size);
    this.timeOfRow = new Float64Array(size);
  }

  add(batch: ColumnBatch): void {
    const users = batch.columns[0] as Utf8Vector;
    const times = (batch.columns[2] as TimestampVector).values;
    const hashes = (batch.columns[5] as Float64Vector).values;
    const base = this.batches.length * BATCH_ROWS;
    if (base + BATCH_ROWS > this.userOfRow.length) {
      const size = this.userOfRow.length * 2;
      this.userOfRow = grow(this.userOfRow, new Int32Array(size));
      this.timeOfRow = grow(this.timeOfRow, new Float64Array(size));
    }
    this.batches.push(batch);
    for (let i = 0; i < batch.rows; i++) {
      const r = base + i;
      const h = hashes[i]! | 0;
      let u: number | undefined = this.byHash.get(h);
      if (u < 0) {
        this.byHash.set(h, (u = this.newUser(r)));
      } else if (!this.sameUser(this.firstRow[u]!, r)) {
        // latin1: one character per byte, so equal keys are equal bytes (a key, not the user's text).
        const key = bufferOf(users).toString('latin1', users.offsets[i], users.offsets[i + 1]);
        u = this.collided.get(key);
        if (u === undefined) this.collided.set(key, (u = this.newUser(r)));
      }
      this.userOfRow[r] = u;
      this.timeOfRow[r] = times[i]!;
    }
    this.rows += batch.rows;
  }

  private newUser(row: number): number {
    this.firstRow.push(row);
    return this.firstRow.length - 1;
  }

  private batchOf(r: number): ColumnBatch {
    return this.batches[Math.floor(r / BATCH_ROWS)]!;
  }

  private sameUser(a: number, b: number): boolean {
    const x = this.batchOf(a).columns[0] as Utf8Vector;
    const y = this.batchOf(b).columns[0] as Utf8Vector;
    const i = a % BATCH_ROWS;
    const j = b % BATCH_ROWS;
    const from = x.offsets[i]!;
    const n = x.offsets[i + 1]! - from;
    const at = y.offsets[j]!;
    if (y.offsets[j + 1]! - at !== n) return false;
    for (let k = 0; k < n; k++) if (x.bytes[from + k] !== y.bytes[at + k]) return false;
    return true;
  }

  /** The event id's bytes of row r. */
  private id(r: number): Buffer {
    const v = this.batchOf(r).columns[3] as Utf8Vector;
    const i = r % BATCH_ROWS;
    return bufferOf(v).subarray(v.offsets[i], v.offsets[i + 1]);
  }

  private before(a: number, b: number): boolean {
    const d = this.timeOfRow[a]! - this.timeOfRow[b]!;
    return d < 0 || (d === 0 && Buffer.compare(this.id(a), this.id(b)) < 0);
  }

  /** Calls `onUser` with each user's rows, mapped by `event`, in time order (ties by event id). */
  eachUser<E>(event: (batch: ColumnBatch, row: number) => E, onUser: (events: E[]) => void): void {
    const users = this.firstRow.length;
    const start = new Int32Array(users + 1);
    const eachRow = (f: (r: number) => void) =>
      this.batches.forEach((batch, k) => {
        for (let r = k * BATCH_ROWS; r < k * BATCH_ROWS + batch.rows; r++) f(r);
      });
    eachRow((r) => start[this.userOfRow[r]! + 1]!++);
    for (let u = 0; u < users; u++) start[u + 1]! += start[u]!;
    const order = new Int32Array(this.rows);
    const fill = start.slice(0, users);
    eachRow((r) => (order[fill[this.userOfRow[r]!]!++] = r));
    for (let u = 0; u < users; u++) {
      const from = start[u]!;
      const to = start[u + 1]!;
      if (to - from > 16) {
        order.subarray(from, to).sort((a, b) => (this.before(a, b) ? -1 : this.before(b, a) ? 1 : 0));
      } else {
        // Insertion sort: most users have a handful of events, mostly already in time order.
        for (let i = from + 1; i < to; i++) {
          const r = order[i]!;
          let j = i - 1;
          while (j >= from && this.before(r, order[j]!)) {
            order[j + 1] = order[j]!;
            j--;
          }
          order[j + 1] = r;
        }
      }
      const events: E[] = new Array<E>(to - from);
      for (let i = from; i < to; i++) {
        const r = order[i]!;
        events[i - from] = event(this.batchOf(r), r % BATCH_ROWS);
      }
      onUser(events);
    }
  }
}

/**
 * int32 → non-negative int32, open addressing with linear probing. A Map's keys beyond ±2^30 are boxed
 * numbers, and user hashes mostly are: this was the largest cost of grouping 570k rows.
 */
class IntIndex {
  private keys = new Int32Array(1 << 16);
  private values = new Int32Array(1 << 16).fill(-1);
  private size = 0;

  /** The value of `key`, or -1. */
  get(key: number): number {
    const mask = this.keys.length - 1;
    for (let i = mix(key) & mask; ; i = (i + 1) & mask) {
      const v = this.values[i]!;
      if (v < 0 || this.keys[i] === key) return v;
    }
  }

  set(key: number, value: number): void {
    if ((this.size + 1) * 2 > this.keys.length) this.rehash();
    const mask = this.keys.length - 1;
    let i = mix(key) & mask;
    while (this.values[i]! >= 0 && this.keys[i] !== key) i = (i + 1) & mask;
    if (this.values[i]! < 0) this.size++;
    this.keys[i] = key;
    this.values[i] = value;
  }

  private rehash(): void {
    const { keys, values } = this;
    this.keys = new Int32Array(keys.length * 2);
    this.values = new Int32Array(keys.length * 2).fill(-1);
    this.size = 0;
    for (let i = 0; i < keys.length; i++) if (values[i]! >= 0) this.set(keys[i]!, values[i]!);
  }
}

/** Spreads an int32's bits (the multiplicative step of murmur3's finaliser). */
const mix = (h: number) =>
  Math.imul(h ^ (h >>> 16), 0x85ebca6b) ^ (Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 13);

/** [start, end) cut in two at a whole millisecond (once when it is a single millisecond). */
function halves(start: Date, end: Date): [Date, Date][] {
  const mid = new Date(start.getTime() + Math.floor((end.getTime() - start.getTime()) / 2));
  return mid.getTime() === start.getTime()
    ? [[start, end]]
    : [
        [start, mid],
        [mid, end],
      ];
}

/** The planner's of the rows `from` (a FROM … WHERE …) yields. */
async function estimatedRows(pool: Pool, from: string): Promise<number> {
  const { rows } = await pool.query<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(
    `EXPLAIN (FORMAT JSON) SELECT 1 ${from}`,
  );
  return rows[0]?.['QUERY PLAN'][0].Plan['Plan Rows'] ?? 0;
}

const bufferOf = (v: Utf8Vector) => Buffer.from(v.bytes.buffer, v.bytes.byteOffset, v.bytes.byteLength);

/** Value i of a text column; null when NULL. */
function text(v: Utf8Vector, i: number): string | null {
  if ((v.validity[i >> 3]! & (1 << (i & 7))) === 0) return null;
  return bufferOf(v).toString('utf8', v.offsets[i], v.offsets[i + 1]);
}

function grow<T extends Int32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
