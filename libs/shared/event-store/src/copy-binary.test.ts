import { describe, expect, it } from 'vitest';
import { createCopyBinaryDecoder, type ColumnBatch, type CopyWireType } from './copy-binary.js';

// Binary COPY data written by hand, as PostgreSQL sends it: signature, flags, header extension, rows of
// (int16 field count, then int32 length + bytes per field, -1 for NULL), int16 -1 at the end.
type Cell =
  null | { text: string } | { uuid: string } | { micros: bigint } | { float: number } | { bool: boolean };

function field(c: Cell): Buffer {
  if (c === null) return Buffer.from([0xff, 0xff, 0xff, 0xff]);
  let body: Buffer;
  if ('text' in c) body = Buffer.from(c.text, 'utf8');
  else if ('uuid' in c) body = Buffer.from(c.uuid.replace(/-/g, ''), 'hex');
  else if ('micros' in c) {
    body = Buffer.alloc(8);
    body.writeBigInt64BE(c.micros);
  } else if ('float' in c) {
    body = Buffer.alloc(8);
    body.writeDoubleBE(c.float);
  } else body = Buffer.from([c.bool ? 1 : 0]);
  const len = Buffer.alloc(4);
  len.writeInt32BE(body.length);
  return Buffer.concat([len, body]);
}

function copyData(rows: Cell[][], extension = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(19);
  Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1').copy(header);
  header.writeInt32BE(extension.length, 15);
  const parts: Buffer[] = [header, extension];
  for (const r of rows) {
    const count = Buffer.alloc(2);
    count.writeInt16BE(r.length);
    parts.push(count, ...r.map(field));
  }
  parts.push(Buffer.from([0xff, 0xff]));
  return Buffer.concat(parts);
}

const TYPES: CopyWireType[] = ['uuid', 'text', 'timestamptz', 'float8', 'bool'];
const PG_EPOCH_MS = Date.UTC(2000, 0, 1);
const microsOf = (iso: string, extraMicros = 0n) =>
  BigInt(Date.parse(iso) - PG_EPOCH_MS) * 1000n + extraMicros;
const long = 'x'.repeat(70) + ' Zürich ✓ 🛒';
const ROWS: Cell[][] = [
  [
    { uuid: '019907b9-edc8-7f29-a74c-c374c207f30a' },
    { text: 'Ça "marche"\n\t\\' },
    { micros: microsOf('2025-11-15T08:30:00.123Z', 456n) },
    { float: 12.3456 },
    { bool: true },
  ],
  [null, null, null, null, null],
  [
    { uuid: 'ffffffff-0000-7000-8000-00000000000a' },
    { text: long },
    { micros: microsOf('1999-12-31T23:59:59.999Z', 999n) },
    { float: -0.5 },
    { bool: false },
  ],
  [{ uuid: '00000000-0000-0000-0000-000000000000' }, { text: '' }, null, { float: 0 }, { bool: true }],
];

/** The batches as plain values, so decodings can be compared whatever the batch sizes. */
function values(batches: ColumnBatch[]): unknown[][] {
  const decoder = new TextDecoder();
  const out: unknown[][] = [];
  for (const b of batches) {
    for (let r = 0; r < b.rows; r++) {
      out.push(
        b.columns.map((v) => {
          if (((v.validity[r >> 3] as number) & (1 << (r & 7))) === 0) return null;
          switch (v.type) {
            case 'utf8':
              return decoder.decode(v.bytes.subarray(v.offsets[r], v.offsets[r + 1]));
            case 'bool':
              return ((v.values[r >> 3] as number) & (1 << (r & 7))) !== 0;
            default:
              return v.values[r];
          }
        }),
      );
    }
  }
  return out;
}

function decodeInChunks(data: Buffer, sizes: (i: number) => number, batchRows = 1000): ColumnBatch[] {
  const decoder = createCopyBinaryDecoder(TYPES, batchRows);
  const batches: ColumnBatch[] = [];
  for (let at = 0, i = 0; at < data.length; i++) {
    const size = Math.max(1, sizes(i));
    batches.push(...decoder.push(data.subarray(at, at + size)));
    at += size;
  }
  const last = decoder.end();
  if (last !== undefined) batches.push(last);
  return batches;
}

const EXPECTED = [
  [
    '019907b9-edc8-7f29-a74c-c374c207f30a',
    'Ça "marche"\n\t\\',
    Date.parse('2025-11-15T08:30:00.123Z'),
    12.3456,
    true,
  ],
  [null, null, null, null, null],
  // Microseconds are truncated towards the past, before 2000 too.
  ['ffffffff-0000-7000-8000-00000000000a', long, Date.parse('1999-12-31T23:59:59.999Z'), -0.5, false],
  ['00000000-0000-0000-0000-000000000000', '', null, 0, true],
];

describe('createCopyBinaryDecoder', () => {
  it('decodes every wire type, NULLs and the header extension into columns', () => {
    const batches = decodeInChunks(copyData(ROWS, Buffer.from('ext')), () => Infinity);
    expect(values(batches)).toEqual(EXPECTED);
    const [batch] = batches;
    expect(batch?.columns.map((c) => [c.type, c.nullCount])).toEqual([
      ['utf8', 1],
      ['utf8', 1],
      ['timestamp-ms', 2],
      ['float64', 1],
      ['bool', 1],
    ]);
    // An empty string is a value, not NULL: its offsets are equal and its validity bit is set.
    const text = batch?.columns[1];
    expect(text?.type === 'utf8' && [text.offsets[3], text.offsets[4]]).toEqual([
      Buffer.byteLength('Ça "marche"\n\t\\') + Buffer.byteLength(long),
      Buffer.byteLength('Ça "marche"\n\t\\') + Buffer.byteLength(long),
    ]);
  });

  it('gives the same columns however the data is cut into chunks', () => {
    const data = copyData([...ROWS, ...ROWS, ...ROWS]);
    const expected = [...EXPECTED, ...EXPECTED, ...EXPECTED];
    expect(values(decodeInChunks(data, () => 1))).toEqual(expected);
    for (let size = 2; size < 64; size += 7)
      expect(values(decodeInChunks(data, () => size))).toEqual(expected);
    // Every cut position with one chunk boundary.
    for (let cut = 1; cut < data.length; cut++) {
      expect(values(decodeInChunks(data, (i) => (i === 0 ? cut : Infinity)))).toEqual(expected);
    }
  });

  it('cuts batches of the given number of rows', () => {
    const data = copyData([...ROWS, ...ROWS, ...ROWS]);
    const batches = decodeInChunks(data, () => 5, 5);
    expect(batches.map((b) => b.rows)).toEqual([5, 5, 2]);
    expect(values(batches)).toEqual([...EXPECTED, ...EXPECTED, ...EXPECTED]);
  });

  it('grows a text column past the room it started with', () => {
    const text = 'é'.repeat(5000);
    const rows: Cell[][] = Array.from({ length: 40 }, (_, i) => [
      null,
      { text: `${i}${text}` },
      null,
      null,
      null,
    ]);
    const got = values(decodeInChunks(copyData(rows), () => 4096, 32));
    expect(got.map((r) => r[1])).toEqual(rows.map((_, i) => `${i}${text}`));
  });

  it('keeps bytea values as their bytes, whatever they are', () => {
    const ids = ['00ff10', 'ffffffff00', '', '80'];
    // Rows written by hand: the fields are raw bytes, not UTF-8 text.
    const patched = Buffer.concat([
      copyData([]).subarray(0, 19),
      ...ids.map((hex) => {
        const body = Buffer.from(hex, 'hex');
        const head = Buffer.alloc(6);
        head.writeInt16BE(1);
        head.writeInt32BE(body.length, 2);
        return Buffer.concat([head, body]);
      }),
      Buffer.from([0xff, 0xff]),
    ]);
    const d = createCopyBinaryDecoder(['bytea'], 10);
    const [batch] = [...d.push(patched), d.end()].filter((b) => b !== undefined);
    const v = batch!.columns[0]!;
    expect(v.type).toBe('utf8');
    if (v.type !== 'utf8') return;
    const got = ids.map((_, i) =>
      Buffer.from(v.bytes.subarray(v.offsets[i], v.offsets[i + 1])).toString('hex'),
    );
    expect(got).toEqual(ids);
  });

  it('refuses data that is not a whole binary COPY of the expected columns', () => {
    const decoder = () => createCopyBinaryDecoder(TYPES, 10);
    expect(() => decoder().push(Buffer.from('event_id\tts\n0190\t2025\n'))).toThrow(
      'COPY data does not start with the binary COPY signature',
    );
    const narrow = copyData([[{ text: 'a' }, { text: 'b' }]]);
    expect(() => decoder().push(narrow)).toThrow('COPY row has 2 fields, expected 5');
    const whole = copyData(ROWS);
    const cut = decoder();
    cut.push(whole.subarray(0, whole.length - 10));
    expect(() => cut.end()).toThrow('COPY data ended before its end-of-data marker');
    expect(() => decoder().push(Buffer.concat([whole, Buffer.from([0])]))).toThrow(
      'COPY data after the end-of-data marker',
    );
    expect(() => createCopyBinaryDecoder(TYPES, 0)).toThrow('batchRows must be a positive integer, got 0');
  });
});
