import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { EventSchema, type Event } from '@broxiva/contracts';
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The synthetic clickstream (../shared/datasets/clickstream/ecom.csv.gz), one row per event, in file order. */
export interface ClickRow {
  readonly index: number;
  readonly user: string;
  readonly session: string;
  /** The event name mapped to the store's types (shipping_details → checkout_start). */
  readonly type: string;
  readonly ts: number;
  readonly platform: string;
  readonly channel: string;
  /** Revenue given to purchases here (the dataset has none): 20 + 5 × (index mod 7). */
  readonly revenue: number;
  readonly bot: boolean;
}

// BROXIVA_DATASETS when set (CI on a clone made elsewhere), else ../shared/datasets beside the checkout.
const DATASET =
  process.env['BROXIVA_DATASETS'] === undefined
    ? new URL('../../../../../shared/datasets/clickstream/ecom.csv.gz', import.meta.url)
    : join(process.env['BROXIVA_DATASETS'], 'clickstream/ecom.csv.gz');
const TYPES: Record<string, string> = { shipping_details: 'checkout_start' };

export function readClickstream(): ClickRow[] {
  const lines = gunzipSync(readFileSync(DATASET)).toString('utf8').trim().split('\n').slice(1);
  return lines.map((line, index) => {
    const [user, session, event, time, platform, channel] = line.split(',') as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const type = TYPES[event] ?? event;
    return {
      index,
      user,
      session,
      type,
      ts: Date.parse(`${time.replace(' ', 'T')}Z`),
      platform,
      channel,
      revenue: type === 'purchase' ? 20 + 5 * (index % 7) : 0,
      bot: false,
    };
  });
}

/** A crawler that walks the whole checkout every day of March 2024: funnels and cohorts must ignore it. */
export function botRows(from: number): ClickRow[] {
  const out: ClickRow[] = [];
  const steps = ['product_view', 'add_to_cart', 'checkout_start', 'purchase'];
  for (let d = 0; d < 31; d++) {
    steps.forEach((type, k) => {
      out.push({
        index: from + out.length,
        user: 'crawler_1',
        session: `crawl_${d}`,
        type,
        ts: Date.parse('2024-03-01T03:00:00Z') + d * 86_400_000 + k * 1000,
        platform: 'desktop',
        channel: 'direct',
        revenue: type === 'purchase' ? 10 : 0,
        bot: true,
      });
    });
  }
  return out;
}

/** Event ids in file order, so the store's (ts, event_id) order is the file's order on equal times. */
export const eventId = (n: number) => `00000000-0000-4000-8000-${n.toString().padStart(12, '0')}`;

export function toEvent(r: ClickRow): Event {
  const at = timestampFromDate(new Date(r.ts));
  return create(EventSchema, {
    eventId: eventId(r.index),
    eventType: r.type,
    userId: r.user,
    sessionId: r.session,
    timestamp: at,
    receivedAt: at,
    context: { pagePath: `/${r.type}` },
    enrichment: { deviceType: r.platform, channel: r.channel, isBot: r.bot },
    ...(r.type === 'purchase'
      ? {
          commerce: {
            orderId: `o${r.index}`,
            revenue: { amount: r.revenue, currency: 'EUR' },
          },
        }
      : {}),
  });
}
