import { describe, expect, it } from 'vitest';
import { conversionWindows, funnelRates, minuteStarts } from './windows.js';

const T = Date.parse('2025-12-04T10:30:42Z');

describe('minuteStarts', () => {
  it('gives 30 minute starts ending at the current minute', () => {
    const m = minuteStarts(T);
    expect(m).toHaveLength(30);
    expect(m[0]).toBe(Date.parse('2025-12-04T10:01:00Z'));
    expect(m[29]).toBe(Date.parse('2025-12-04T10:30:00Z'));
  });
});

describe('conversionWindows', () => {
  it('covers the last hour with 60 one-minute windows', () => {
    const w = conversionWindows(T, 60_000);
    expect(w).toHaveLength(60);
    expect(w[0]).toEqual({
      startMs: Date.parse('2025-12-04T09:31:00Z'),
      endMs: Date.parse('2025-12-04T09:32:00Z'),
    });
    expect(w[59]).toEqual({
      startMs: Date.parse('2025-12-04T10:30:00Z'),
      endMs: Date.parse('2025-12-04T10:31:00Z'),
    });
  });

  it('rounds the count up for windows that do not divide the hour, and gives one for a day', () => {
    expect(conversionWindows(T, 7 * 60_000)).toHaveLength(9);
    expect(conversionWindows(T, 86_400_000)).toEqual([
      { startMs: Date.parse('2025-12-04T00:00:00Z'), endMs: Date.parse('2025-12-05T00:00:00Z') },
    ]);
  });
});

describe('funnelRates', () => {
  it('rates every step against the first', () => {
    expect(funnelRates([200, 100, 40, 10, 5])).toEqual([
      { step: 'page_view', count: 200, rate: 100 },
      { step: 'product_view', count: 100, rate: 50 },
      { step: 'add_to_cart', count: 40, rate: 20 },
      { step: 'checkout_start', count: 10, rate: 5 },
      { step: 'purchase', count: 5, rate: 2.5 },
    ]);
    expect(funnelRates([0, 0, 0, 0, 1]).map((s) => s.rate)).toEqual([0, 0, 0, 0, 0]);
  });
});
