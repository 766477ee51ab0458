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

/** How many bytes {@link writeVarint} writes for `value`. */
export function varintSize(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  let size = 5;
  for (let rest = Math.floor(value / 2 ** 35); rest > 0; rest = Math.floor(rest / 128)) size++;
  return size;
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
