import { Code } from '@connectrpc/connect';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { createEventWriter, createPartitionManager } from '@broxiva/event-store';
import { withEventStoreDatabase } from '@broxiva/event-store/testing';
import {
  CONVERSION_FEATURES,
  conversionFeatures,
  isHeldOut,
  type UserActivity,
} from '@broxiva/insights-behaviour';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBehaviourStore, type BehaviourStore } from './adapters/event-store-behaviour.js';
import { createConversionModels, type ConversionModelSettings } from './conversion-models.js';
import { behaviourClient } from './testing/behaviour-client.js';
import { botRows, readClickstream, toEvent, type ClickRow } from './testing/clickstream.js';

const DAY = 86_400_000;
const NOW = new Date('2024-07-01T00:00:00Z');
const SETTINGS: ConversionModelSettings = {
  refreshMinutes: 60,
  lookbackDays: 90,
  maxTrainingUsers: 1_000_000,
};

let db: Awaited<ReturnType<typeof withEventStoreDatabase>>;
let store: BehaviourStore;
const rows = readClickstream();
const byUser = new Map<string, ClickRow[]>();
for (const r of rows) byUser.set(r.user, [...(byUser.get(r.user) ?? []), r]);

function client(now: () => Date = () => NOW, settings = SETTINGS) {
  return behaviourClient({ store, now, conversion: createConversionModels({ store, now, settings }) });
}

beforeAll(async () => {
  db = await withEventStoreDatabase();
  store = createBehaviourStore(db.pool);
  const write = createEventWriter({ pool: db.pool, partitions: createPartitionManager(db.pool) });
  // The crawler (is_bot) must not appear in any user's features.
  const events = [...rows, ...botRows(rows.length)].map(toEvent);
  for (let i = 0; i < events.length; i += 5000) await write(events.slice(i, i + 5000));
}, 120_000);

afterAll(async () => {
  await db.drop();
});

/** Brute force from the file: one user's activity in [cutoff − lookback, cutoff) and purchase label. */
function refActivity(ev: ClickRow[], cutoff: number, lookbackDays: number, horizonDays: number) {
  const inWindow = ev.filter((e) => e.ts >= cutoff - lookbackDays * DAY && e.ts < cutoff);
  if (inWindow.length === 0) return undefined;
  const n = (type: string) => inWindow.filter((e) => e.type === type).length;
  const by = (key: 'channel' | 'platform', v: string) => inWindow.filter((e) => e[key] === v).length;
  const times = inWindow.map((e) => e.ts);
  const recent = inWindow.filter((e) => e.ts >= cutoff - 7 * DAY);
  const activity: UserActivity = {
    events: inWindow.length,
    sessions: new Set(inWindow.map((e) => e.session)).size,
    pageViews: n('page_view'),
    productViews: n('product_view'),
    addToCarts: n('add_to_cart'),
    cartValue: 0,
    checkoutStarts: n('checkout_start'),
    orders: n('purchase'),
    daysSinceFirstSeen: (cutoff - Math.min(...times)) / DAY,
    daysSinceLastSeen: (cutoff - Math.max(...times)) / DAY,
    recentSessions: new Set(recent.map((e) => e.session)).size,
    recentAddToCarts: recent.filter((e) => e.type === 'add_to_cart').length,
    channelEvents: Object.fromEntries(
      ['direct', 'organic_search', 'paid', 'social', 'email', 'referral'].map((c) => [c, by('channel', c)]),
    ),
    deviceEvents: Object.fromEntries(['desktop', 'mobile', 'tablet'].map((d) => [d, by('platform', d)])),
  };
  const label = ev.some((e) => e.type === 'purchase' && e.ts >= cutoff && e.ts < cutoff + horizonDays * DAY)
    ? 1
    : 0;
  return { activity, label };
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

describe('conversion features from the event store', () => {
  it('equal a brute-force count over the file for every user, with the purchase label after the cutoff', async () => {
    const cutoff = Date.parse('2024-06-01T00:00:00Z');
    const { examples, population } = await store.conversionExamples({
      cutoff: new Date(cutoff),
      lookbackDays: 60,
      horizonDays: 30,
      maxUsers: 1_000_000,
    });
    const want = new Map(
      [...byUser.entries()].flatMap(([u, ev]) => {
        const r = refActivity(ev, cutoff, 60, 30);
        return r === undefined ? [] : [[u, r] as const];
      }),
    );
    expect(population).toBe(want.size);
    expect(examples.map((e) => e.userId).sort()).toEqual([...want.keys()].sort());
    for (const e of examples) {
      const w = want.get(e.userId)!;
      expect(e.label).toBe(w.label);
      expect({ ...e.activity, daysSinceFirstSeen: 0, daysSinceLastSeen: 0 }).toEqual({
        ...w.activity,
        daysSinceFirstSeen: 0,
        daysSinceLastSeen: 0,
      });
      expect(e.activity.daysSinceFirstSeen).toBeCloseTo(w.activity.daysSinceFirstSeen, 9);
      expect(e.activity.daysSinceLastSeen).toBeCloseTo(w.activity.daysSinceLastSeen, 9);
    }
    // Both classes are present, so the model below has something to learn.
    expect(examples.some((e) => e.label === 1) && examples.some((e) => e.label === 0)).toBe(true);
    // One user's activity reads the same definition.
    const one = await store.userActivity(examples[0]!.userId, new Date(cutoff), 60);
    expect(one).toEqual(examples[0]!.activity);
    expect(await store.userActivity('nobody', new Date(cutoff), 60)).toBeUndefined();
  });

  it('samples at most maxUsers, the same sample every time', async () => {
    const q = { cutoff: new Date('2024-06-01T00:00:00Z'), lookbackDays: 60, horizonDays: 30, maxUsers: 50 };
    const a = await store.conversionExamples(q);
    const b = await store.conversionExamples(q);
    expect(a.examples).toHaveLength(50);
    expect(a.population).toBeGreaterThan(50);
    expect(a.examples.map((e) => e.userId)).toEqual(b.examples.map((e) => e.userId));
  });
});

describe('GetConversionModel and the journey’s conversion probability', () => {
  const horizon = 30;
  const cutoff = NOW.getTime() - horizon * DAY;
  const examples = [...byUser.entries()].flatMap(([u, ev]) => {
    const r = refActivity(ev, cutoff, SETTINGS.lookbackDays, horizon);
    return r === undefined ? [] : [{ user: u, ...r }];
  });

  it('reports a time-split model whose held-out AUC and Brier score we can recompute by hand', async () => {
    const res = await client().getConversionModel({ horizonDays: horizon });
    const m = res.model!;
    expect(m.horizonDays).toBe(horizon);
    expect(timestampDate(m.cutoff!).getTime()).toBe(cutoff);
    expect(timestampDate(m.trainedAt!).getTime()).toBe(NOW.getTime());
    expect(m.lookbackDays).toBe(90);
    const held = examples.filter((e) => isHeldOut(e.user, 0.2));
    const train = examples.filter((e) => !isHeldOut(e.user, 0.2));
    expect(Number(m.heldOutUsers)).toBe(held.length);
    expect(Number(m.trainingUsers)).toBe(train.length);
    expect(m.trainingPositiveRate).toBeCloseTo(train.filter((e) => e.label === 1).length / train.length, 12);
    expect(res.coefficients.map((c) => c.feature)).toEqual(CONVERSION_FEATURES.map((f) => f.name));
    expect(res.converged).toBe(true);
    // Standardisation statistics are the training users' feature means.
    const x = train.map((e) => conversionFeatures(e.activity));
    res.coefficients.forEach((c, j) => {
      expect(c.mean).toBeCloseTo(x.reduce((s, r) => s + r[j]!, 0) / x.length, 9);
    });
    // Score the held-out users with the published coefficients and count pairs: AUC and Brier agree.
    const score = (a: UserActivity) =>
      sigmoid(
        conversionFeatures(a).reduce(
          (s, v, j) =>
            s +
            (res.coefficients[j]!.coefficient * (v - res.coefficients[j]!.mean)) /
              res.coefficients[j]!.stdDev,
          res.intercept,
        ),
      );
    const scored = held.map((e) => ({ p: score(e.activity), y: e.label }));
    let wins = 0;
    let pairs = 0;
    for (const a of scored)
      for (const b of scored)
        if (a.y === 1 && b.y === 0) {
          pairs++;
          wins += a.p > b.p ? 1 : a.p === b.p ? 0.5 : 0;
        }
    expect(m.heldOutAuc).toBeCloseTo(wins / pairs, 9);
    expect(m.heldOutBrier).toBeCloseTo(scored.reduce((s, e) => s + (e.p - e.y) ** 2, 0) / scored.length, 9);
    expect(m.calibration).toHaveLength(10);
    expect(m.calibration.reduce((s, b) => s + Number(b.count), 0)).toBe(held.length);
  });

  it('GetUserJourney returns the probability, the top contributions and the model behind them', async () => {
    const c = client();
    const model = await c.getConversionModel({ horizonDays: horizon });
    const user = 'user_0000';
    const res = await c.getUserJourney({ userId: user, conversionHorizonDays: horizon });
    const conv = res.conversion!;
    expect(res.conversionUnavailableReason).toBe('');
    // Features as of now (the cutoff of a prediction), from the file.
    const a = refActivity(byUser.get(user)!, NOW.getTime(), SETTINGS.lookbackDays, 0)!.activity;
    const x = conversionFeatures(a);
    const contributions = model.coefficients.map((k, j) => (k.coefficient * (x[j]! - k.mean)) / k.stdDev);
    const p = sigmoid(contributions.reduce((s, v) => s + v, model.intercept));
    expect(conv.probability).toBeCloseTo(p, 9);
    expect(res.conversionProbability).toBe(conv.probability);
    const top = contributions
      .map((v, j) => ({ feature: model.coefficients[j]!.feature, v }))
      .sort((l, r) => Math.abs(r.v) - Math.abs(l.v))
      .slice(0, 5);
    expect(conv.topContributions.map((t) => t.feature)).toEqual(top.map((t) => t.feature));
    conv.topContributions.forEach((t, i) => expect(t.contribution).toBeCloseTo(top[i]!.v, 9));
    expect(conv.model!.heldOutAuc).toBe(model.model!.heldOutAuc);
    expect(timestampDate(conv.model!.cutoff!).getTime()).toBe(cutoff);
  });

  it('says why there is no probability when nobody could be learnt from, and for a user idle too long', async () => {
    // Half a year after the data: nobody is active in the lookback window before the cutoff.
    const later = new Date('2025-03-01T00:00:00Z');
    const res = await client(() => later).getUserJourney({ userId: 'user_0000' });
    expect(res.conversion).toBeUndefined();
    expect(res.conversionProbability).toBe(0);
    expect(res.conversionUnavailableReason).toMatch(/at least 10 buyers/);
    await expect(client(() => later).getConversionModel({})).rejects.toMatchObject({
      code: Code.FailedPrecondition,
    });
    // A user last seen more than 90 days before now has no features; the default horizon is 7 days.
    const idle = [...byUser.entries()].find(([, ev]) => ev.every((e) => e.ts < NOW.getTime() - 90 * DAY))![0];
    const idleRes = await client().getUserJourney({ userId: idle });
    expect(idleRes.conversion).toBeUndefined();
    expect(idleRes.conversionUnavailableReason).toMatch(/no activity in the 90 days/);
  });

  it('InvalidArgument for a horizon outside 1-90 days', async () => {
    await expect(
      client().getUserJourney({ userId: 'user_0000', conversionHorizonDays: 91 }),
    ).rejects.toMatchObject({ code: Code.InvalidArgument });
    await expect(client().getConversionModel({ horizonDays: -1 })).rejects.toMatchObject({
      code: Code.InvalidArgument,
    });
  });
});

describe('createConversionModels', () => {
  it('trains once per horizon, serves the cached model, and retrains in the background when stale', async () => {
    let now = NOW.getTime();
    const models = createConversionModels({
      store,
      now: () => new Date(now),
      settings: { ...SETTINGS, refreshMinutes: 10 },
    });
    const [a, b] = await Promise.all([models.get(30), models.get(30)]);
    expect(a).toBe(b);
    now += 5 * 60_000;
    expect(await models.get(30)).toBe(a);
    // Stale: the old model at once, a new one (trained at the new time) shortly after.
    now += 6 * 60_000;
    expect(await models.get(30)).toBe(a);
    let fresh = a;
    for (let i = 0; i < 200 && fresh === a; i++) {
      await new Promise((r) => setTimeout(r, 25));
      fresh = await models.get(30);
    }
    expect(fresh).not.toBe(a);
    expect(fresh.trainedAt.getTime()).toBe(NOW.getTime() + 11 * 60_000);
    // Another horizon is another model.
    expect((await models.get(14)).horizonDays).toBe(14);
  });
});
