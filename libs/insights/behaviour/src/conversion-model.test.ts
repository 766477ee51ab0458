import { describe, expect, it } from 'vitest';
import { seededRandom as seeded } from './seeded-random.js';
import {
  CONVERSION_FEATURES,
  conversionFeatures,
  explainConversion,
  isHeldOut,
  NotEnoughTrainingDataError,
  trainConversionModel,
  type ConversionExample,
  type UserActivity,
} from './conversion-model.js';

const activity = (over: Partial<UserActivity> = {}): UserActivity => ({
  events: 10,
  sessions: 2,
  pageViews: 4,
  productViews: 3,
  addToCarts: 1,
  cartValue: 40,
  checkoutStarts: 0,
  orders: 0,
  daysSinceFirstSeen: 20,
  daysSinceLastSeen: 3,
  recentSessions: 1,
  recentAddToCarts: 0,
  channelEvents: { paid: 5, direct: 5 },
  deviceEvents: { mobile: 2, desktop: 8 },
  ...over,
});

/** Users whose true purchase log-odds are −1 + 1.5·log1p(add_to_cart) − 1·log1p(days since last seen). */
function simulate(n: number, seed: number): ConversionExample[] {
  const rnd = seeded(seed);
  return Array.from({ length: n }, (_, i) => {
    const addToCarts = Math.floor(rnd() * 5);
    const daysSinceLastSeen = rnd() * 30;
    const a = activity({
      sessions: 1 + Math.floor(rnd() * 4),
      addToCarts,
      cartValue: addToCarts * 30,
      daysSinceLastSeen,
      daysSinceFirstSeen: daysSinceLastSeen + rnd() * 30,
    });
    const eta = -1 + 1.5 * Math.log1p(addToCarts) - Math.log1p(daysSinceLastSeen);
    return { userId: `u${i}`, activity: a, label: rnd() < 1 / (1 + Math.exp(-eta)) ? 1 : 0 };
  });
}

describe('conversionFeatures', () => {
  it('log-transforms counts and turns channel and device events into shares', () => {
    const x = conversionFeatures(activity());
    const at = (name: string) => x[CONVERSION_FEATURES.findIndex((f) => f.name === name)];
    expect(x).toHaveLength(CONVERSION_FEATURES.length);
    expect(at('sessions')).toBeCloseTo(Math.log(3), 12);
    expect(at('cart_value')).toBeCloseTo(Math.log(41), 12);
    expect(at('orders')).toBe(0);
    expect(at('days_since_last_seen')).toBeCloseTo(Math.log(4), 12);
    expect(at('recent_sessions')).toBeCloseTo(Math.log(2), 12);
    expect(at('channel_paid')).toBe(0.5);
    expect(at('channel_email')).toBe(0);
    expect(at('device_mobile')).toBe(0.2);
    expect(conversionFeatures(activity({ events: 0, channelEvents: {}, deviceEvents: {} }))).not.toContain(
      Number.NaN,
    );
  });
});

describe('isHeldOut', () => {
  it('holds out about the asked share, the same users every time', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `user_${i}`);
    const held = ids.filter((id) => isHeldOut(id, 0.2)).length;
    expect(held / ids.length).toBeGreaterThan(0.19);
    expect(held / ids.length).toBeLessThan(0.21);
    expect(ids.filter((id) => isHeldOut(id, 0.2)).length).toBe(held);
    expect(ids.some((id) => isHeldOut(id, 0))).toBe(false);
  });
});

describe('trainConversionModel', () => {
  const m = trainConversionModel(simulate(20_000, 11), { l2: 1 });
  const coefficient = (name: string) => m.model.coefficients[m.features.indexOf(name)]!;

  it('splits 80/20, learns the signs that drive purchases and discriminates held-out users', () => {
    expect(m.trainingUsers + m.heldOutUsers).toBe(20_000);
    expect(m.heldOutUsers / 20_000).toBeCloseTo(0.2, 1);
    expect(m.model.converged).toBe(true);
    expect(coefficient('add_to_cart')).toBeGreaterThan(0.3);
    expect(coefficient('days_since_last_seen')).toBeLessThan(-0.3);
    // Features with no effect stay near 0 on the standardised scale.
    expect(Math.abs(coefficient('sessions'))).toBeLessThan(0.1);
    expect(m.heldOutAuc).toBeGreaterThan(0.75);
    expect(m.heldOutBrier).toBeGreaterThan(0);
    expect(m.heldOutBrier).toBeLessThan(m.trainingPositiveRate * (1 - m.trainingPositiveRate));
    // Calibrated: in every well-filled bin the observed rate is close to the mean prediction.
    for (const b of m.calibration.filter((b) => b.count >= 300)) {
      expect(Math.abs(b.observedRate - b.meanPredicted)).toBeLessThan(0.05);
    }
    expect(m.calibration.reduce((s, b) => s + b.count, 0)).toBe(m.heldOutUsers);
  });

  it('explains a prediction with its largest contributions first', () => {
    const hot = explainConversion(m, activity({ addToCarts: 4, cartValue: 120, daysSinceLastSeen: 0 }), 3);
    const cold = explainConversion(m, activity({ addToCarts: 0, cartValue: 0, daysSinceLastSeen: 29 }), 3);
    expect(hot.probability).toBeGreaterThan(cold.probability);
    expect(hot.contributions).toHaveLength(3);
    const sizes = hot.contributions.map((c) => Math.abs(c.contribution));
    expect([...sizes].sort((a, b) => b - a)).toEqual(sizes);
    const atc = hot.contributions.find((c) => c.feature === 'add_to_cart');
    expect(atc?.value).toBe(4);
    expect(atc!.contribution).toBeGreaterThan(0);
    expect(cold.contributions.find((c) => c.feature === 'days_since_last_seen')!.contribution).toBeLessThan(
      0,
    );
  });

  it('refuses to train without enough buyers', () => {
    const none = simulate(500, 2).map((e) => ({ ...e, label: 0 as const }));
    expect(() => trainConversionModel(none)).toThrow(NotEnoughTrainingDataError);
  });
});
