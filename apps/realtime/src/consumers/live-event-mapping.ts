import { timestampMs } from '@bufbuild/protobuf/wkt';
import type { Event } from '@broxiva/contracts';
import type { LiveEvent } from '@broxiva/realtime-domain';

/** The bus contract's Event as the live numbers see it. Ingest guarantees timestamp and received_at. */
export function toLiveEvent(e: Event): LiveEvent {
  const receivedAtMs = e.receivedAt ? timestampMs(e.receivedAt) : 0;
  return {
    eventId: e.eventId,
    eventType: e.eventType,
    userId: e.userId,
    anonymousId: e.anonymousId,
    sessionId: e.sessionId,
    timestampMs: e.timestamp ? timestampMs(e.timestamp) : receivedAtMs,
    receivedAtMs,
    historical: e.historical,
    isBot: e.enrichment?.isBot ?? false,
    deviceType: e.enrichment?.deviceType ?? '',
    region: e.enrichment?.region || e.context?.region || '',
    country: e.enrichment?.country || e.context?.country || '',
    pagePath: e.context?.pagePath ?? '',
    orderId: e.commerce?.orderId ?? '',
    revenue: e.commerce?.revenue
      ? { amount: e.commerce.revenue.amount, currency: e.commerce.revenue.currency }
      : undefined,
    items: (e.commerce?.items ?? []).map((i) => ({
      price: i.price?.amount ?? 0,
      currency: i.price?.currency ?? '',
      quantity: i.quantity,
    })),
  };
}
