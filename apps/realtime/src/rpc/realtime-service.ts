import { create } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError, type ServiceImpl } from '@connectrpc/connect';
import { OverviewSchema, type FunnelStepCountSchema, type RealtimeService } from '@broxiva/contracts';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { Overview, StepCount } from '@broxiva/realtime-domain';
import { ValidationError } from '@broxiva/rpc';
import type { LiveReader } from '../adapters/redis-live-reader.js';
import type { EventFeed } from '../adapters/nats-event-feed.js';
import type { OverviewHub } from '../overview-hub.js';
import { decodePageToken, encodePageToken } from './page-token.js';

export interface RealtimeServiceDeps {
  readonly reader: LiveReader;
  readonly hub: OverviewHub;
  readonly feed: EventFeed;
  readonly now: () => number;
}

const EVENT_TYPE = /^[a-z][a-z0-9_]{0,63}$/;
const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 500;

const toOverview = (o: Overview) =>
  create(OverviewSchema, {
    timestamp: timestampFromMs(o.timestampMs),
    activeUsers: BigInt(o.activeUsers),
    activeSessions: BigInt(o.activeSessions),
    ordersToday: BigInt(o.ordersToday),
    revenueToday: o.revenueToday,
    cartValueAvg: o.cartValueAvg,
    conversionRate: o.conversionRate,
    currency: o.currency,
  });

const toSteps = (steps: readonly StepCount[]): MessageInitShape<typeof FunnelStepCountSchema>[] =>
  steps.map((s) => ({ step: s.step, count: BigInt(s.count), rate: s.rate }));

/** RealtimeService handlers: proto ⇄ the live store and the overview hub. */
export function realtimeService(deps: RealtimeServiceDeps): ServiceImpl<typeof RealtimeService> {
  return {
    async getOverview() {
      return { overview: toOverview(await deps.reader.overview(deps.now())) };
    },

    async getActiveUsers() {
      const u = await deps.reader.activeUsers(deps.now());
      return {
        timestamp: timestampFromMs(u.timestampMs),
        activeUsers: BigInt(u.activeUsers),
        perMinute: u.perMinute.map((p) => ({ time: timestampFromMs(p.timeMs), value: p.value })),
        byDevice: u.byDevice.map((b) => ({ key: b.key, value: b.value })),
        byRegion: u.byRegion.map((b) => ({ key: b.key, value: b.value })),
      };
    },

    async listActiveSessions(req) {
      if (req.pageSize < 0 || req.pageSize > MAX_PAGE_SIZE) {
        throw new ValidationError([
          {
            field: 'page_size',
            rule: 'range',
            description: `must be from 0 to ${MAX_PAGE_SIZE} (0: ${DEFAULT_PAGE_SIZE})`,
          },
        ]);
      }
      const size = req.pageSize === 0 ? DEFAULT_PAGE_SIZE : req.pageSize;
      const offset = decodePageToken(req.pageToken);
      const page = await deps.reader.activeSessions(deps.now(), offset, size);
      const next = offset + page.sessions.length;
      return {
        total: BigInt(page.total),
        nextPageToken: page.sessions.length === size && next < page.total ? encodePageToken(next) : '',
        sessions: page.sessions.map((s) => ({
          sessionId: s.sessionId,
          userId: s.userId,
          startedAt: timestampFromMs(s.startedAtMs),
          lastEventAt: timestampFromMs(s.lastEventAtMs),
          currentPage: s.currentPage,
          eventCount: BigInt(s.eventCount),
          cartValue: s.cartValue,
        })),
      };
    },

    async getConversions() {
      const c = await deps.reader.conversions(deps.now());
      return {
        windowSeconds: c.windowSeconds,
        windows: c.windows.map((w) => ({
          start: timestampFromMs(w.startMs),
          end: timestampFromMs(w.endMs),
          steps: toSteps(w.steps),
        })),
        total: toSteps(c.total),
      };
    },

    async *watchOverview(_req, ctx) {
      for await (const o of deps.hub.watch(ctx.signal)) yield { overview: toOverview(o) };
    },

    async *watchEvents(req, ctx) {
      const bad = req.eventTypes.flatMap((t, i) =>
        EVENT_TYPE.test(t)
          ? []
          : [{ field: `event_types[${i}]`, rule: 'pattern', description: `must match ${EVENT_TYPE.source}` }],
      );
      if (bad.length > 0) throw new ValidationError(bad);
      for await (const event of deps.feed({ types: req.eventTypes, user: req.userId }, ctx.signal)) {
        yield { event };
      }
    },
  };
}

const disabledError = () =>
  new ConnectError(
    'real-time analytics is disabled on this server (ENABLE_REALTIME_ANALYTICS=false)',
    Code.FailedPrecondition,
  );

/** Every RPC refuses with FailedPrecondition: a clear answer instead of stale numbers. */
export function disabledRealtimeService(): ServiceImpl<typeof RealtimeService> {
  const refuse = async () => {
    throw disabledError();
  };
  // eslint-disable-next-line require-yield -- a stream that fails before its first message
  async function* refuseStream(): AsyncGenerator<never> {
    throw disabledError();
  }
  return {
    getOverview: refuse,
    getActiveUsers: refuse,
    listActiveSessions: refuse,
    getConversions: refuse,
    watchOverview: refuseStream,
    watchEvents: refuseStream,
  };
}
