import { create, ScalarType, toBinary } from '@bufbuild/protobuf';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import {
  CommerceSchema,
  EnrichmentSchema,
  EventContextSchema,
  EventSchema,
  writeBigVarint,
  writeVarint,
} from '@broxiva/contracts';
import type { Commerce, Enrichment, PreparedEvent } from '@broxiva/ingest-domain';

const F = EventSchema.field;
/** Event fields the server writes: the client's values for them are dropped from its encoding. */
const SERVER_WRITTEN = new Set(
  [F.eventId, F.timestamp, F.receivedAt, F.originalTimestamp, F.enrichment, F.historical].map(
    (f) => f.number,
  ),
);
const CONTEXT = F.context.number;
const CONTEXT_IP = EventContextSchema.field.ip.number;

// Enrichment holds only strings and booleans: written from its descriptor, so a field added to the
// contract and the domain is written without a change here.
const ENRICHMENT_FIELDS = EnrichmentSchema.fields.map((f) => {
  if (f.fieldKind !== 'scalar' || (f.scalar !== ScalarType.STRING && f.scalar !== ScalarType.BOOL)) {
    throw new Error(`encodeAccepted: Enrichment.${f.name} is neither a string nor a bool`);
  }
  return { no: f.number, name: f.localName as keyof Enrichment, string: f.scalar === ScalarType.STRING };
});

/**
 * The accepted event's encoding for the bus, made from the client's own encoding of it: every field the
 * client sent is copied as bytes, except those the server writes (id, times, enrichment, historical) and
 * the IP inside the context; the server's values are appended. Decoding the result gives the same Event
 * as writing the server fields into the decoded message and encoding that (`withServerFields` +
 * `toBinary`, which event-encoding.test.ts checks), but the properties Struct, most of an event's bytes
 * and most of its encoding cost, is never encoded again, and the rest is written straight into one buffer.
 *
 * `encoded` must be a well-formed Event (it was decoded before). `liftCommerce`: the client sent no
 * commerce block and the domain lifted one from the properties.
 */
export function encodeAccepted(encoded: Uint8Array, e: PreparedEvent, liftCommerce: boolean): Uint8Array {
  // Runs of kept fields as [from, to) pairs, and the context's contents without the IP.
  const kept: number[] = [];
  let keptBytes = 0;
  let context: Uint8Array[] | undefined;
  let contextBytes = 0;
  for (let pos = 0; pos < encoded.length;) {
    const start = pos;
    const tag = varint(encoded, pos);
    pos = tag.end;
    const no = tag.value >>> 3;
    const wireType = tag.value & 7;
    if (no === CONTEXT && wireType === WireType.LengthDelimited) {
      const len = varint(encoded, pos);
      pos = len.end + len.value;
      // Several occurrences of a message field merge when decoded: so do their concatenated contents.
      const c = withoutField(encoded.subarray(len.end, pos), CONTEXT_IP);
      (context ??= []).push(c);
      contextBytes += c.length;
      continue;
    }
    pos = skip(encoded, pos, no, wireType);
    if (SERVER_WRITTEN.has(no) || no === CONTEXT) continue;
    if (kept.length > 0 && kept[kept.length - 1] === start) kept[kept.length - 1] = pos;
    else kept.push(start, pos);
    keptBytes += pos - start;
  }

  const commerce = liftCommerce && e.commerce !== undefined ? commerceBytes(e.commerce) : undefined;
  let bound = keptBytes + 3 * e.eventId.length + 6 + 3 * 20 + 2;
  if (context !== undefined) bound += contextBytes + 6;
  if (commerce !== undefined) bound += commerce.length + 6;
  bound += 6 + 4; // enrichment tag, length, and room to widen a 1-byte length
  for (const f of ENRICHMENT_FIELDS) {
    const v = e.enrichment[f.name];
    bound += f.string ? 6 + 3 * (v as string).length : 2;
  }

  const out = Buffer.allocUnsafe(bound);
  let at = 0;
  for (let i = 0; i < kept.length; i += 2) {
    out.set(encoded.subarray(kept[i], kept[i + 1]), at);
    at += (kept[i + 1] as number) - (kept[i] as number);
  }
  at = writeString(out, at, F.eventId.number, e.eventId);
  at = writeTimestamp(out, at, F.timestamp.number, e.timestamp);
  at = writeTimestamp(out, at, F.receivedAt.number, e.receivedAt);
  if (e.originalTimestamp !== undefined) {
    at = writeTimestamp(out, at, F.originalTimestamp.number, e.originalTimestamp);
  }
  if (context !== undefined) {
    at = writeVarint(out, at, (CONTEXT << 3) | WireType.LengthDelimited);
    at = writeVarint(out, at, contextBytes);
    for (const c of context) {
      out.set(c, at);
      at += c.length;
    }
  }
  if (commerce !== undefined) {
    at = writeVarint(out, at, (F.commerce.number << 3) | WireType.LengthDelimited);
    at = writeVarint(out, at, commerce.length);
    out.set(commerce, at);
    at += commerce.length;
  }
  at = writeVarint(out, at, (F.enrichment.number << 3) | WireType.LengthDelimited);
  const lengthAt = at++;
  for (const f of ENRICHMENT_FIELDS) {
    const v = e.enrichment[f.name];
    if (f.string) at = writeString(out, at, f.no, v as string);
    else if (v === true) {
      at = writeVarint(out, at, (f.no << 3) | WireType.Varint);
      out[at++] = 1;
    }
  }
  at = closeMessage(out, lengthAt, at);
  if (e.historical) {
    at = writeVarint(out, at, (F.historical.number << 3) | WireType.Varint);
    out[at++] = 1;
  }
  return out.subarray(0, at);
}

/** A message's encoding without one of its fields (every occurrence of it). */
function withoutField(encoded: Uint8Array, dropped: number): Uint8Array {
  const parts: Uint8Array[] = [];
  let from = 0;
  for (let pos = 0; pos < encoded.length;) {
    const start = pos;
    const tag = varint(encoded, pos);
    pos = skip(encoded, tag.end, tag.value >>> 3, tag.value & 7);
    if (tag.value >>> 3 === dropped) {
      if (start > from) parts.push(encoded.subarray(from, start));
      from = pos;
    }
  }
  if (from === 0) return encoded;
  if (encoded.length > from) parts.push(encoded.subarray(from));
  return parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts);
}

const commerceBytes = (c: Commerce): Uint8Array =>
  toBinary(CommerceSchema, create(CommerceSchema, { ...c, items: c.items.map((i) => ({ ...i })) }));

// --- wire format -----------------------------------------------------------------------------------------

/** A varint of up to 32 bits (tags and lengths) at `pos`. */
function varint(buf: Uint8Array, pos: number): { value: number; end: number } {
  let value = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    const b = buf[pos++];
    if (b === undefined) throw new RangeError('premature EOF');
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return { value, end: pos };
  }
  throw new Error('invalid varint');
}

/** Where the field after the one whose tag ended at `pos` begins. */
function skip(buf: Uint8Array, pos: number, no: number, wireType: number): number {
  let end: number;
  switch (wireType) {
    case WireType.Varint:
      end = pos;
      while ((buf[end++] as number) & 0x80);
      break;
    case WireType.Bit64:
      end = pos + 8;
      break;
    case WireType.Bit32:
      end = pos + 4;
      break;
    case WireType.LengthDelimited: {
      const len = varint(buf, pos);
      end = len.end + len.value;
      break;
    }
    default: {
      // Groups (proto2): rare enough to leave to protobuf-es.
      const r = new BinaryReader(buf);
      r.pos = pos;
      r.skip(wireType, no);
      end = r.pos;
    }
  }
  if (end > buf.length) throw new RangeError('premature EOF');
  return end;
}

/** A length-delimited string field; empty strings are not written (proto3). */
function writeString(out: Buffer, at: number, no: number, s: string): number {
  if (s === '') return at;
  at = writeVarint(out, at, (no << 3) | WireType.LengthDelimited);
  // At most 3 UTF-8 bytes per UTF-16 unit: short strings have a 1-byte length, known before writing.
  if (s.length <= 42) {
    const n = out.write(s, at + 1, 'utf8');
    out[at] = n;
    return at + 1 + n;
  }
  at = writeVarint(out, at, Buffer.byteLength(s, 'utf8'));
  return at + out.write(s, at, 'utf8');
}

/** google.protobuf.Timestamp of a Date (millisecond precision), as `timestampFromDate` makes it. */
function writeTimestamp(out: Uint8Array, at: number, no: number, d: Date): number {
  const ms = d.getTime();
  const seconds = Math.floor(ms / 1000);
  const nanos = (ms - seconds * 1000) * 1_000_000;
  if (!Number.isSafeInteger(seconds)) throw new RangeError(`invalid timestamp ${String(d)}`);
  at = writeVarint(out, at, (no << 3) | WireType.LengthDelimited);
  const lengthAt = at++;
  if (seconds !== 0) {
    out[at++] = (1 << 3) | WireType.Varint;
    // int64: a negative number is its 64-bit two's complement, ten bytes.
    at =
      seconds > 0
        ? writeVarint(out, at, seconds)
        : writeBigVarint(out, at, BigInt.asUintN(64, BigInt(seconds)));
  }
  if (nanos !== 0) {
    out[at++] = (2 << 3) | WireType.Varint;
    at = writeVarint(out, at, nanos);
  }
  out[lengthAt] = at - lengthAt - 1;
  return at;
}

/** Writes the length of the message whose contents run from lengthAt + 1 to `end`; returns the new end. */
function closeMessage(out: Buffer, lengthAt: number, end: number): number {
  const len = end - lengthAt - 1;
  if (len < 0x80) {
    out[lengthAt] = len;
    return end;
  }
  // Longer than a 1-byte length: move the contents to make room for the varint.
  const size = writeVarint(Buffer.alloc(5), 0, len);
  out.copyWithin(lengthAt + size, lengthAt + 1, end);
  writeVarint(out, lengthAt, len);
  return end + size - 1;
}
