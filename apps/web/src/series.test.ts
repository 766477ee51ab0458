import { describe, expect, it } from 'vitest';
import {
  breakdown,
  fillGrid,
  forecastColumns,
  funnelBars,
  isEmptySeries,
  markerColumn,
  metricColumns,
} from './series.js';

const ts = (iso: string) => ({ seconds: BigInt(Date.parse(iso) / 1000), nanos: 0 });
const s = (iso: string) => Date.parse(iso) / 1000;

describe('series shaping', () => {
  it('sums a metric per bucket across dimension values, oldest first', () => {
    const rows: {
      time?: ReturnType<typeof ts>;
      dimensions: Record<string, string>;
      values: Record<string, number>;
    }[] = [
      { time: ts('2025-01-01T01:00:00Z'), dimensions: { device: 'mobile' }, values: { revenue: 5 } },
      { time: ts('2025-01-01T00:00:00Z'), dimensions: { device: 'mobile' }, values: { revenue: 2 } },
      { time: ts('2025-01-01T01:00:00Z'), dimensions: { device: 'desktop' }, values: { revenue: 1.5 } },
      { dimensions: {}, values: { revenue: 100 } },
    ];
    expect(metricColumns(rows, 'revenue')).toEqual([
      [s('2025-01-01T00:00:00Z'), s('2025-01-01T01:00:00Z')],
      [2, 6.5],
    ]);
    expect(breakdown(rows, 'device', 'revenue')).toEqual([
      { key: '(none)', value: 100, share: (100 * 100) / 108.5 },
      { key: 'mobile', value: 7, share: (100 * 7) / 108.5 },
      { key: 'desktop', value: 1.5, share: (100 * 1.5) / 108.5 },
    ]);
  });

  it('fills the buckets the service left out with zeros, anchored on a returned bucket', () => {
    expect(fillGrid([[7200], [5]], 0, 4 * 3600, 3600)).toEqual([
      [0, 3600, 7200, 10800],
      [0, 0, 5, 0],
    ]);
    // Day buckets at a time zone's midnight (22:00 UTC) keep their offset from the range's start.
    expect(fillGrid([[86400 + 79200], [3]], 0, 3 * 86400, 86400)).toEqual([
      [79200, 86400 + 79200, 2 * 86400 + 79200],
      [0, 3, 0],
    ]);
    expect(fillGrid([[], []], 0, 7200, 3600)).toEqual([
      [0, 3600],
      [0, 0],
    ]);
  });

  it('joins history and forecast on one axis with the band over the forecast only', () => {
    const cols = forecastColumns(
      [
        { time: ts('2025-01-01T00:00:00Z'), value: 10 },
        { time: ts('2025-01-01T01:00:00Z'), value: 12 },
      ],
      [{ time: ts('2025-01-01T02:00:00Z'), value: 13, lower: 11, upper: 15 }],
    );
    expect(cols).toEqual([
      [s('2025-01-01T00:00:00Z'), s('2025-01-01T01:00:00Z'), s('2025-01-01T02:00:00Z')],
      [10, 12, null],
      [null, 12, 13],
      [null, 12, 11],
      [null, 12, 15],
    ]);
    expect(markerColumn(cols[0], [{ time: ts('2025-01-01T01:00:00Z'), value: 12 }])).toEqual([
      null,
      12,
      null,
    ]);
  });

  it('scales funnel bars to the first step', () => {
    const bars = funnelBars([
      { name: 'view', count: 200n, conversionRate: 100, dropOffRate: 0, medianSecondsToConvert: 0 },
      { name: 'buy', count: 50n, conversionRate: 25, dropOffRate: 75, medianSecondsToConvert: 90 },
    ]);
    expect(bars.map((b) => [b.name, b.count, b.width])).toEqual([
      ['view', 200, 100],
      ['buy', 50, 25],
    ]);
    expect(
      funnelBars([{ name: 'a', count: 0n, conversionRate: 0, dropOffRate: 0, medianSecondsToConvert: 0 }])[0]
        ?.width,
    ).toBe(0);
    expect(isEmptySeries([null, 0])).toBe(true);
    expect(isEmptySeries([0, 1])).toBe(false);
  });
});
