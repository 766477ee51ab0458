import { describe, expect, it } from 'vitest';
import {
  formatChange,
  formatClock,
  formatCount,
  formatDuration,
  formatMetric,
  formatMoney,
  formatPercent,
  humanize,
} from './format.js';

describe('formatting', () => {
  it('groups counts, bigint or number', () => {
    expect(formatCount(1247n)).toBe('1,247');
    expect(formatCount(1234567.4)).toBe('1,234,567');
  });

  it('formats money in its currency, or a bare number when the code is missing', () => {
    expect(formatMoney(15420.5, 'USD')).toBe('$15,420.50');
    expect(formatMoney(85.3, 'EUR', 'de-DE')).toBe('85,30\u00a0€');
    expect(formatMoney(12, '')).toBe('12.00');
  });

  it('formats rates already in percent, and changes with a sign', () => {
    expect(formatPercent(3.2)).toBe('3.2%');
    expect(formatPercent(Number.NaN)).toBe('–');
    expect(formatChange(12.46)).toBe('+12.5%');
    expect(formatChange(-3)).toBe('−3.0%');
    expect(formatChange(0)).toBe('±0.0%');
    expect(formatChange(Number.POSITIVE_INFINITY)).toBe('new');
    expect(formatChange(undefined)).toBe('–');
  });

  it('formats durations in the largest units', () => {
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(200)).toBe('3 min 20 s');
    expect(formatDuration(7500)).toBe('2 h 5 min');
    expect(formatDuration(3 * 86400 + 4 * 3600)).toBe('3 d 4 h');
    expect(formatDuration(-1)).toBe('–');
  });

  it('formats a metric by its kind', () => {
    expect(formatMetric('revenue', 1520.5, 'USD')).toBe('$1,520.50');
    expect(formatMetric('conversion_rate', 3.25, 'USD')).toBe('3.3%');
    expect(formatMetric('orders', 156, 'USD')).toBe('156');
    expect(formatMetric('items_sold', 2.345, 'USD')).toBe('2.35');
    expect(humanize('page_views')).toBe('Page views');
  });

  it('shows the clock time of an update in a time zone', () => {
    expect(formatClock(new Date('2025-12-04T10:30:05Z'), 'UTC')).toBe('10:30:05');
    expect(formatClock(new Date('2025-12-04T10:30:05Z'), 'Europe/Berlin')).toBe('11:30:05');
  });
});
