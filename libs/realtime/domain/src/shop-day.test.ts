import { describe, expect, it } from 'vitest';
import { shopDayOf } from './shop-day.js';

const at = (iso: string) => Date.parse(iso);

describe('shopDayOf', () => {
  it('is the UTC date in UTC', () => {
    expect(shopDayOf(at('2025-12-04T23:59:59.999Z'), 'UTC')).toEqual({
      date: '2025-12-04',
      startMs: at('2025-12-04T00:00:00Z'),
      endMs: at('2025-12-05T00:00:00Z'),
    });
  });

  it('rolls over at local midnight in Berlin (UTC+1 in winter)', () => {
    expect(shopDayOf(at('2025-12-04T22:59:59Z'), 'Europe/Berlin').date).toBe('2025-12-04');
    expect(shopDayOf(at('2025-12-04T23:00:00Z'), 'Europe/Berlin')).toEqual({
      date: '2025-12-05',
      startMs: at('2025-12-04T23:00:00Z'),
      endMs: at('2025-12-05T23:00:00Z'),
    });
  });

  it('rolls over at local midnight west of UTC (Los Angeles, UTC-8)', () => {
    expect(shopDayOf(at('2025-12-05T07:59:00Z'), 'America/Los_Angeles').date).toBe('2025-12-04');
    expect(shopDayOf(at('2025-12-05T08:00:00Z'), 'America/Los_Angeles').startMs).toBe(
      at('2025-12-05T08:00:00Z'),
    );
  });

  it('has 23 hours on the spring DST day and 25 on the autumn one', () => {
    const spring = shopDayOf(at('2025-03-30T12:00:00Z'), 'Europe/Berlin');
    expect((spring.endMs - spring.startMs) / 3_600_000).toBe(23);
    const autumn = shopDayOf(at('2025-10-26T12:00:00Z'), 'Europe/Berlin');
    expect((autumn.endMs - autumn.startMs) / 3_600_000).toBe(25);
  });

  it('handles a half-hour zone (Kolkata, UTC+5:30)', () => {
    expect(shopDayOf(at('2025-12-04T18:29:59Z'), 'Asia/Kolkata').date).toBe('2025-12-04');
    expect(shopDayOf(at('2025-12-04T18:30:00Z'), 'Asia/Kolkata').startMs).toBe(at('2025-12-04T18:30:00Z'));
  });

  it('starts the day at 01:00 where midnight is skipped (Santiago spring forward)', () => {
    // 2025-09-07 00:00 America/Santiago does not exist: clocks jump from 00:00 (UTC-4) to 01:00 (UTC-3).
    const day = shopDayOf(at('2025-09-07T12:00:00Z'), 'America/Santiago');
    expect(day.date).toBe('2025-09-07');
    expect(day.startMs).toBe(at('2025-09-07T04:00:00Z'));
  });
});
