import { createWriteStream } from 'node:fs';
import { Writable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import {
  Compression,
  EnabledStatistics,
  Table,
  transformParquetStream,
  WriterPropertiesBuilder,
  type RecordBatch,
} from 'parquet-wasm';
import type { FromParquetWorker, ParquetWorkerData, ToParquetWorker } from './parquet-sink.js';

// Encodes column batches of events into one Parquet file with the Rust `parquet` crate (parquet-wasm), off
// the main thread, so reading from PostgreSQL and encoding run on two cores at once.
const port = parentPort;
if (port === null) throw new Error('parquet-worker runs as a worker thread');
const { path, rowGroupRows, plainColumns } = workerData as ParquetWorkerData;

// Messages wait here until the encoder asks for its next batch.
const inbox: ToParquetWorker[] = [];
let waiting: ((m: ToParquetWorker) => void) | undefined;
port.on('message', (m: ToParquetWorker) => {
  const w = waiting;
  waiting = undefined;
  if (w === undefined) inbox.push(m);
  else w(m);
});
const nextMessage = () =>
  new Promise<ToParquetWorker>((resolve) => {
    const m = inbox.shift();
    if (m === undefined) waiting = resolve;
    else resolve(m);
  });
const send = (m: FromParquetWorker) => port.postMessage(m);

/** The record batch an Arrow IPC stream holds, read into the encoder's memory. */
function toWasm(ipc: Uint8Array): RecordBatch {
  const table = Table.fromIPCStream(ipc);
  try {
    const batch = table.recordBatch(0);
    if (batch === undefined) throw new Error('parquet-wasm read no record batch from the IPC stream');
    return batch;
  } finally {
    table.free();
  }
}

const properties = plainColumns
  .reduce((b, c) => b.setColumnDictionaryEnabled(c, false), new WriterPropertiesBuilder())
  .setCreatedBy('broxiva-analytics export')
  .setCompression(Compression.SNAPPY)
  .setMaxRowGroupSize(rowGroupRows)
  // Min/max per row group (not per page): enough for readers to skip row groups by time.
  .setStatisticsEnabled(EnabledStatistics.Chunk)
  .build();

const input = new ReadableStream<RecordBatch>(
  {
    // Called when the encoder wants its next batch: only then is one converted and another asked for.
    async pull(controller) {
      const m = await nextMessage();
      if (m.type === 'batch') {
        controller.enqueue(toWasm(m.ipc));
        send({ type: 'taken' });
      } else {
        controller.close();
      }
    },
  },
  { highWaterMark: 0 },
);

try {
  const output = await transformParquetStream(input, properties);
  await output.pipeTo(Writable.toWeb(createWriteStream(path)) as WritableStream<Uint8Array>);
  send({ type: 'done' });
} catch (e) {
  send({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
}
