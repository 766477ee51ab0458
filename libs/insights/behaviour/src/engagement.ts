import type { JourneySession } from './journey.js';

const DAY = 86_400_000;

export interface EngagementOptions {
  /** Epoch ms the score is computed at. */
  readonly now: number;
  /** Days after which the recency component halves; default 14. */
  readonly recencyHalfLifeDays?: number;
  /** Sessions in the last 30 days that earn the full frequency component; default 10. */
  readonly fullFrequencySessions?: number;
  /** Average events per session that earn the full depth component; default 10. */
  readonly fullDepthEvents?: number;
  /** Revenue (shop currency) that earns the full monetary component; default 500. */
  readonly fullMonetary?: number;
}

/** Four components of 0-25 each and their sum, the 0-100 score. */
export interface Engagement {
  readonly score: number;
  readonly recency: number;
  readonly frequency: number;
  readonly depth: number;
  readonly monetary: number;
}

/**
 * The engagement score, 0-100, the sum of four components of 0-25:
 * - recency = 25 × 0.5^(days since the last event / 14): 25 today, 12.5 two weeks ago;
 * - frequency = 25 × min(1, sessions started in the 30 days before `now` / 10);
 * - depth = 25 × min(1, average events per session / 10);
 * - monetary = 25 × min(1, total purchase revenue / 500).
 * A user with no events scores 0 on every component.
 */
export function engagementScore(sessions: readonly JourneySession[], opts: EngagementOptions): Engagement {
  if (sessions.length === 0) return { score: 0, recency: 0, frequency: 0, depth: 0, monetary: 0 };
  const halfLife = opts.recencyHalfLifeDays ?? 14;
  const fullFrequency = opts.fullFrequencySessions ?? 10;
  const fullDepth = opts.fullDepthEvents ?? 10;
  const fullMonetary = opts.fullMonetary ?? 500;
  const last = Math.max(...sessions.map((s) => s.end));
  const days = Math.max(0, opts.now - last) / DAY;
  const recency = 25 * 0.5 ** (days / halfLife);
  const recent = sessions.filter((s) => s.start > opts.now - 30 * DAY && s.start <= opts.now).length;
  const frequency = 25 * Math.min(1, recent / fullFrequency);
  let events = 0;
  let revenue = 0;
  for (const s of sessions) {
    events += s.events.length;
    for (const e of s.events) revenue += e.value;
  }
  const depth = 25 * Math.min(1, events / sessions.length / fullDepth);
  const monetary = 25 * Math.min(1, Math.max(0, revenue) / fullMonetary);
  return { score: recency + frequency + depth + monetary, recency, frequency, depth, monetary };
}
