// One user's journey as the timeline shows it: sessions (newest first) with their touchpoints in order.
import { formatDuration, formatMoney, humanize } from './format.js';
import { tsSeconds, type Ts } from './series.js';

export interface TimelineSession {
  readonly id: string;
  /** Unix seconds. */
  readonly start: number;
  readonly heading: string;
  readonly touchpoints: readonly { readonly at: number; readonly what: string; readonly detail: string }[];
}

/** What a touchpoint was about: the page, product, order and value it carries. */
export function touchpointDetail(
  t: { page: string; productId: string; orderId: string; value: number },
  currency: string,
): string {
  return [
    t.page === '' ? '' : t.page,
    t.productId === '' ? '' : `product ${t.productId}`,
    t.orderId === '' ? '' : `order ${t.orderId}`,
    t.value === 0 ? '' : formatMoney(t.value, currency),
  ]
    .filter((s) => s !== '')
    .join(' · ');
}

/** Sessions newest first, each headed by its length, channel and number of events. */
export function timeline(
  sessions: readonly {
    sessionId: string;
    start?: Ts;
    end?: Ts;
    channel: string;
    touchpoints: readonly {
      time?: Ts;
      eventType: string;
      page: string;
      productId: string;
      orderId: string;
      value: number;
    }[];
  }[],
  currency: string,
): TimelineSession[] {
  return sessions
    .map((s) => {
      const start = tsSeconds(s.start) ?? 0;
      const end = tsSeconds(s.end) ?? start;
      const n = s.touchpoints.length;
      return {
        id: s.sessionId,
        start,
        heading: [
          formatDuration(end - start),
          s.channel === '' ? 'direct' : humanize(s.channel).toLowerCase(),
          `${n} event${n === 1 ? '' : 's'}`,
        ].join(' · '),
        touchpoints: s.touchpoints.map((t) => ({
          at: tsSeconds(t.time) ?? start,
          what: humanize(t.eventType),
          detail: touchpointDetail(t, currency),
        })),
      };
    })
    .sort((a, b) => b.start - a.start);
}
