import { create, toBinary } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { EventBatchSchema, EventSchema, type Event } from '@broxiva/contracts';

export interface TestEventSpec {
  readonly id: string;
  readonly type: string;
  readonly user?: string;
  readonly anon?: string;
  readonly session?: string;
  readonly at: number;
  readonly receivedAt?: number;
  readonly historical?: boolean;
  readonly bot?: boolean;
  readonly device?: string;
  readonly country?: string;
  readonly region?: string;
  readonly page?: string;
  readonly orderId?: string;
  readonly amount?: number;
  readonly currency?: string;
}

/** A bus Event as ingest publishes it, from a compact spec. */
export function testEvent(s: TestEventSpec): Event {
  return create(EventSchema, {
    eventId: s.id,
    eventType: s.type,
    userId: s.user ?? '',
    anonymousId: s.anon ?? '',
    sessionId: s.session ?? '',
    timestamp: timestampFromMs(s.at),
    receivedAt: timestampFromMs(s.receivedAt ?? s.at),
    historical: s.historical ?? false,
    context: { pagePath: s.page ?? '' },
    enrichment: {
      isBot: s.bot ?? false,
      deviceType: s.device ?? 'desktop',
      country: s.country ?? '',
      region: s.region ?? '',
    },
    ...(s.amount === undefined && s.orderId === undefined
      ? {}
      : {
          commerce: {
            orderId: s.orderId ?? '',
            ...(s.amount === undefined
              ? {}
              : { revenue: { amount: s.amount, currency: s.currency ?? 'EUR' } }),
          },
        }),
  });
}

/** One bus message: an EventBatch holding `events`. */
export const batchMessage = (events: readonly Event[]): { data: Uint8Array } => ({
  data: toBinary(EventBatchSchema, create(EventBatchSchema, { events: [...events] })),
});
