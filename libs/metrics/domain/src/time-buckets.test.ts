import { describe, expect, it } from 'vitest';
import { bucketStart, bucketStarts, hasWholeHourOffsets, offsetMinutes } from './time-buckets.js';

const d = (iso: string) => new Date(iso);
const iso = (ds: Date[]) => ds.map((x) => x.toISOString());

describe('buckets in a time zone', () => {
  it('starts days at local midnight, weeks on Monday, months on the 1st', () => {
    expect(bucketStart(d('2025-11-30T23:30:00Z'), 'day', 'Europe/Berlin')).toEqual(d('2025-11-30T23:00:00Z'));
    expect(bucketStart(d('2025-11-30T22:30:00Z'), 'day', 'Europe/Berlin')).toEqual(d('2025-11-29T23:00:00Z'));
    expect(bucketStart(d('2025-11-30T22:30:00Z'), 'week', 'Europe/Berlin')).toEqual(
      d('2025-11-23T23:00:00Z'),
    );
    expect(bucketStart(d('2025-11-30T23:30:00Z'), 'month', 'Europe/Berlin')).toEqual(
      d('2025-11-30T23:00:00Z'),
    );
    expect(bucketStart(d('2025-11-15T05:30:00Z'), 'month', 'America/New_York')).toEqual(
      d('2025-11-01T04:00:00Z'),
    );
  });
  it('lists buckets across a DST change (25-hour day)', () => {
    expect(
      iso(bucketStarts(d('2025-10-25T22:00:00Z'), d('2025-10-28T00:00:00Z'), 'day', 'Europe/Berlin')),
    ).toEqual(['2025-10-25T22:00:00.000Z', '2025-10-26T23:00:00.000Z', '2025-10-27T23:00:00.000Z']);
    expect(bucketStarts(d('2025-11-01T00:00:00Z'), d('2025-11-02T00:00:00Z'), 'hour', 'UTC')).toHaveLength(
      24,
    );
  });
  it('knows zones whose days do not start on a UTC hour', () => {
    expect(offsetMinutes(d('2025-11-01T00:00:00Z'), 'Asia/Kolkata')).toBe(330);
    expect(hasWholeHourOffsets(d('2025-11-01T00:00:00Z'), d('2025-12-01T00:00:00Z'), 'Asia/Kolkata')).toBe(
      false,
    );
    expect(hasWholeHourOffsets(d('2025-10-01T00:00:00Z'), d('2025-12-01T00:00:00Z'), 'Europe/Berlin')).toBe(
      true,
    );
  });
});
