import { describe, expect, it } from 'vitest';
import { keys } from './index.js';

describe('keys', () => {
  const k = keys('realtime');

  it('joins parts under the prefix', () => {
    expect(k.prefix).toBe('realtime');
    expect(k.join('active', 'users')).toBe('realtime:active:users');
    expect(k.join('shop', 7)).toBe('realtime:shop:7');
    expect(k.join()).toBe('realtime');
  });

  it('scopes a sub-area', () => {
    const shop = k.child('shop', 7);
    expect(shop.prefix).toBe('realtime:shop:7');
    expect(shop.join('users')).toBe('realtime:shop:7:users');
  });

  it('allows an empty prefix', () => {
    expect(keys('').join('a', 'b')).toBe('a:b');
  });

  it('refuses an empty part', () => {
    expect(() => k.join('shop', '')).toThrow('empty key part in ["realtime","shop",""]');
  });
});
