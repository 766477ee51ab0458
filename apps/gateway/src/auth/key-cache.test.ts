import { describe, expect, it } from 'vitest';
import { cacheKeyLookups } from './key-cache.js';

function store(initial: Record<string, string>) {
  const keys = new Map(Object.entries(initial));
  const asked: string[] = [];
  return {
    keys,
    asked,
    lookup: (key: string) => {
      asked.push(key);
      return Promise.resolve(keys.get(key));
    },
  };
}

describe('cacheKeyLookups', () => {
  it('asks the store once per valid key within the TTL, and again after it', async () => {
    let t = 0;
    const s = store({ k1: 'shop' });
    const lookup = cacheKeyLookups(s.lookup, { ttlMs: 10_000, now: () => t });
    expect([await lookup('k1'), await lookup('k1'), await lookup('k1')]).toEqual(['shop', 'shop', 'shop']);
    expect(s.asked).toEqual(['k1']);
    t = 10_000;
    expect(await lookup('k1')).toBe('shop');
    expect(s.asked).toEqual(['k1', 'k1']);
  });

  it('lets a revoked key work at most until its TTL ends', async () => {
    let t = 0;
    const s = store({ k1: 'shop' });
    const lookup = cacheKeyLookups(s.lookup, { ttlMs: 5_000, now: () => t });
    expect(await lookup('k1')).toBe('shop');
    s.keys.delete('k1');
    t = 4_999;
    expect(await lookup('k1')).toBe('shop');
    t = 5_000;
    expect(await lookup('k1')).toBeUndefined();
    t = 5_001;
    expect(await lookup('k1')).toBeUndefined();
    expect(s.asked).toEqual(['k1', 'k1', 'k1']);
  });

  it('never remembers unknown keys, so a key created later works at once', async () => {
    const s = store({});
    const lookup = cacheKeyLookups(s.lookup, { ttlMs: 60_000 });
    expect([await lookup('guess'), await lookup('guess')]).toEqual([undefined, undefined]);
    s.keys.set('guess', 'new-shop');
    expect(await lookup('guess')).toBe('new-shop');
    expect(s.asked).toEqual(['guess', 'guess', 'guess']);
  });

  it('keeps at most maxEntries keys, and a TTL of 0 asks every time', async () => {
    const s = store({ a: 'A', b: 'B', c: 'C' });
    const bounded = cacheKeyLookups(s.lookup, { ttlMs: 60_000, maxEntries: 2 });
    for (const k of ['a', 'b', 'c', 'a']) await bounded(k);
    expect(s.asked).toEqual(['a', 'b', 'c', 'a']); // c started the cache over: a was asked again
    const uncached = cacheKeyLookups(s.lookup, { ttlMs: 0 });
    await uncached('b');
    await uncached('b');
    expect(s.asked.slice(4)).toEqual(['b', 'b']);
  });
});
