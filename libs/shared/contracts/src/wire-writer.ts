/**
 * Writes a non-negative integer (up to 2^53) as a protobuf varint into `out` at `at`; returns the index
 * after it. For the hand-written encoders on hot paths (Ingest's accepted events, the gateway's
 * properties) that write into one preallocated buffer instead of protobuf-es's BinaryWriter.
 */
export function writeVarint(out: Uint8Array, at: number, value: number): number {
  while (value > 0x7f) {
    out[at++] = (value & 0x7f) | 0x80;
    value = Math.floor(value / 128);
  }
  out[at++] = value;
  return at;
}

/** Writes a non-negative bigint (up to 2^64 - 1: a negative int64 as its two's complement) as a varint. */
export function writeBigVarint(out: Uint8Array, at: number, value: bigint): number {
  while (value > 0x7fn) {
    out[at++] = Number(value & 0x7fn) | 0x80;
    value >>= 7n;
  }
  out[at++] = Number(value);
  return at;
}
