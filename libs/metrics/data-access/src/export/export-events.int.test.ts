import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { Event } from '@broxiva/contracts';
import { pgPool } from '@broxiva/db';
import {
  EVENT_COLUMN_KINDS,
  EVENT_COLUMNS,
  eventToRow,
  streamEventColumns,
  type ColumnKind,
} from '@broxiva/event-store';
import { parse as parseCsv } from 'csv-parse/sync';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportEvents } from '../index.js';
import { fixtureEvents, testEvent, withAnalyticsDatabase } from '../testing.js';
import { parquetSink } from './parquet-sink.js';

let db: Awaited<ReturnType<typeof withAnalyticsDatabase>>;
let dir: string;
const START = new Date('2025-11-01T00:00:00Z');
const END = new Date('2025-12-01T00:00:00Z');

// Values that break naive writers: separators, quotes, newlines, tabs, backslashes, non-ASCII, decimals.
const awkward = testEvent('2025-11-15T08:30:00.123Z', {
  eventType: 'purchase',
  userId: 'u,"9"',
  sessionId: 's\t9',
  originalTimestamp: timestampFromDate(new Date('2025-11-17T08:30:00.123Z')),
  sentAt: timestampFromDate(new Date('2025-11-17T08:30:01Z')),
  historical: true,
  properties: { note: 'line 1\nline "2", with \\ and \t', city: 'Zürich ✓', n: 1.5 },
  context: { pagePath: '/checkout/done?a=1,b=2', pageTitle: 'Ça "marche"' },
  enrichment: { country: 'CH', region: 'Zürich', isBot: false },
  commerce: {
    orderId: 'o-9',
    revenue: { amount: 12.3456, currency: 'CHF' },
    shipping: { amount: 4.9, currency: 'CHF' },
    tax: { amount: 0.99, currency: 'CHF' },
    items: [{ productId: 'p-9', category: 'home', price: { amount: 12.3456, currency: 'CHF' }, quantity: 1 }],
  },
});
// Exactly at the start (included) and exactly at the end (excluded).
const atStart = testEvent('2025-11-01T00:00:00Z', { eventType: 'page_view', userId: 'edge' });
const atEnd = testEvent('2025-12-01T00:00:00Z', { eventType: 'page_view', userId: 'edge' });
let expected: Event[];

beforeAll(async () => {
  db = await withAnalyticsDatabase();
  const all = [...fixtureEvents(), awkward, atStart, atEnd];
  await db.write(all);
  const inRange = (e: Event) => {
    const t = Number(e.timestamp?.seconds ?? 0n) * 1000;
    return t >= START.getTime() && t < END.getTime();
  };
  expected = all.filter(inRange);
  dir = await mkdtemp(join(tmpdir(), 'broxiva-export-'));
});
afterAll(async () => {
  await db.drop();
  await rm(dir, { recursive: true, force: true });
});

/** One value compared by meaning: instants as epoch ms, JSON parsed, CSV's empty field as NULL. */
function normalize(kind: ColumnKind, v: unknown): unknown {
  if (v === null || v === undefined || v === '') return null;
  switch (kind) {
    case 'timestamp':
      return v instanceof Date ? v.getTime() : typeof v === 'number' ? v : Date.parse(String(v));
    case 'json':
      return typeof v === 'string' ? JSON.parse(v) : v;
    case 'number':
      return Number(v);
    case 'boolean':
      return v === true || v === 'true';
    case 'string':
      return String(v);
  }
}

const normalizeRecord = (get: (column: string, i: number) => unknown) =>
  Object.fromEntries(EVENT_COLUMNS.map((c, i) => [c, normalize(EVENT_COLUMN_KINDS[c], get(c, i))]));

const byId = (a: Record<string, unknown>, b: Record<string, unknown>) =>
  String(a.event_id).localeCompare(String(b.event_id));

/** The inserted events as the store's rows, normalized the same way. */
const expectedRecords = () =>
  expected
    .map((e) => {
      const row = eventToRow(e);
      return normalizeRecord((_, i) => row[i]);
    })
    .sort(byId);

describe('export of raw events', () => {
  it('writes CSV with a header that reads back as the inserted events', async () => {
    const r = await exportEvents(db.pool, { start: START, end: END, format: 'csv', outputDir: dir });
    expect(r.rows).toBe(expected.length);
    expect(r.file).toBe(join(dir, 'events_20251101T000000Z_20251201T000000Z.csv'));
    const records = parseCsv(await readFile(r.file, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(Object.keys(records[0] ?? {})).toEqual([...EVENT_COLUMNS]);
    expect(records.map((rec) => normalizeRecord((c) => rec[c])).sort(byId)).toEqual(expectedRecords());
  });

  it('writes one JSON object per line that reads back as the inserted events', async () => {
    const r = await exportEvents(db.pool, { start: START, end: END, format: 'json', outputDir: dir });
    const lines = (await readFile(r.file, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(expected.length);
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    // Timestamps are ISO strings, properties nested JSON.
    const got = records.find((rec) => rec.event_id === awkward.eventId);
    expect(got?.ts).toBe('2025-11-15T08:30:00.123Z');
    expect(got?.properties).toEqual({ note: 'line 1\nline "2", with \\ and \t', city: 'Zürich ✓', n: 1.5 });
    expect(records.map((rec) => normalizeRecord((c) => rec[c])).sort(byId)).toEqual(expectedRecords());
  });

  it('writes typed Parquet columns that read back as the inserted events', async () => {
    const r = await exportEvents(db.pool, { start: START, end: END, format: 'parquet', outputDir: dir });
    const file = await asyncBufferFromFile(r.file);
    const meta = await parquetMetadataAsync(file);
    expect(Number(meta.num_rows)).toBe(expected.length);
    const types = Object.fromEntries(meta.schema.slice(1).map((s) => [s.name, [s.type, s.converted_type]]));
    expect(types.ts).toEqual(['INT64', 'TIMESTAMP_MILLIS']);
    expect(types.revenue).toEqual(['DOUBLE', undefined]);
    expect(types.historical).toEqual(['BOOLEAN', undefined]);
    expect(types.properties).toEqual(['BYTE_ARRAY', 'UTF8']);
    const records = (await parquetReadObjects({ file })) as Record<string, unknown>[];
    expect(records.map((rec) => normalizeRecord((c) => rec[c])).sort(byId)).toEqual(expectedRecords());
    // Nothing but the finished file is left in the directory.
    expect((await readdir(dir)).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });

  it('streams in bounded batches and splits Parquet into row groups of the given size', async () => {
    const sizes: number[] = [];
    const path = join(dir, 'small-groups.parquet');
    const sink = parquetSink(path, 4);
    for await (const batch of streamEventColumns(db.pool, { start: START, end: END, batchRows: 3 })) {
      sizes.push(batch.rows);
      await sink.write(batch);
    }
    await sink.close();
    expect(Math.max(...sizes)).toBe(3);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(expected.length);
    const meta = await parquetMetadataAsync(await asyncBufferFromFile(path));
    expect(meta.row_groups.map((g) => Number(g.num_rows))).toEqual(
      Array.from({ length: Math.ceil(expected.length / 4) }, (_, i) => Math.min(4, expected.length - i * 4)),
    );
    // Batches crossing row groups lose no row and keep their order.
    const records = (await parquetReadObjects({ file: await asyncBufferFromFile(path) })) as Record<
      string,
      unknown
    >[];
    expect(records.map((rec) => normalizeRecord((c) => rec[c])).sort(byId)).toEqual(expectedRecords());
  });

  it('writes an empty file with its header for an empty range, and leaves no file when the stream fails', async () => {
    const empty = await exportEvents(db.pool, {
      start: new Date('2020-01-01T00:00:00Z'),
      end: new Date('2020-01-02T00:00:00Z'),
      format: 'csv',
      outputDir: dir,
    });
    expect(empty.rows).toBe(0);
    expect((await readFile(empty.file, 'utf8')).trim()).toBe(EVENT_COLUMNS.join(','));
    // An empty Parquet file still has every column, and no row.
    const emptyParquet = await exportEvents(db.pool, {
      start: new Date('2020-01-01T00:00:00Z'),
      end: new Date('2020-01-02T00:00:00Z'),
      format: 'parquet',
      outputDir: dir,
    });
    expect(emptyParquet.rows).toBe(0);
    const emptyMeta = await parquetMetadataAsync(await asyncBufferFromFile(emptyParquet.file));
    expect(Number(emptyMeta.num_rows)).toBe(0);
    expect(emptyMeta.schema.slice(1).map((s) => s.name)).toEqual([...EVENT_COLUMNS]);
    // A pool that cannot connect: the export fails and neither the file nor its partial remains.
    const broken = pgPool('postgresql://postgres@127.0.0.1:1/none', { max: 1 });
    const failing = join(dir, 'failing');
    await expect(
      exportEvents(broken, { start: START, end: END, format: 'parquet', outputDir: failing }),
    ).rejects.toThrow();
    expect(await readdir(failing)).toEqual([]);
    await broken.end();
  });
});
