import { describe, expect, it } from 'vitest';
import { DEFAULT_EMISSION, type Overview } from '@broxiva/realtime-domain';
import { createOverviewHub, type Every } from './overview-hub.js';

const overview = (activeUsers: number, timestampMs: number): Overview => ({
  timestampMs,
  activeUsers,
  activeSessions: 1,
  ordersToday: 0,
  revenueToday: 0,
  cartValueAvg: 0,
  conversionRate: 0,
  currency: 'EUR',
});

/** A hub on a hand-driven clock and timer; `advance(ms)` fires every poll due in that span. */
function manualHub(initialUsers = 1) {
  const clock = { now: 0, users: initialUsers, reads: 0 };
  const timers = new Set<{ ms: number; next: number; tick: () => void }>();
  const every: Every = (ms, tick) => {
    const t = { ms, next: clock.now + ms, tick };
    timers.add(t);
    return () => timers.delete(t);
  };
  const hub = createOverviewHub({
    read: async (now) => {
      clock.reads++;
      return overview(clock.users, now);
    },
    now: () => clock.now,
    every,
    policy: DEFAULT_EMISSION,
  });
  const settle = () => new Promise((r) => setImmediate(r));
  async function advance(ms: number) {
    const end = clock.now + ms;
    for (;;) {
      const due = [...timers].filter((t) => t.next <= end).sort((a, b) => a.next - b.next)[0];
      if (due === undefined) break;
      clock.now = due.next;
      due.next += due.ms;
      due.tick();
      await settle();
    }
    clock.now = end;
    await settle();
  }
  return { hub, clock, timers, advance, settle };
}

/** Collects what a watch stream yields, with the clock time of each. */
function collect(h: ReturnType<typeof manualHub>, signal: AbortSignal) {
  const got: { at: number; users: number }[] = [];
  void (async () => {
    for await (const o of h.hub.watch(signal)) got.push({ at: h.clock.now, users: o.activeUsers });
  })();
  return got;
}

describe('overview hub', () => {
  it('sends at once, then coalesces changes to one message per 250 ms', async () => {
    const h = manualHub();
    const stop = new AbortController();
    const got = collect(h, stop.signal);
    await h.settle();
    expect(got).toEqual([{ at: 0, users: 1 }]);
    // Changes every 10 ms for a second: four messages, the newest value each time.
    for (let t = 0; t < 1000; t += 10) {
      h.clock.users++;
      h.hub.poke();
      await h.advance(10);
    }
    expect(got.map((g) => g.at)).toEqual([0, 250, 500, 750, 1000]);
    const gaps = got.slice(1).map((g, i) => g.at - (got[i]?.at ?? 0));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(250);
    expect(got.at(-1)?.users).toBe(h.clock.users);
    stop.abort();
  });

  it('sends a heartbeat within 5 s when nothing changes, and nothing in between', async () => {
    const h = manualHub();
    const stop = new AbortController();
    const got = collect(h, stop.signal);
    await h.settle();
    await h.advance(12_000);
    expect(got.map((g) => g.at)).toEqual([0, 4_750, 9_500]);
    stop.abort();
  });

  it('reads once per poll however many streams watch, and stops polling when the last one leaves', async () => {
    const h = manualHub();
    const streams = Array.from({ length: 1000 }, () => new AbortController());
    const got = streams.map((s) => collect(h, s.signal));
    await h.settle();
    const before = h.clock.reads;
    await h.advance(1_000);
    expect(h.clock.reads - before).toBe(4);
    expect(h.hub.watchers).toBe(1000);
    expect(got.every((g) => g.length === 1)).toBe(true);
    for (const s of streams) s.abort();
    await h.settle();
    expect(h.hub.watchers).toBe(0);
    expect(h.timers.size).toBe(0);
  });
});
