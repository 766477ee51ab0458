import { WireType } from '@bufbuild/protobuf/wire';
import { varintSize, writeVarint } from './wire-writer.js';

// google.protobuf.Struct written straight from the plain JSON object protobuf-es keeps for it, for the
// hand-written event writer (event-writer.ts). protobuf-es's toBinary first turns the JSON into Struct,
// Value and ListValue messages and encodes each through its generic writer: about half the cost of
// encoding a whole event.
//
// Two passes: the first records the size of every length-delimited part, in the order the second one
// writes them (each before its contents), so nothing is copied twice.

export const delimited = (n: number) => 1 + varintSize(n) + n;

/** Struct { map<string, Value> fields = 1 }: each entry { string key = 1; Value value = 2 }. */
export function structSize(obj: Record<string, unknown>, sizes: number[]): number {
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

export interface Cursor {
  next: number;
}

export function writeStruct(
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
