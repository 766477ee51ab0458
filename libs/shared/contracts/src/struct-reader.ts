import type { JsonObject, JsonValue } from '@bufbuild/protobuf';
import { unsupported, type WireReader } from './wire-reader.js';

/** protobuf-es's default recursion limit: a message nested deeper fails to decode. */
export const MAX_DEPTH = 100;

/**
 * Reads a google.protobuf.Struct straight into the JsonObject protobuf-es exposes for a Struct field,
 * without building the Struct, Value and ListValue messages it builds and then converts. `into` is the
 * object read so far when the field occurs again: entries of the later occurrence replace those of the
 * same key (protobuf merge of a map), as protobuf-es does. `depth` counts messages as protobuf-es does,
 * so input nested beyond its limit is left to it (and fails there).
 */
export function readStruct(r: WireReader, end: number, depth: number, into: JsonObject): JsonObject {
  if (depth > MAX_DEPTH) throw unsupported;
  while (r.pos < end) {
    // Field 1, `map<string, Value> fields`: one entry per occurrence, key 1 and value 2.
    if (r.tag() !== 0x0a) throw unsupported;
    const entryEnd = r.delimited(end);
    let key = '';
    let value: JsonValue = null; // an entry without a value is a Value without a kind: null
    while (r.pos < entryEnd) {
      const tag = r.tag();
      if (tag === 0x0a) key = r.string(entryEnd);
      else if (tag === 0x12) value = readValue(r, r.delimited(entryEnd), depth + 1);
      else throw unsupported;
    }
    // protobuf-es loses this key (assigning it sets the prototype of its map): leave that to it.
    if (key === '__proto__') throw unsupported;
    into[key] = value;
  }
  return into;
}

/** google.protobuf.Value as JSON: its `kind` oneof, where the last member read wins. */
function readValue(r: WireReader, end: number, depth: number): JsonValue {
  if (depth > MAX_DEPTH) throw unsupported;
  let kind = 0;
  let value: JsonValue = null;
  while (r.pos < end) {
    switch (r.tag()) {
      case 0x08: // null_value, an open enum whatever its number
        r.uint32(end);
        kind = 1;
        value = null;
        break;
      case 0x11:
        kind = 2;
        value = r.double(end);
        break;
      case 0x1a:
        kind = 3;
        value = r.string(end);
        break;
      case 0x20:
        kind = 4;
        value = r.bool(end);
        break;
      case 0x2a: {
        // A message member of a oneof read again while set merges into it, as any message field does.
        const into = kind === 5 ? (value as JsonObject) : {};
        kind = 5;
        value = readStruct(r, r.delimited(end), depth + 1, into);
        break;
      }
      case 0x32: {
        const into = kind === 6 ? (value as JsonValue[]) : [];
        kind = 6;
        value = readList(r, r.delimited(end), depth + 1, into);
        break;
      }
      default:
        throw unsupported;
    }
  }
  return value;
}

/** google.protobuf.ListValue as a JSON array (repeated Value, field 1). */
function readList(r: WireReader, end: number, depth: number, into: JsonValue[]): JsonValue[] {
  if (depth > MAX_DEPTH) throw unsupported;
  while (r.pos < end) {
    if (r.tag() !== 0x0a) throw unsupported;
    into.push(readValue(r, r.delimited(end), depth + 1));
  }
  return into;
}
