import {
  EVENT_COLUMN_KINDS,
  EVENT_COLUMNS,
  type ColumnBatch,
  type ColumnKind,
  type ColumnVector,
} from '@broxiva/event-store';
import {
  Bool,
  Field,
  Float64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  TimestampMillisecond,
  Utf8,
  type DataType,
} from 'apache-arrow';

const ARROW_TYPES: Readonly<Record<ColumnKind, () => DataType>> = {
  string: () => new Utf8(),
  // Properties and line items are kept as their JSON text, in a UTF-8 string column.
  json: () => new Utf8(),
  number: () => new Float64(),
  boolean: () => new Bool(),
  // Written to Parquet as INT64 TIMESTAMP(MILLIS, adjusted to UTC).
  timestamp: () => new TimestampMillisecond('UTC'),
};

/** The exported events as Arrow: one nullable column per stored column, in EVENT_COLUMNS order. */
export const EVENT_ARROW_SCHEMA = new Schema(
  EVENT_COLUMNS.map((c) => new Field(c, ARROW_TYPES[EVENT_COLUMN_KINDS[c]](), true)),
);
const TWO_32 = 4294967296;

/** Epoch milliseconds as little-endian int64 words, Arrow's timestamp layout (x86 and ARM are both LE). */
function int64Words(millis: Float64Array, rows: number): BigInt64Array {
  const words = new Int32Array(rows * 2);
  for (let i = 0; i < rows; i++) {
    const ms = millis[i] as number;
    const hi = Math.floor(ms / TWO_32);
    words[2 * i] = ms - hi * TWO_32; // stored modulo 2^32
    words[2 * i + 1] = hi;
  }
  return new BigInt64Array(words.buffer);
}

/**
 * The Arrow record batch over a column batch of events (streamEventColumns): text bytes, offsets and
 * bitmaps are used as they are, without a copy; only timestamps are rewritten, as int64.
 */
export function toArrowRecordBatch(batch: ColumnBatch): RecordBatch {
  const length = batch.rows;
  const fields = EVENT_ARROW_SCHEMA.fields;
  const children = batch.columns.map((v, i) => {
    const type = (fields[i] as Field).type;
    const nulls = { length, nullCount: v.nullCount, nullBitmap: v.nullCount > 0 ? v.validity : null };
    switch (v.type) {
      case 'utf8':
        return makeData({ type: type as Utf8, ...nulls, valueOffsets: v.offsets, data: v.bytes });
      case 'timestamp-ms':
        return makeData({ type: type as TimestampMillisecond, ...nulls, data: int64Words(v.values, length) });
      case 'float64':
        return makeData({ type: type as Float64, ...nulls, data: v.values.subarray(0, length) });
      case 'bool':
        return makeData({ type: type as Bool, ...nulls, data: v.values });
    }
  });
  if (children.length !== fields.length) {
    throw new Error(`a batch of events has ${fields.length} columns, got ${children.length}`);
  }
  return new RecordBatch(
    EVENT_ARROW_SCHEMA,
    makeData({ type: new Struct(fields), length, nullCount: 0, children }),
  );
}

/** A batch of no events: what an export of an empty range writes, so its file still has the schema. */
export function emptyArrowRecordBatch(): RecordBatch {
  const none = { validity: new Uint8Array(0), nullCount: 0 };
  const columns = EVENT_COLUMNS.map((c): ColumnVector => {
    switch (EVENT_COLUMN_KINDS[c]) {
      case 'timestamp':
        return { type: 'timestamp-ms', ...none, values: new Float64Array(0) };
      case 'number':
        return { type: 'float64', ...none, values: new Float64Array(0) };
      case 'boolean':
        return { type: 'bool', ...none, values: new Uint8Array(0) };
      default:
        return { type: 'utf8', ...none, offsets: new Int32Array(1), bytes: new Uint8Array(0) };
    }
  });
  return toArrowRecordBatch({ rows: 0, columns });
}
