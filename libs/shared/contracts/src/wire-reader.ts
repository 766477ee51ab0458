/**
 * Thrown by {@link WireReader} where the bytes leave the canonical encoding a hand-written reader handles:
 * a multi-byte tag, a value running past its message, a varint protobuf-es would refuse. The reader's
 * caller then hands the whole input to protobuf-es, which either reads it (the same way it always did) or
 * throws its own error. One preallocated instance: bailing out costs no stack trace.
 */
export const unsupported = new Error('encoding left to protobuf-es');

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A cursor over protobuf bytes for the hand-written decoders on hot paths (see event-reader.ts), the
 * reading counterpart of wire-writer.ts. Every read takes `end`, the end of the message being read, and
 * throws {@link unsupported} rather than read past it: protobuf-es reads a field that overruns its
 * message and carries on, and such input is left to it so the result stays exactly the same.
 */
export class WireReader {
  pos = 0;
  /** Low and high 32 bits of the last {@link varint64}, kept here so a read allocates nothing. */
  private lo = 0;
  private hi = 0;
  private readonly view: DataView;
  private readonly text: Buffer;

  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.text = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /**
   * The next tag (field number << 3 | wire type). One byte: every field the decoders know has a number
   * below 16, so a longer tag is an unknown field (or a non-canonical one) and left to protobuf-es.
   */
  tag(): number {
    const b = this.buf[this.pos++] as number;
    if (b > 0x7f) throw unsupported;
    return b;
  }

  /** A varint's low 32 bits, unsigned, as protobuf-es's `uint32()` reads them (at most 10 bytes). */
  uint32(end: number): number {
    let result = 0;
    let shift = 0;
    let b: number;
    do {
      if (this.pos >= end || shift > 63) throw unsupported;
      b = this.buf[this.pos++] as number;
      if (shift < 32) result |= (b & 0x7f) << shift;
      shift += 7;
    } while (b > 0x7f);
    return result >>> 0;
  }

  int32(end: number): number {
    return this.uint32(end) | 0;
  }

  int64(end: number): bigint {
    this.varint64(end);
    const { lo, hi } = this;
    // Below 2^53 (every timestamp of this era) a double holds it exactly: no BigInt arithmetic.
    if (hi >= 0 && hi < 0x200000) return BigInt(hi * 0x100000000 + (lo >>> 0));
    return BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0));
  }

  bool(end: number): boolean {
    this.varint64(end);
    return this.lo !== 0 || this.hi !== 0;
  }

  double(end: number): number {
    if (this.pos + 8 > end) throw unsupported;
    const value = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return value;
  }

  /** Reads a length prefix; returns where the length-delimited value ends. */
  delimited(end: number): number {
    const len = this.uint32(end);
    if (len > end - this.pos) throw unsupported;
    return this.pos + len;
  }

  /**
   * A string as protobuf-es reads one with UTF-8 validation (proto3's default): TextDecoder with `fatal`,
   * which also drops a leading byte order mark. ASCII, nearly every string of an event, is read directly.
   */
  string(end: number): string {
    const stop = this.delimited(end);
    const buf = this.buf;
    const start = this.pos;
    this.pos = stop;
    if (stop - start <= 12) {
      let s = '';
      for (let i = start; i < stop; i++) {
        const c = buf[i] as number;
        if (c > 0x7f) return strictUtf8.decode(buf.subarray(start, stop));
        s += String.fromCharCode(c);
      }
      return s;
    }
    for (let i = start; i < stop; i++) {
      if ((buf[i] as number) > 0x7f) return strictUtf8.decode(buf.subarray(start, stop));
    }
    return this.text.toString('latin1', start, stop);
  }

  /** A varint into lo/hi exactly as protobuf-es's `varint64read` splits it (bits past 64 dropped). */
  private varint64(end: number): void {
    let lo = 0;
    let hi = 0;
    let shift = 0;
    let b: number;
    do {
      if (this.pos >= end || shift > 63) throw unsupported;
      b = this.buf[this.pos++] as number;
      if (shift < 28) lo |= (b & 0x7f) << shift;
      else if (shift === 28) {
        lo |= (b & 0x0f) << 28;
        hi = (b & 0x70) >> 4;
      } else hi |= (b & 0x7f) << (shift - 32);
      shift += 7;
    } while (b > 0x7f);
    this.lo = lo;
    this.hi = hi;
  }
}
