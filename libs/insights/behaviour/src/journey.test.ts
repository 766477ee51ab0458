import { describe, expect, it } from 'vitest';
import { engagementScore } from './engagement.js';
import { sessionize, type JourneyEvent } from './journey.js';

const ev = (id: string, sec: number, sessionId: string, extra: Partial<JourneyEvent> = {}): JourneyEvent => ({
  eventId: id,
  type: 'page_view',
  ts: sec * 1000,
  sessionId,
  channel: '',
  page: '',
  productId: '',
  orderId: '',
  value: 0,
  ...extra,
});
const events = [
  ev('e1', 0, 's1', { channel: 'email' }),
  ev('e2', 100, 's1', { channel: 'direct' }),
  ev('e3', 200, 's2'),
  ev('e4', 300, ''),
  ev('e5', 300 + 3601, '', { channel: 'organic' }),
  ev('e6', 300 + 3661, '', { type: 'purchase', orderId: 'o1', value: 125 }),
];

describe('sessionize', () => {
  it('trusts client session ids and splits id-less events on a gap longer than the timeout', () => {
    const sessions = sessionize(events, 3600);
    expect(
      sessions.map((s) => [s.sessionId, s.channel, s.events.map((e) => e.eventId), s.start, s.end]),
    ).toEqual([
      ['s1', 'email', ['e1', 'e2'], 0, 100_000],
      ['s2', '', ['e3', 'e4'], 200_000, 300_000],
      ['auto-1', 'organic', ['e5', 'e6'], 3_901_000, 3_961_000],
    ]);
    expect(sessionize(events, 3601).map((s) => s.sessionId)).toEqual(['s1', 's2']);
  });
});

describe('engagementScore', () => {
  it('sums recency, frequency, depth and monetary components of 0-25 each', () => {
    const sessions = sessionize(events, 3600);
    const now = 3_961_000 + 14 * 86_400_000;
    expect(engagementScore(sessions, { now })).toEqual({
      score: 12.5 + 7.5 + 5 + 6.25,
      recency: 12.5,
      frequency: 7.5,
      depth: 5,
      monetary: 6.25,
    });
    // 31 days after the last session starts nothing is recent; 1000 of revenue caps monetary at 25.
    const rich = sessionize([...events, ev('e7', 4000, '', { value: 875 })], 3600);
    const later = engagementScore(rich, { now: 4_000_000 + 31 * 86_400_000 });
    expect(later.frequency).toBe(0);
    expect(later.monetary).toBe(25);
    expect(later.recency).toBeCloseTo(25 * 0.5 ** (31 / 14), 12);
    expect(engagementScore([], { now })).toEqual({
      score: 0,
      recency: 0,
      frequency: 0,
      depth: 0,
      monetary: 0,
    });
  });
});
