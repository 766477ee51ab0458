import type { Redis } from '@broxiva/redis';
import {
  FUNNEL_STEPS,
  conversionWindows,
  fromMoneyUnits,
  funnelRates,
  liveKeys,
  minuteStarts,
  overviewFrom,
  shopDayOf,
  type Overview,
  type StepCount,
} from '@broxiva/realtime-domain';

export interface LiveReaderOptions {
  readonly redis: Redis;
  /** The writer's base key. */
  readonly base: string;
  readonly userTimeoutMs: number;
  readonly sessionTimeoutMs: number;
  readonly windowMs: number;
  readonly timeZone: string;
  readonly currency: string;
}

export interface ActiveUsers {
  readonly timestampMs: number;
  readonly activeUsers: number;
  readonly perMinute: readonly { readonly timeMs: number; readonly value: number }[];
  readonly byDevice: readonly { readonly key: string; readonly value: number }[];
  readonly byRegion: readonly { readonly key: string; readonly value: number }[];
}

export interface ActiveSession {
  readonly sessionId: string;
  readonly userId: string;
  readonly startedAtMs: number;
  readonly lastEventAtMs: number;
  readonly currentPage: string;
  readonly eventCount: number;
  readonly cartValue: number;
}

export interface Conversions {
  readonly windowSeconds: number;
  readonly windows: readonly {
    readonly startMs: number;
    readonly endMs: number;
    readonly steps: StepCount[];
  }[];
  readonly total: StepCount[];
}

type Results = [Error | null, unknown][] | null;

function values(results: Results): unknown[] {
  if (results === null) throw new Error('redis transaction aborted');
  return results.map(([err, value]) => {
    if (err !== null) throw err;
    return value;
  });
}

const int = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/** Reads the live aggregates; every query is one round trip (or two for breakdowns and pages). */
export function createLiveReader(o: LiveReaderOptions) {
  const key = (name: string) => `${o.base}:${name}`;
  const since = (nowMs: number, timeoutMs: number) => `(${nowMs - timeoutMs}`;

  async function overview(nowMs: number): Promise<Overview> {
    const day = liveKeys.day(shopDayOf(nowMs, o.timeZone).date);
    // MULTI: one consistent snapshot, so e.g. buyers never outnumber the sessions they belong to.
    const v = values(
      await o.redis
        .multi()
        .zcount(key(liveKeys.users), since(nowMs, o.userTimeoutMs), '+inf')
        .zcount(key(liveKeys.sessions), since(nowMs, o.sessionTimeoutMs), '+inf')
        .scard(key(day.orders))
        .get(key(day.revenue))
        .get(key(day.cartSum))
        .scard(key(day.added))
        .scard(key(day.sessions))
        .scard(key(day.buyers))
        .exec(),
    ).map(int);
    return overviewFrom(
      {
        activeUsers: v[0] ?? 0,
        activeSessions: v[1] ?? 0,
        ordersToday: v[2] ?? 0,
        revenueTodayUnits: v[3] ?? 0,
        cartSumUnits: v[4] ?? 0,
        cartSessions: v[5] ?? 0,
        sessionsToday: v[6] ?? 0,
        purchasingSessions: v[7] ?? 0,
      },
      nowMs,
      o.currency,
    );
  }

  async function breakdown(setKey: string, member: (name: string) => string, nowMs: number) {
    const names = await o.redis.smembers(key(setKey));
    if (names.length === 0) return [];
    const p = o.redis.pipeline();
    for (const name of names) p.zcount(key(member(name)), since(nowMs, o.userTimeoutMs), '+inf');
    const counts = values(await p.exec()).map(int);
    return names
      .map((name, i) => ({ key: name, value: counts[i] ?? 0 }))
      .filter((b) => b.value > 0)
      .sort((a, b) => b.value - a.value || a.key.localeCompare(b.key));
  }

  async function activeUsers(nowMs: number): Promise<ActiveUsers> {
    const minutes = minuteStarts(nowMs, 30);
    const p = o.redis.pipeline().zcount(key(liveKeys.users), since(nowMs, o.userTimeoutMs), '+inf');
    for (const m of minutes) p.scard(key(liveKeys.minute(m)));
    const [active, byDevice, byRegion] = await Promise.all([
      p.exec().then((r) => values(r).map(int)),
      breakdown(liveKeys.devices, liveKeys.device, nowMs),
      breakdown(liveKeys.regions, liveKeys.region, nowMs),
    ]);
    return {
      timestampMs: nowMs,
      activeUsers: active[0] ?? 0,
      perMinute: minutes.map((timeMs, i) => ({ timeMs, value: active[i + 1] ?? 0 })),
      byDevice,
      byRegion,
    };
  }

  /** Active sessions, most recent first, from `offset`; `total` counts them all. */
  async function activeSessions(nowMs: number, offset: number, limit: number) {
    const min = since(nowMs, o.sessionTimeoutMs);
    const [total, ids] = values(
      await o.redis
        .pipeline()
        .zcount(key(liveKeys.sessions), min, '+inf')
        .zrevrangebyscore(key(liveKeys.sessions), '+inf', min, 'LIMIT', offset, limit)
        .exec(),
    ) as [number, string[]];
    const p = o.redis.pipeline();
    for (const id of ids) p.hgetall(key(liveKeys.session(id)));
    const cards = ids.length === 0 ? [] : (values(await p.exec()) as Record<string, string>[]);
    const sessions: ActiveSession[] = ids.map((sessionId, i) => {
      const c = cards[i] ?? {};
      return {
        sessionId,
        userId: c['user'] ?? '',
        startedAtMs: int(c['start']),
        lastEventAtMs: int(c['last']),
        currentPage: c['page'] ?? '',
        eventCount: int(c['count']),
        cartValue: fromMoneyUnits(int(c['cart'])),
      };
    });
    return { total: int(total), sessions };
  }

  async function conversions(nowMs: number): Promise<Conversions> {
    const windows = conversionWindows(nowMs, o.windowMs);
    const first = windows[0]?.startMs ?? nowMs;
    const p = o.redis.pipeline();
    for (const w of windows) for (const step of FUNNEL_STEPS) p.scard(key(liveKeys.window(w.startMs, step)));
    for (const step of FUNNEL_STEPS) p.zcount(key(liveKeys.stepRecent(step)), first, '+inf');
    const v = values(await p.exec()).map(int);
    const n = FUNNEL_STEPS.length;
    return {
      windowSeconds: o.windowMs / 1000,
      windows: windows.map((w, i) => ({ ...w, steps: funnelRates(v.slice(i * n, i * n + n)) })),
      total: funnelRates(v.slice(windows.length * n)),
    };
  }

  return { overview, activeUsers, activeSessions, conversions };
}

export type LiveReader = ReturnType<typeof createLiveReader>;
