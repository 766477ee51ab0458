import { emptyContext, type EventInput } from './event.js';

/** A valid page_view, with overrides: the base for table tests in this lib and the Ingest app. */
export function eventInput(overrides: Partial<EventInput> = {}): EventInput {
  return {
    eventId: '',
    eventType: 'page_view',
    userId: 'user_123',
    anonymousId: '',
    sessionId: 'sess_456',
    timestamp: undefined,
    sentAt: undefined,
    properties: { page: '/products/wireless-headphones', referrer: 'google.com' },
    context: emptyContext,
    commerce: undefined,
    ...overrides,
  };
}
