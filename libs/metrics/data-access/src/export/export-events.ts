import { EVENT_COLUMNS, streamEventColumns, streamEvents, type ColumnBatch } from '@broxiva/event-store';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { csvSink } from './csv-sink.js';
import { EXPORT_EXTENSIONS, type EventSink, type ExportFormat } from './event-sink.js';
import { ndjsonSink } from './ndjson-sink.js';
import { parquetSink } from './parquet-sink.js';

export interface ExportOptions {
  /** Inclusive start of the event-time range. */
  readonly start: Date;
  /** Exclusive end. */
  readonly end: Date;
  readonly format: ExportFormat;
  /** Directory the file goes into; created if missing. */
  readonly outputDir: string;
  /** Told the rows written so far and the event time the stream has reached, after each batch. */
  readonly onProgress?: (rows: number, reached: Date) => void;
  /** CSV and JSON: rows per database fetch (default 10,000). Parquet reads a row group at a time. */
  readonly batchSize?: number;
}

export interface ExportResult {
  readonly file: string;
  readonly rows: number;
  readonly bytes: number;
  readonly seconds: number;
}

const ROW_SINKS: Readonly<Record<Exclude<ExportFormat, 'parquet'>, (path: string) => EventSink>> = {
  csv: csvSink,
  json: ndjsonSink,
};

const TS = EVENT_COLUMNS.indexOf('ts');
// Rows per column batch read for Parquet: half a row group, so the batches waiting for the encoder (and
// the Arrow copies of them) hold less memory; the encoder still fills row groups of ROW_GROUP_ROWS.
const COLUMN_BATCH_ROWS = 32_768;
const stamp = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** The file an export of [start, end) in `format` writes, e.g. `events_20251101T000000Z_20251201T000000Z.parquet`. */
export function exportFileName(start: Date, end: Date, format: ExportFormat): string {
  return `events_${stamp(start)}_${stamp(end)}.${EXPORT_EXTENSIONS[format]}`;
}

/**
 * Streams the raw events of [start, end) from PostgreSQL into one file of `format` in `outputDir`, in
 * constant memory. The file appears under its final name only when complete (written as `.partial`, then
 * renamed), so a failed or interrupted export never leaves a truncated file that looks whole. Parquet
 * reads column batches with a binary COPY and encodes them in a worker thread; CSV and JSON read rows
 * through a cursor.
 */
export async function exportEvents(pool: Pool, o: ExportOptions): Promise<ExportResult> {
  const t0 = performance.now();
  await mkdir(o.outputDir, { recursive: true });
  const file = join(o.outputDir, exportFileName(o.start, o.end, o.format));
  const partial = `${file}.partial`;
  try {
    const rows =
      o.format === 'parquet' ? await exportColumns(pool, partial, o) : await exportRows(pool, partial, o);
    await rename(partial, file);
    const { size } = await stat(file);
    return { file, rows, bytes: size, seconds: (performance.now() - t0) / 1000 };
  } catch (e) {
    await rm(partial, { force: true });
    throw e;
  }
}

async function exportRows(pool: Pool, path: string, o: ExportOptions): Promise<number> {
  const sink = ROW_SINKS[o.format as Exclude<ExportFormat, 'parquet'>](path);
  let rows = 0;
  try {
    const batches = streamEvents(pool, {
      start: o.start,
      end: o.end,
      ...(o.batchSize === undefined ? {} : { batchSize: o.batchSize }),
    });
    for await (const batch of batches) {
      await sink.write(batch);
      rows += batch.length;
      const ts = batch[batch.length - 1]?.[TS];
      o.onProgress?.(rows, new Date(typeof ts === 'number' ? ts : o.start.getTime()));
    }
    await sink.close();
  } catch (e) {
    await sink.close().catch(() => undefined);
    throw e;
  }
  return rows;
}

/** The event time of a column batch's last row (rows come in time order across partitions). */
function reached(batch: ColumnBatch, fallback: Date): Date {
  const ts = batch.columns[TS];
  return ts?.type === 'timestamp-ms' && batch.rows > 0
    ? new Date(ts.values[batch.rows - 1] as number)
    : fallback;
}

async function exportColumns(pool: Pool, path: string, o: ExportOptions): Promise<number> {
  const sink = parquetSink(path);
  let rows = 0;
  try {
    for await (const batch of streamEventColumns(pool, {
      start: o.start,
      end: o.end,
      batchRows: COLUMN_BATCH_ROWS,
    })) {
      const at = reached(batch, o.start);
      rows += batch.rows;
      await sink.write(batch);
      o.onProgress?.(rows, at);
    }
    await sink.close();
  } catch (e) {
    // The worker is stopped before the caller removes the partial file it was writing.
    await sink.abort();
    throw e;
  }
  return rows;
}
