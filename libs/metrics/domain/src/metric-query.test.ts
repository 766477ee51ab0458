import { describe, expect, it } from 'vitest';
import { validateQuery, type MetricQueryInput } from './metric-query.js';

const base: MetricQueryInput = {
  start: new Date('2025-11-01T00:00:00Z'),
  end: new Date('2025-12-01T00:00:00Z'),
  metrics: ['revenue', 'orders', 'conversion_rate'],
  dimensions: ['category', 'region'],
  filters: [{ dimension: 'category', values: ['electronics'], negate: false }],
  granularity: undefined,
  timeZone: '',
  comparePrevious: false,
};

describe('validateQuery', () => {
  it('accepts the documented example and defaults the zone to UTC', () => {
    const r = validateQuery(base);
    expect(r).toEqual({ ok: true, value: { ...base, timeZone: 'UTC' } });
  });

  it('refuses unknown names listing the valid ones', () => {
    const r = validateQuery({
      ...base,
      metrics: ['revenue', 'profit'],
      dimensions: ['colour'],
      filters: [{ dimension: 'brand', values: ['x'], negate: false }],
    });
    expect(r).toEqual({
      ok: false,
      violations: [
        {
          field: 'metrics[1]',
          rule: 'known_metric',
          description:
            'unknown metric "profit"; valid: revenue, orders, conversion_rate, average_order_value, sessions, users, new_users, page_views, product_views, add_to_cart, checkout_starts, cart_abandonment_rate, items_sold',
        },
        {
          field: 'dimensions[0]',
          rule: 'known_dimension',
          description:
            'unknown dimension "colour"; valid: category, region, country, device, browser, os, event_type, channel, utm_source, referrer_domain',
        },
        {
          field: 'filters[0].dimension',
          rule: 'known_dimension',
          description:
            'unknown dimension "brand"; valid: category, region, country, device, browser, os, event_type, channel, utm_source, referrer_domain',
        },
      ],
    });
  });

  it('refuses inverted and empty ranges, ranges too long for the granularity, and unknown zones', () => {
    const inverted = validateQuery({ ...base, start: base.end, end: base.start });
    expect(inverted.ok || inverted.violations).toEqual([
      { field: 'end_date', rule: 'after_start', description: 'must be after start_date' },
    ]);
    const zone = validateQuery({ ...base, granularity: 'hour', timeZone: 'Mars/Olympus' });
    expect(zone.ok || zone.violations).toEqual([
      {
        field: 'timezone',
        rule: 'time_zone',
        description: 'unknown time zone "Mars/Olympus" (use an IANA name such as Europe/Berlin)',
      },
    ]);
    // 92 days of hours (a quarter) pass: the Insights hourly forecast asks for 56.
    expect(validateQuery({ ...base, end: new Date('2026-02-01T00:00:00Z'), granularity: 'hour' }).ok).toBe(
      true,
    );
    const tooLong = validateQuery({ ...base, end: new Date('2026-02-02T00:00:00Z'), granularity: 'hour' });
    expect(tooLong.ok || tooLong.violations).toEqual([
      {
        field: 'end_date',
        rule: 'max_range',
        description:
          'a range of 93 days is too long for granularity hour (at most 92 days; use granularity day or coarser for longer ranges)',
      },
    ]);
    const tooLongDays = validateQuery({ ...base, end: new Date('2027-11-04T00:00:00Z'), granularity: 'day' });
    expect(tooLongDays.ok || tooLongDays.violations.map((v) => v.description)).toEqual([
      'a range of 733 days is too long for granularity day (at most 732 days; use granularity week or coarser for longer ranges)',
    ]);
    const missing = validateQuery({ ...base, start: undefined, metrics: [] }, 'widgets[0].query.');
    expect(missing.ok || missing.violations.map((v) => v.field)).toEqual([
      'widgets[0].query.start_date',
      'widgets[0].query.metrics',
    ]);
  });
});
