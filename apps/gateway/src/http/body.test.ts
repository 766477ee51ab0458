import { describe, expect, it } from 'vitest';
import { depthOf } from './body.js';

describe('depthOf', () => {
  it('counts the deepest nesting of objects and arrays', () => {
    expect(depthOf('1')).toBe(0);
    expect(depthOf('{"a":[1,{"b":[]}],"c":{}}')).toBe(4);
    expect(depthOf('['.repeat(10_000) + ']'.repeat(10_000))).toBe(10_000);
  });

  it('ignores brackets inside strings, however their quotes are escaped', () => {
    expect(depthOf('{"a":"[[[{{{"}')).toBe(1);
    expect(depthOf(String.raw`{"a":"say \"[[[\" twice"}`)).toBe(1);
    // A string ending in an escaped backslash ends there: the bracket after it counts.
    expect(depthOf(String.raw`["\\",["x"]]`)).toBe(2);
    expect(depthOf(String.raw`["\\\"[", [[]]]`)).toBe(3);
    expect(depthOf(String.raw`[{"k\"[":"v\\\\"}]`)).toBe(2);
  });

  it('stops at an unterminated string with the depth seen so far', () => {
    expect(depthOf('[[{"open [[[[')).toBe(3);
  });

  it('agrees with the structure JSON.parse sees on generated documents', () => {
    const depth = (v: unknown): number =>
      v !== null && typeof v === 'object'
        ? 1 + Math.max(0, ...Object.values(v as Record<string, unknown>).map(depth))
        : 0;
    let seed = 7;
    const r = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const gen = (d: number): unknown => {
      const k = Math.floor(r() * 5);
      if (d > 6 || k === 0) return ['x"[', '\\', '\\"]{', 'plain', '}\\\\'][Math.floor(r() * 5)];
      if (k === 1) return Math.floor(r() * 100);
      if (k === 2) return Array.from({ length: Math.floor(r() * 3) }, () => gen(d + 1));
      return Object.fromEntries(
        Array.from({ length: Math.floor(r() * 3) }, (_, i) => [`k${i}"[`, gen(d + 1)]),
      );
    };
    for (let i = 0; i < 300; i++) {
      const value = gen(0);
      expect(depthOf(JSON.stringify(value))).toBe(depth(value));
    }
  });
});
