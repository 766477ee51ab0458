import { EVENT_COLUMN_KINDS, EVENT_COLUMNS, type ColumnBatch, type EventColumn } from '@broxiva/event-store';
import { Table, tableToIPC, type RecordBatch } from 'apache-arrow';
import { Worker } from 'node:worker_threads';
import { emptyArrowRecordBatch, toArrowRecordBatch } from './arrow-batch.js';

/** Rows per Parquet row group. */
export const ROW_GROUP_ROWS = 65_536;
/** Batches handed to the worker and not yet taken by its encoder: bounds the memory they hold. */
const IN_FLIGHT = 2;

// Dictionaries pay on columns with few distinct values (types, devices, countries, campaigns); on
// per-event or per-user values, times and amounts they cost the encoder a hash per value and save almost
// nothing once Snappy has run, so those columns are written plain.
const HIGH_CARDINALITY: readonly EventColumn[] = [
  'event_id',
  'user_id',
  'anonymous_id',
  'session_id',
  'properties',
  'page_url',
  'page_title',
  'referrer',
  'order_id',
  'cart_id',
  'items',
];
const PLAIN_COLUMNS = EVENT_COLUMNS.filter(
  (c) =>
    HIGH_CARDINALITY.includes(c) ||
    EVENT_COLUMN_KINDS[c] === 'timestamp' ||
    EVENT_COLUMN_KINDS[c] === 'number',
);

/**
 * Where column batches of events go (streamEventColumns): `write` resolves once the batch is handed over
 * (the caller may then read the next), `close` finishes the file, `abort` stops without finishing it.
 */
export interface ColumnSink {
  write(batch: ColumnBatch): Promise<void>;
  close(): Promise<void>;
  abort(): Promise<void>;
}

export interface ParquetWorkerData {
  readonly path: string;
  readonly rowGroupRows: number;
  /** Columns written without a dictionary. */
  readonly plainColumns: readonly string[];
}
/** A batch goes over as an Arrow IPC stream: one buffer, moved, and the format parquet-wasm reads. */
export type ToParquetWorker = { type: 'batch'; ipc: Uint8Array } | { type: 'end' };
export type FromParquetWorker = { type: 'taken' } | { type: 'done' } | { type: 'failed'; message: string };

/**
 * Parquet with one typed, nullable column per stored column (timestamps as INT64 TIMESTAMP_MILLIS, money
 * as DOUBLE, booleans, strings; properties and items as JSON text), Snappy-compressed, in row groups of
 * `rowGroupRows` rows. The calling thread turns each batch into Arrow IPC; a worker thread
 * (parquet-worker.ts) encodes it and writes the file, so the two share the work on two cores. At most
 * IN_FLIGHT batches wait for the worker, so a fast reader blocks instead of filling memory.
 */
export function parquetSink(path: string, rowGroupRows = ROW_GROUP_ROWS): ColumnSink {
  const workerData: ParquetWorkerData = { path, rowGroupRows, plainColumns: PLAIN_COLUMNS };
  const worker = new Worker(new URL('./parquet-worker.mjs', import.meta.url), { workerData });
  let inFlight = 0;
  let batches = 0;
  let finished = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  worker.on('message', (m: FromParquetWorker) => {
    if (m.type === 'taken') inFlight--;
    else if (m.type === 'done') finished = true;
    else failure ??= new Error(`Parquet encoding failed: ${m.message}`);
    notify();
  });
  worker.on('error', (e) => {
    failure ??= new Error('the Parquet worker failed', { cause: e });
    notify();
  });
  worker.on('exit', (code) => {
    if (!finished)
      failure ??= new Error(`the Parquet worker exited (code ${code}) before finishing the file`);
    notify();
  });

  async function until(ready: () => boolean): Promise<void> {
    for (;;) {
      if (failure !== undefined) throw failure;
      if (ready()) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  }

  async function send(arrow: RecordBatch): Promise<void> {
    const ipc = tableToIPC(new Table([arrow]), 'stream');
    await until(() => inFlight < IN_FLIGHT);
    const message: ToParquetWorker = { type: 'batch', ipc };
    worker.postMessage(message, [ipc.buffer as ArrayBuffer]);
    inFlight++;
    batches++;
  }

  return {
    write: (batch) => send(toArrowRecordBatch(batch)),
    async close() {
      // A range without events still makes a file with the schema (and no row group).
      if (batches === 0) await send(emptyArrowRecordBatch());
      const message: ToParquetWorker = { type: 'end' };
      worker.postMessage(message);
      await until(() => finished);
      await worker.terminate();
    },
    async abort() {
      finished = true;
      await worker.terminate();
    },
  };
}
