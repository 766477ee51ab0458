// Decodes PostgreSQL's binary COPY format (`COPY … TO STDOUT (FORMAT binary)`) straight into columns in
// Apache Arrow's memory layout: no object per row, no JS string per text value. Text bytes are copied as
// they come (UTF-8), so a columnar writer can take them without encoding them again.
// Format: https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.4

/**
 * The wire types this decoder reads; the query casts other types to one of them. `bytea` values come as
 * their bytes in the same layout as text (a Utf8Vector whose values are not UTF-8 text).
 */
export type CopyWireType = 'text' | 'bytea' | 'uuid' | 'timestamptz' | 'float8' | 'bool';

/**
 * Validity of a column: bit `i % 8` of byte `i >> 3` is set when row i holds a value (Arrow's layout).
 * `nullCount` is the number of unset bits among the batch's rows.
 */
interface Nullable {
  readonly validity: Uint8Array;
  readonly nullCount: number;
}
/** Variable-length UTF-8 values: value i is `bytes[offsets[i] .. offsets[i + 1]]` (empty when NULL). */
export interface Utf8Vector extends Nullable {
  readonly type: 'utf8';
  readonly offsets: Int32Array;
  readonly bytes: Uint8Array;
}
/** Instants as Unix epoch milliseconds (microseconds truncated towards the past). */
export interface TimestampVector extends Nullable {
  readonly type: 'timestamp-ms';
  readonly values: Float64Array;
}
export interface Float64Vector extends Nullable {
  readonly type: 'float64';
  readonly values: Float64Array;
}
/** Booleans as a bitmap in the same layout as the validity. */
export interface BoolVector extends Nullable {
  readonly type: 'bool';
  readonly values: Uint8Array;
}
export type ColumnVector = Utf8Vector | TimestampVector | Float64Vector | BoolVector;

/**
 * Rows decoded so far, one vector per column in query order. No two columns share a buffer, so each can be
 * transferred to a worker; buffers may run past `rows` (and the views past their values).
 */
export interface ColumnBatch {
  readonly rows: number;
  readonly columns: readonly ColumnVector[];
}

export interface CopyBinaryDecoder {
  /** Takes the next chunk of COPY data (chunks may split rows anywhere); returns the batches completed. */
  push(chunk: Uint8Array): ColumnBatch[];
  /** After the last chunk: the last, partial batch (if any). Fails if the data stopped inside a row. */
  end(): ColumnBatch | undefined;
}

const SIGNATURE = [0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00]; // PGCOPY\n\377\r\n\0
// Header: signature, int32 flags, int32 length of the header extension (then the extension).
const HEADER = SIGNATURE.length + 8;
// PostgreSQL counts timestamps in microseconds from 2000-01-01T00:00:00Z.
const PG_EPOCH_MS = Date.UTC(2000, 0, 1);
const TWO_32 = 4294967296;
const HEX = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const DASH = 0x2d;
/** Starting room per text value; each column then starts a batch with the room its last batch used. */
const BYTES_PER_VALUE = 16;

// Column codes, so the hot loop switches on small integers.
const TEXT = 0;
const UUID = 1;
const TIMESTAMP = 2;
const FLOAT8 = 3;
const BOOL = 4;
const CODES: Readonly<Record<CopyWireType, number>> = {
  text: TEXT,
  bytea: TEXT, // text is copied as its bytes, unchecked: the same decoding
  uuid: UUID,
  timestamptz: TIMESTAMP,
  float8: FLOAT8,
  bool: BOOL,
};

/** One batch being filled: per column, its validity and values; text columns grow their byte buffers. */
class Builder {
  rows = 0;
  readonly validity: Uint8Array[];
  readonly nulls: Int32Array;
  readonly offsets: Int32Array[] = [];
  readonly bytes: Uint8Array[] = [];
  readonly used: Int32Array;
  readonly numbers: Float64Array[] = [];
  readonly bits: Uint8Array[] = [];

  constructor(
    codes: Int32Array,
    readonly capacity: number,
    room: Int32Array,
  ) {
    const n = codes.length;
    const bitmap = (capacity + 7) >> 3;
    this.validity = Array.from({ length: n }, () => new Uint8Array(bitmap));
    this.nulls = new Int32Array(n);
    this.used = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const c = codes[i];
      const text = c === TEXT || c === UUID;
      this.offsets.push(new Int32Array(text ? capacity + 1 : 0));
      this.bytes.push(new Uint8Array(text ? (room[i] as number) : 0));
      this.numbers.push(new Float64Array(c === TIMESTAMP || c === FLOAT8 ? capacity : 0));
      this.bits.push(new Uint8Array(c === BOOL ? bitmap : 0));
    }
  }

  /** Room for `need` bytes in text column i, doubling its buffer. */
  grow(i: number, need: number): Uint8Array {
    const old = this.bytes[i] as Uint8Array;
    const bigger = new Uint8Array(Math.max(old.length * 2, need));
    bigger.set(old.subarray(0, this.used[i]));
    this.bytes[i] = bigger;
    return bigger;
  }

  finish(codes: Int32Array): ColumnBatch {
    const rows = this.rows;
    const columns = Array.from(codes, (c, i): ColumnVector => {
      const validity = this.validity[i] as Uint8Array;
      const nullCount = this.nulls[i] as number;
      switch (c) {
        case TEXT:
        case UUID:
          return {
            type: 'utf8',
            validity,
            nullCount,
            offsets: (this.offsets[i] as Int32Array).subarray(0, rows + 1),
            bytes: (this.bytes[i] as Uint8Array).subarray(0, this.used[i]),
          };
        case TIMESTAMP:
          return { type: 'timestamp-ms', validity, nullCount, values: this.numbers[i] as Float64Array };
        case FLOAT8:
          return { type: 'float64', validity, nullCount, values: this.numbers[i] as Float64Array };
        default:
          return { type: 'bool', validity, nullCount, values: this.bits[i] as Uint8Array };
      }
    });
    return { rows, columns };
  }
}

/**
 * A decoder for the rows of a binary COPY whose columns have the given wire types, in order, cut into
 * batches of `batchRows` rows. A text value is copied as its bytes; a uuid becomes its canonical text.
 */
export function createCopyBinaryDecoder(
  types: readonly CopyWireType[],
  batchRows: number,
): CopyBinaryDecoder {
  if (!Number.isInteger(batchRows) || batchRows < 1) {
    throw new RangeError(`batchRows must be a positive integer, got ${batchRows}`);
  }
  const codes = Int32Array.from(types, (t) => CODES[t]);
  const n = codes.length;
  // Bytes each text column used in its last batch: the next batch starts with that much room.
  const room = Int32Array.from(codes, (c) => (c === UUID ? 36 : BYTES_PER_VALUE) * batchRows);
  let builder = new Builder(codes, batchRows, room);
  let rest: Uint8Array | undefined;
  let headerRead = false;
  let ended = false;

  const complete = (): ColumnBatch => {
    for (let i = 0; i < n; i++) {
      const used = builder.used[i] as number;
      if (codes[i] === TEXT) room[i] = Math.max(1024, used + (used >> 3));
    }
    const batch = builder.finish(codes);
    builder = new Builder(codes, batchRows, room);
    return batch;
  };

  /** Where row data starts, or -1 while the header is incomplete. */
  function readHeader(buf: Uint8Array, view: DataView): number {
    if (buf.length < HEADER) return -1;
    for (let i = 0; i < SIGNATURE.length; i++) {
      if (buf[i] !== SIGNATURE[i]) throw new Error('COPY data does not start with the binary COPY signature');
    }
    const start = HEADER + view.getInt32(HEADER - 4);
    return buf.length < start ? -1 : start;
  }

  /** The end of the row starting at p (after its field count), or -1 if the buffer stops inside it. */
  function rowEnd(view: DataView, p: number, end: number): number {
    for (let i = 0; i < n; i++) {
      if (p + 4 > end) return -1;
      const len = view.getInt32(p);
      p += len > 0 ? 4 + len : 4;
    }
    return p > end ? -1 : p;
  }

  /** Decodes the row at p (after its field count) into the builder; returns where the next row starts. */
  function decodeRow(buf: Uint8Array, view: DataView, p: number): number {
    const b = builder;
    const r = b.rows;
    const at = r >> 3;
    const bit = 1 << (r & 7);
    for (let i = 0; i < n; i++) {
      const len = view.getInt32(p);
      p += 4;
      const code = codes[i];
      if (len < 0) {
        (b.nulls[i] as number)++;
        if (code === TEXT || code === UUID) (b.offsets[i] as Int32Array)[r + 1] = b.used[i] as number;
        continue;
      }
      const validity = b.validity[i] as Uint8Array;
      validity[at] = (validity[at] as number) | bit;
      switch (code) {
        case TEXT: {
          let to = b.used[i] as number;
          let out = b.bytes[i] as Uint8Array;
          if (to + len > out.length) out = b.grow(i, to + len);
          // A copy loop beats a native call for the short values most columns hold.
          if (len < 64) for (let j = 0; j < len; j++) out[to + j] = buf[p + j] as number;
          else out.set(buf.subarray(p, p + len), to);
          to += len;
          b.used[i] = to;
          (b.offsets[i] as Int32Array)[r + 1] = to;
          break;
        }
        case UUID: {
          if (len !== 16) throw new Error(`COPY column ${i + 1}: a uuid has 16 bytes, got ${len}`);
          let to = b.used[i] as number;
          let out = b.bytes[i] as Uint8Array;
          if (to + 36 > out.length) out = b.grow(i, to + 36);
          for (let j = 0; j < 16; j++) {
            if (j === 4 || j === 6 || j === 8 || j === 10) out[to++] = DASH;
            const x = buf[p + j] as number;
            out[to++] = HEX[x >> 4] as number;
            out[to++] = HEX[x & 15] as number;
          }
          b.used[i] = to;
          (b.offsets[i] as Int32Array)[r + 1] = to;
          break;
        }
        case TIMESTAMP: {
          // int64 microseconds, exact in a double for any instant within ±142 years of 2000.
          const micros = view.getInt32(p) * TWO_32 + view.getUint32(p + 4);
          (b.numbers[i] as Float64Array)[r] = Math.floor(micros / 1000) + PG_EPOCH_MS;
          break;
        }
        case FLOAT8:
          (b.numbers[i] as Float64Array)[r] = view.getFloat64(p);
          break;
        default:
          if (buf[p] !== 0) {
            const bits = b.bits[i] as Uint8Array;
            bits[at] = (bits[at] as number) | bit;
          }
      }
      p += len;
    }
    b.rows = r + 1;
    return p;
  }

  /**
   * Decodes the complete rows of buf that start before `before`, from p; returns where it stopped (the
   * start of a row cut by the end of buf, or the end of what it decoded).
   */
  function decodeRows(buf: Uint8Array, p: number, before: number, batches: ColumnBatch[]): number {
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const end = buf.length;
    while (p < before && p + 2 <= end) {
      const fields = view.getInt16(p);
      if (fields === -1) {
        ended = true;
        if (p + 2 < end) throw new Error('COPY data after the end-of-data marker');
        return end;
      }
      if (fields !== n) throw new Error(`COPY row has ${fields} fields, expected ${n}`);
      if (rowEnd(view, p + 2, end) < 0) break;
      p = decodeRow(buf, view, p + 2);
      if (builder.rows === batchRows) batches.push(complete());
    }
    return p;
  }

  const join = (a: Uint8Array, b: Uint8Array): Uint8Array => {
    const joined = new Uint8Array(a.length + b.length);
    joined.set(a);
    joined.set(b, a.length);
    return joined;
  };

  return {
    push(chunk) {
      if (ended) throw new Error('COPY data after the end-of-data marker');
      const batches: ColumnBatch[] = [];
      let buf = chunk;
      let p = 0;
      if (!headerRead) {
        if (rest !== undefined) buf = join(rest, chunk);
        rest = undefined;
        p = readHeader(buf, new DataView(buf.buffer, buf.byteOffset, buf.byteLength));
        if (p < 0) {
          rest = buf.slice();
          return batches;
        }
        headerRead = true;
      } else if (rest !== undefined) {
        // The row cut by the last chunk's end: joined with just enough of this chunk to complete it,
        // rather than copying the whole chunk behind it.
        const head = rest;
        let take = Math.min(chunk.length, 4 * head.length + 1024);
        for (;;) {
          const joined = join(head, chunk.subarray(0, take));
          const q = decodeRows(joined, 0, head.length, batches);
          if (q >= head.length || ended) {
            rest = undefined;
            p = q - head.length;
            break;
          }
          if (take === chunk.length) {
            rest = joined;
            return batches;
          }
          take = Math.min(chunk.length, take * 4);
        }
      }
      if (!ended) p = decodeRows(buf, p, buf.length, batches);
      else if (p < buf.length) throw new Error('COPY data after the end-of-data marker');
      // The start of a row cut by the chunk's end waits for the next chunk.
      if (p < buf.length) rest = buf.slice(p);
      return batches;
    },
    end() {
      if (!ended) throw new Error('COPY data ended before its end-of-data marker');
      return builder.rows > 0 ? complete() : undefined;
    },
  };
}
