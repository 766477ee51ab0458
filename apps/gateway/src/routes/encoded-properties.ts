import { WireType } from '@bufbuild/protobuf/wire';
import { EventSchema, writeVarint, type Event } from '@broxiva/contracts';

const PROPERTIES = EventSchema.field.properties.number;

/**
 * Hands the event's properties to the Connect client already encoded: protobuf-es keeps a Struct as plain
 * JSON in its messages and, in toBinary, first turns it into Struct, Value and ListValue messages and
 * then encodes each nested message through its generic writer, about half the cost of encoding a whole
 * event. Here the JSON is written straight into the Struct's wire format, and the bytes are put among the
 * message's unknown fields, which toBinary writes as they are: Ingest receives field 10 with the same
 * contents (encoded-properties.test.ts checks the decoded event and its size are unchanged).
 *
 * Only for events the gateway built for one call to Ingest (they are modified in place).
 */
export function withEncodedProperties(event: Event): Event {
  const props = event.properties;
  if (props === undefined) return event;
  const sizes: number[] = [];
  const size = structSize(props, sizes);
  // An unknown length-delimited field's data starts with its length, as protobuf-es reads it.
  const out = Buffer.allocUnsafe(varintSize(size) + size);
  const end = writeStruct(out, writeVarint(out, 0, size), props, sizes, { next: 0 });
  if (end !== out.length) throw new Error(`encoded properties: wrote ${end} bytes of ${out.length}`);
  event.properties = undefined;
  (event.$unknown ??= []).push({ no: PROPERTIES, wireType: WireType.LengthDelimited, data: out });
  return event;
}

// Two passes: the first records the size of every length-delimited part, in the order the second one
// writes them (each before its contents), so nothing is copied twice.

const varintSize = (n: number) => (n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5);
const delimited = (n: number) => 1 + varintSize(n) + n;

/** Struct { map<string, Value> fields = 1 }: each entry { string key = 1; Value value = 2 }. */
function structSize(obj: Record<string, unknown>, sizes: number[]): number {
  let total = 0;
  for (const key in obj) {
    if (!Object.hasOwn(obj, key)) continue;
    const slot = sizes.push(0, 0) - 2; // entry, key bytes
    const keyBytes = Buffer.byteLength(key);
    const entry = delimited(keyBytes) + delimited(valueSize(obj[key], sizes));
    sizes[slot] = entry;
    sizes[slot + 1] = keyBytes;
    total += delimited(entry);
  }
  return total;
}

/** Value { oneof kind: null_value = 1, number_value = 2, string_value = 3, bool_value = 4, struct_value = 5, list_value = 6 }. */
function valueSize(v: unknown, sizes: number[]): number {
  const slot = sizes.push(0) - 1;
  let size: number;
  switch (typeof v) {
    case 'number':
      size = 9;
      break;
    case 'string': {
      const bytes = Buffer.byteLength(v);
      sizes.push(bytes);
      size = delimited(bytes);
      break;
    }
    case 'boolean':
      size = 2;
      break;
    case 'object':
      if (v === null) size = 2;
      else if (Array.isArray(v)) {
        // ListValue { repeated Value values = 1 }
        const slotList = sizes.push(0) - 1;
        let list = 0;
        for (const item of v as unknown[]) list += delimited(valueSize(item, sizes));
        sizes[slotList] = list;
        size = delimited(list);
      } else {
        const slotInner = sizes.push(0) - 1;
        const inner = structSize(v as Record<string, unknown>, sizes);
        sizes[slotInner] = inner;
        size = delimited(inner);
      }
      break;
    default:
      size = 0; // no kind set, as protobuf-es writes a value that is not JSON
  }
  sizes[slot] = size;
  return size;
}

interface Cursor {
  next: number;
}

function writeStruct(
  out: Buffer,
  at: number,
  obj: Record<string, unknown>,
  sizes: number[],
  c: Cursor,
): number {
  for (const key in obj) {
    if (!Object.hasOwn(obj, key)) continue;
    const entry = sizes[c.next++] as number;
    const keyBytes = sizes[c.next++] as number;
    out[at++] = (1 << 3) | WireType.LengthDelimited;
    at = writeVarint(out, at, entry);
    out[at++] = (1 << 3) | WireType.LengthDelimited;
    at = writeVarint(out, at, keyBytes);
    at += out.write(key, at, 'utf8');
    out[at++] = (2 << 3) | WireType.LengthDelimited;
    at = writeValue(out, at, obj[key], sizes, c);
  }
  return at;
}

/** A Value's length and contents. */
function writeValue(out: Buffer, at: number, v: unknown, sizes: number[], c: Cursor): number {
  at = writeVarint(out, at, sizes[c.next++] as number);
  switch (typeof v) {
    case 'number':
      out[at++] = (2 << 3) | WireType.Bit64;
      return out.writeDoubleLE(v, at);
    case 'string':
      out[at++] = (3 << 3) | WireType.LengthDelimited;
      at = writeVarint(out, at, sizes[c.next++] as number);
      return at + out.write(v, at, 'utf8');
    case 'boolean':
      out[at++] = (4 << 3) | WireType.Varint;
      out[at++] = v ? 1 : 0;
      return at;
    case 'object':
      if (v === null) {
        out[at++] = (1 << 3) | WireType.Varint;
        out[at++] = 0;
        return at;
      }
      if (Array.isArray(v)) {
        out[at++] = (6 << 3) | WireType.LengthDelimited;
        at = writeVarint(out, at, sizes[c.next++] as number);
        for (const item of v as unknown[]) {
          out[at++] = (1 << 3) | WireType.LengthDelimited;
          at = writeValue(out, at, item, sizes, c);
        }
        return at;
      }
      out[at++] = (5 << 3) | WireType.LengthDelimited;
      at = writeVarint(out, at, sizes[c.next++] as number);
      return writeStruct(out, at, v as Record<string, unknown>, sizes, c);
    default:
      return at;
  }
}
