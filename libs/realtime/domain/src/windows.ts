import { FUNNEL_STEPS } from './live-event.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/** Starts of the last `count` minutes, oldest first, the current (partial) minute last. */
export function minuteStarts(nowMs: number, count = 30): number[] {
  const current = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS;
  return Array.from({ length: count }, (_, i) => current - (count - 1 - i) * MINUTE_MS);
}

/**
 * The conversion windows covering the last hour: REALTIME_WINDOW_SECONDS-sized, aligned to the epoch,
 * oldest first, the current (partial) window last. A window of an hour or more gives one window.
 */
export function conversionWindows(nowMs: number, windowMs: number): { startMs: number; endMs: number }[] {
  const count = Math.max(1, Math.ceil(HOUR_MS / windowMs));
  const current = Math.floor(nowMs / windowMs) * windowMs;
  return Array.from({ length: count }, (_, i) => {
    const startMs = current - (count - 1 - i) * windowMs;
    return { startMs, endMs: startMs + windowMs };
  });
}

export interface StepCount {
  readonly step: string;
  readonly count: number;
  /** Share (0-100) of the first step's count; 0 when the first step has none. */
  readonly rate: number;
}

/** Funnel step counts (in FUNNEL_STEPS order) with each step's rate against the first. */
export function funnelRates(counts: readonly number[]): StepCount[] {
  const first = counts[0] ?? 0;
  return FUNNEL_STEPS.map((step, i) => {
    const count = counts[i] ?? 0;
    return { step, count, rate: first === 0 ? 0 : (count / first) * 100 };
  });
}
