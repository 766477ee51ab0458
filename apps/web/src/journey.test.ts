import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { describe, expect, it } from 'vitest';
import { timeline, touchpointDetail } from './journey.js';

const at = (iso: string) => timestampFromDate(new Date(iso));
const tp = (iso: string, eventType: string, extra: Partial<Record<string, string | number>> = {}) => ({
  time: at(iso),
  eventType,
  page: '',
  productId: '',
  orderId: '',
  value: 0,
  ...extra,
});

describe('user journey timeline', () => {
  it('lists sessions newest first with length, channel and events, touchpoints in order', () => {
    const t = timeline(
      [
        {
          sessionId: 's-old',
          start: at('2026-03-01T10:00:00Z'),
          end: at('2026-03-01T10:03:20Z'),
          channel: 'organic_search',
          touchpoints: [tp('2026-03-01T10:00:00Z', 'page_view', { page: '/' })],
        },
        {
          sessionId: 's-new',
          start: at('2026-03-02T09:00:00Z'),
          end: at('2026-03-02T09:00:45Z'),
          channel: '',
          touchpoints: [
            tp('2026-03-02T09:00:00Z', 'product_view', { productId: 'p1' }),
            tp('2026-03-02T09:00:45Z', 'purchase', { orderId: 'o-9', value: 120 }),
          ],
        },
      ],
      'EUR',
    );
    expect(t.map((s) => [s.id, s.heading])).toEqual([
      ['s-new', '45 s · direct · 2 events'],
      ['s-old', '3 min 20 s · organic search · 1 event'],
    ]);
    expect(t[0]?.touchpoints).toEqual([
      { at: Date.parse('2026-03-02T09:00:00Z') / 1000, what: 'Product view', detail: 'product p1' },
      { at: Date.parse('2026-03-02T09:00:45Z') / 1000, what: 'Purchase', detail: 'order o-9 · €120.00' },
    ]);
  });

  it('describes a touchpoint by what it carries, nothing when it carries nothing', () => {
    expect(touchpointDetail({ page: '/cart', productId: 'p2', orderId: '', value: 0 }, 'EUR')).toBe(
      '/cart · product p2',
    );
    expect(touchpointDetail({ page: '', productId: '', orderId: '', value: 0 }, 'EUR')).toBe('');
  });
});
