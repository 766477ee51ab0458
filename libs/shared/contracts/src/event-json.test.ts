import { create, fromJson, toJson } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { EventSchema, TrackBatchRequestSchema } from './index.js';

// The product's documented REST bodies must map onto the contracts without loss.
describe('Event JSON mapping', () => {
  it('reads the documented page_view example and writes it back unchanged', () => {
    const body = {
      event_type: 'page_view',
      user_id: 'user_123',
      session_id: 'sess_456',
      properties: { page: '/products/wireless-headphones', referrer: 'google.com' },
    };
    const event = fromJson(EventSchema, body);
    expect(event.eventType).toBe('page_view');
    expect(event.userId).toBe('user_123');
    expect(event.properties).toEqual({ page: '/products/wireless-headphones', referrer: 'google.com' });
    expect(toJson(EventSchema, event, { useProtoFieldName: true })).toEqual(body);
  });

  it('carries commerce with money as amount and currency', () => {
    const event = create(EventSchema, {
      eventType: 'purchase',
      commerce: {
        orderId: 'o-1',
        revenue: { amount: 129.9, currency: 'EUR' },
        items: [{ productId: 'p-1', quantity: 2 }],
      },
    });
    const json = toJson(EventSchema, event, { useProtoFieldName: true });
    expect(json).toEqual({
      event_type: 'purchase',
      commerce: {
        order_id: 'o-1',
        revenue: { amount: 129.9, currency: 'EUR' },
        items: [{ product_id: 'p-1', quantity: 2 }],
      },
    });
  });

  it('rejects an unknown field with its name', () => {
    expect(() => fromJson(TrackBatchRequestSchema, { events: [{ event_typo: 'x' }] })).toThrow(/event_typo/);
  });
});
