import { describe, expect, it } from 'vitest';
import {
  evaluateUserFunnel,
  FunnelBreakdown,
  funnelEvaluator,
  FunnelSummary,
  summarizeFunnel,
  type FunnelEvent,
  type FunnelMode,
  type FunnelStepDef,
} from './funnel.js';

const ev = (type: string, sec: number, props?: Record<string, string>, dim = ''): FunnelEvent => ({
  type,
  ts: sec * 1000,
  ...(props === undefined ? {} : { props }),
  dim,
});
const ABC: FunnelStepDef[] = [
  { name: 'a', eventType: 'A' },
  { name: 'b', eventType: 'B' },
  { name: 'c', eventType: 'C' },
];
const run = (
  events: FunnelEvent[],
  mode: FunnelMode,
  extra: { windowSeconds?: number; exclusions?: string[]; steps?: FunnelStepDef[] } = {},
) =>
  evaluateUserFunnel(events, {
    steps: extra.steps ?? ABC,
    mode,
    windowSeconds: extra.windowSeconds ?? 100,
    exclusions: extra.exclusions ?? [],
  });

describe('evaluateUserFunnel', () => {
  it('ordered mode lets other events sit between steps', () => {
    expect(run([ev('A', 0), ev('X', 5), ev('B', 10), ev('C', 30)], 'ordered')).toEqual({
      reached: 3,
      offsets: [0, 10_000, 30_000],
      dim: '',
    });
  });

  it('one sequence seen by the three modes: A, C, B', () => {
    const events = [ev('A', 0), ev('C', 5), ev('B', 10)];
    expect(run(events, 'ordered')).toMatchObject({ reached: 2, offsets: [0, 10_000] });
    // C is a funnel step between A and B: a strict attempt ends there.
    expect(run(events, 'strict')).toMatchObject({ reached: 1, offsets: [0] });
    expect(run(events, 'any-order')).toMatchObject({ reached: 3, offsets: [0, 5_000, 10_000] });
  });

  it('a repeated first step restarts a strict attempt but not an ordered one', () => {
    const events = [ev('A', 0), ev('A', 5), ev('B', 8)];
    expect(run(events, 'ordered')).toMatchObject({ reached: 2, offsets: [0, 8_000] });
    expect(run(events, 'strict')).toMatchObject({ reached: 2, offsets: [0, 3_000] });
  });

  it('the whole-funnel window counts from entering, and a later entry may convert', () => {
    expect(run([ev('A', 0), ev('B', 50), ev('C', 150)], 'ordered')).toMatchObject({ reached: 2 });
    expect(run([ev('A', 0), ev('A', 120), ev('B', 130), ev('C', 140)], 'ordered')).toMatchObject({
      reached: 3,
      offsets: [0, 10_000, 20_000],
    });
    expect(run([ev('A', 0), ev('B', 50), ev('C', 100)], 'ordered')).toMatchObject({ reached: 3 });
  });

  it('per-step limits pick the later predecessor when the earliest is too early', () => {
    const steps: FunnelStepDef[] = [ABC[0]!, ABC[1]!, { name: 'c', eventType: 'C', withinSeconds: 10 }];
    const events = [ev('A', 0), ev('B', 5), ev('B', 20), ev('C', 25)];
    expect(run(events, 'ordered', { steps })).toMatchObject({ reached: 3, offsets: [0, 5_000, 25_000] });
    expect(run(events, 'strict', { steps })).toMatchObject({ reached: 2 });
    expect(run([ev('A', 0), ev('B', 5), ev('C', 16)], 'ordered', { steps })).toMatchObject({ reached: 2 });
  });

  it('an exclusion ends the attempt; a later attempt still counts', () => {
    expect(run([ev('A', 0), ev('X', 5), ev('B', 10)], 'ordered', { exclusions: ['X'] })).toMatchObject({
      reached: 1,
    });
    const events = [ev('A', 0), ev('B', 5), ev('X', 7), ev('C', 10), ev('A', 20), ev('B', 21), ev('C', 22)];
    expect(run(events.slice(0, 4), 'ordered', { exclusions: ['X'] })).toMatchObject({ reached: 2 });
    expect(run(events, 'ordered', { exclusions: ['X'] })).toMatchObject({
      reached: 3,
      offsets: [0, 1_000, 2_000],
    });
    expect(run(events.slice(0, 4), 'any-order', { exclusions: ['X'] })).toMatchObject({ reached: 2 });
  });

  it('step filters match property values; the breakdown value is the entry event’s', () => {
    const steps: FunnelStepDef[] = [
      { name: 'p1 viewed', eventType: 'A', filters: [{ property: 'product', values: ['p1', 'p3'] }] },
      { name: 'b', eventType: 'B' },
    ];
    expect(run([ev('A', 0, { product: 'p2' }), ev('B', 5)], 'ordered', { steps })).toEqual({
      reached: 0,
      offsets: [],
      dim: '',
    });
    expect(
      run(
        [ev('A', 0, { product: 'p2' }, 'web'), ev('A', 10, { product: 'p1' }, 'app'), ev('B', 15)],
        'ordered',
        {
          steps,
        },
      ),
    ).toEqual({ reached: 2, offsets: [0, 5_000], dim: 'app' });
  });
});

describe('funnelEvaluator', () => {
  it('gives each user what a fresh evaluation gives, whatever users came before', () => {
    // A filtered step and an unfiltered one on the same event type, and a long user before short ones:
    // the reused step table must hold nothing of an earlier user.
    const steps: FunnelStepDef[] = [
      { name: 'view', eventType: 'V' },
      { name: 'view-shoes', eventType: 'V', filters: [{ property: 'cat', values: ['shoes'] }] },
      { name: 'buy', eventType: 'P' },
    ];
    const users: FunnelEvent[][] = [
      Array.from({ length: 200 }, (_, i) =>
        ev(i % 3 === 0 ? 'V' : 'P', i, i % 7 === 0 ? { cat: 'shoes' } : { cat: 'hats' }),
      ),
      [ev('V', 0, { cat: 'hats' }), ev('P', 1)],
      [ev('V', 0, { cat: 'shoes' }), ev('P', 1)],
      [ev('V', 0), ev('V', 1, { cat: 'shoes' }), ev('P', 2)],
      [],
    ];
    for (const mode of ['ordered', 'strict', 'any-order'] as const) {
      const spec = { steps, mode, windowSeconds: 100, exclusions: [] };
      const evaluate = funnelEvaluator(spec);
      const reused = users.map((u) => evaluate(u));
      const fresh = users.map((u) => evaluateUserFunnel(u, spec));
      expect(reused).toEqual(fresh);
      // Known answers. In order, one event is never two steps: a view of shoes then a purchase reaches
      // one step, a view and then a view of shoes all three. In any order the purchase counts as well.
      expect(reused.slice(1).map((r) => r.reached)).toEqual(
        mode === 'any-order' ? [2, 2, 3, 0] : [1, 1, 3, 0],
      );
    }
  });
});

describe('summarizeFunnel', () => {
  it('counts, conversion, drop-off and type-7 percentiles of seconds to convert', () => {
    const report = summarizeFunnel(
      [
        { reached: 3, offsets: [0, 10_000, 30_000], dim: '' },
        { reached: 2, offsets: [0, 8_000], dim: '' },
        { reached: 1, offsets: [0], dim: '' },
        { reached: 0, offsets: [], dim: '' },
      ],
      ABC,
    );
    expect(report.steps.map((s) => s.count)).toEqual([3, 2, 1]);
    expect(report.steps.map((s) => s.conversionRate)).toEqual([100, 200 / 3, 100 / 3]);
    expect(report.steps.map((s) => s.dropOffRate)).toEqual([0, 100 / 3, 50]);
    expect(report.steps.map((s) => s.medianSecondsToConvert)).toEqual([0, 9, 30]);
    expect(report.steps[1]!.p90SecondsToConvert).toBeCloseTo(9.8, 12);
    expect(report.overallConversionRate).toBe(100 / 3);
  });

  it('reports zeros, not NaN, when nobody entered', () => {
    const report = summarizeFunnel([], ABC);
    expect(report.steps.map((s) => [s.count, s.conversionRate, s.medianSecondsToConvert])).toEqual([
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(report.overallConversionRate).toBe(0);
  });

  it('fed one result at a time, past its first 64 per step, gives the sorted-list answer', () => {
    // 1,000 users: user i reaches 1 + i % 3 steps, step k after (i * 7919) % 1000 + k seconds.
    const results = Array.from({ length: 1000 }, (_, i) => {
      const reached = 1 + (i % 3);
      const offsets = Array.from(
        { length: reached },
        (_, k) => (k === 0 ? 0 : ((i * 7919) % 1000) + k) * 1000,
      );
      return { reached, offsets, dim: '' };
    });
    const summary = new FunnelSummary(ABC);
    results.forEach((r) => summary.add(r));
    expect(summary.entrants).toBe(1000);
    const report = summary.report();
    expect(report.steps.map((s) => s.count)).toEqual([1000, 666, 333]);
    // Brute force: type-7 quantiles of each step's sorted times.
    const q = (xs: number[], p: number) => {
      const s = [...xs].sort((a, b) => a - b);
      const pos = (s.length - 1) * p;
      const lo = Math.floor(pos);
      return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (pos - lo);
    };
    for (const k of [1, 2]) {
      const times = results.filter((r) => r.reached > k).map((r) => r.offsets[k]! / 1000);
      expect(report.steps[k]!.medianSecondsToConvert).toBeCloseTo(q(times, 0.5), 9);
      expect(report.steps[k]!.p90SecondsToConvert).toBeCloseTo(q(times, 0.9), 9);
    }
    expect(report).toEqual(summarizeFunnel(results, ABC));
  });
});

describe('FunnelBreakdown', () => {
  it('reports each value as its own summary, largest groups first and ties by value', () => {
    const r = (reached: number) => ({ reached, offsets: [0, 5_000, 9_000].slice(0, reached), dim: '' });
    const b = new FunnelBreakdown(ABC);
    const fed: [string, number][] = [
      ['mobile', 3],
      ['web', 1],
      ['app', 2],
      ['web', 2],
      ['mobile', 1],
      ['app', 1],
    ];
    fed.forEach(([value, reached]) => b.add(value, r(reached)));
    const reports = b.reports();
    // Two entrants each: by name. One more for web puts it first.
    expect(reports.map((x) => x.value)).toEqual(['app', 'mobile', 'web']);
    for (const { value, report } of reports) {
      const own = fed.filter(([v]) => v === value).map(([, reached]) => r(reached));
      expect(report).toEqual(summarizeFunnel(own, ABC));
    }
    b.add('web', r(1));
    expect(b.reports()[0]!.value).toBe('web');
  });
});
