import { seededRandom, type ConversionExample } from '@broxiva/insights-behaviour';

/**
 * `n` simulated users for the conversion model: activity drawn from a seeded PRNG, buyers more likely the
 * more they carted and the more recently they came. Enough of them make a training of a second or more.
 */
export function syntheticExamples(n: number, seed = 1): ConversionExample[] {
  const rnd = seededRandom(seed);
  // Inversion: the smallest k whose cumulative probability reaches a uniform draw.
  const poisson = (mean: number) => {
    const u = rnd();
    let k = 0;
    let p = Math.exp(-mean);
    let s = p;
    while (u > s && k < 1000) {
      k++;
      p *= mean / k;
      s += p;
    }
    return k;
  };
  return Array.from({ length: n }, (_, i) => {
    const sessions = 1 + poisson(1.5);
    const addToCarts = poisson(0.4 * sessions);
    const last = rnd() * 60;
    const events = sessions * (2 + poisson(3));
    const paid = Math.min(events, poisson(events * 0.2));
    const mobile = Math.min(events, poisson(events * 0.5));
    const logit = -3 + 0.9 * Math.log1p(addToCarts) + 0.4 * Math.log1p(sessions) - 0.05 * last;
    return {
      userId: `user_${i}`,
      label: rnd() < 1 / (1 + Math.exp(-logit)) ? 1 : 0,
      activity: {
        events,
        sessions,
        pageViews: events - addToCarts,
        productViews: Math.floor(events / 2),
        addToCarts,
        cartValue: addToCarts * 30,
        checkoutStarts: poisson(addToCarts * 0.5),
        orders: poisson(0.1),
        daysSinceFirstSeen: last + rnd() * 30,
        daysSinceLastSeen: last,
        recentSessions: last < 7 ? sessions : 0,
        recentAddToCarts: last < 7 ? addToCarts : 0,
        channelEvents: { direct: events - paid, paid },
        deviceEvents: { desktop: events - mobile, mobile },
      },
    } satisfies ConversionExample;
  });
}
