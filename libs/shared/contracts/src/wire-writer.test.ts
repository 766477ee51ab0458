import { BinaryReader, BinaryWriter } from '@bufbuild/protobuf/wire';
import { describe, expect, it } from 'vitest';
import { varintSize, writeBigVarint, writeVarint } from './wire-writer.js';

describe('writeVarint', () => {
  it('writes the bytes protobuf-es writes, and protobuf-es reads them back', () => {
    for (const n of [0, 1, 127, 128, 300, 16_383, 16_384, 2 ** 31 - 1, 2 ** 32, 2 ** 53 - 1]) {
      const out = new Uint8Array(10);
      const end = writeVarint(out, 0, n);
      expect(out.subarray(0, end)).toEqual(new BinaryWriter().uint64(n).finish());
      expect(varintSize(n)).toBe(end);
      expect(Number(new BinaryReader(out.subarray(0, end)).uint64())).toBe(n);
    }
  });

  it('writes 64-bit values, negative int64 as protobuf-es writes them', () => {
    for (const n of [
      0n,
      1n,
      127n,
      128n,
      2n ** 53n + 1n,
      2n ** 63n - 1n,
      -1n,
      -62_135_596_800n,
      -(2n ** 63n),
    ]) {
      const out = new Uint8Array(10);
      const end = writeBigVarint(out, 0, BigInt.asUintN(64, n));
      expect(out.subarray(0, end)).toEqual(new BinaryWriter().int64(n).finish());
      expect(new BinaryReader(out.subarray(0, end)).int64()).toBe(n);
    }
  });
});
