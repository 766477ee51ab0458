import { sortedWindow, type SortedWindow } from './sorted-window.js';

export interface StreamOptions {
  /** Cycle length in points (24 for hourly data with a daily cycle); 1 for none. */
  readonly period: number;
  /** Points scored 0 at the start while the baseline and the history of deviations fill. */
  readonly warmup: number;
  /** Points in the baseline whose median and interquartile spread judge the next point. */
  readonly longWindow: number;
  /** Points whose median is compared with the baseline to catch level shifts. */
  readonly shortWindow: number;
  /** After a detection the next this many points score 0 (one alert per event), then the baseline restarts. */
  readonly suppress: number;
  /** Detections start suppressing only after this many points (earlier ones are still being learnt). */
  readonly suppressFrom: number;
  /** Quantile of the series' own past |z| a deviation is measured against (its "usual worst"). */
  readonly refQuantile: number;
  /** Past |z| values kept for that quantile. */
  readonly history: number;
  /** Repeat check: a value within `echoTolerance` points of this lag back is not news; 0 turns it off. */
  readonly echo: number;
  readonly echoTolerance: number;
}

export interface StreamScores {
  /**
   * 0–1, r / (1 + r) where r is |z| over the `refQuantile` of the series' past |z|: 0.5 means as unusual as
   * the worst 0.2 % of what came before. 0 in the warm-up, while suppressed, and for missing points.
   */
  readonly score: Float64Array;
  /** What the baseline expected each point to be, in the series' units (NaN where not judged). */
  readonly expected: Float64Array;
  /** The robust spread (σ estimate, from the interquartile range) the deviation is measured in. */
  readonly scale: Float64Array;
  /** Signed deviation in robust σ: the larger of the point's own and the short-window median's. */
  readonly z: Float64Array;
}

/**
 * Defaults chosen on the NAB corpus files in ../shared/datasets/nab (see tools/src/bench-anomaly.ts): the
 * windows are in points of the series, so they suit a series of some thousands of points.
 */
export const STREAM_DEFAULTS: StreamOptions = {
  period: 1,
  warmup: 30,
  longWindow: 600,
  shortWindow: 6,
  suppress: 50,
  suppressFrom: 100,
  refQuantile: 0.998,
  history: 5000,
  echo: 288,
  echoTolerance: 16,
};

/** Fewest baseline points before a point is judged. */
const MIN_BASE = 30;
const IQR_TO_SIGMA = 1 / 1.349;

/**
 * Causal anomaly scores: each point is judged only against the points before it.
 *  - Signal: the value, or with a cycle the change from the same phase one cycle earlier.
 *  - Baseline: median and interquartile spread of the last `longWindow` signal points. A point deviates
 *    by the larger of its own robust z (spikes) and the z of the median of the last `shortWindow` points
 *    (level shifts: a lone spike does not move that median, a shift does within a few points).
 *  - Repeat check: if about `echo` points back the series held about the same value, the deviation is
 *    only the distance to that value (a daily batch job is not an anomaly on its second day).
 *  - Per-series scale: |z| is divided by the `refQuantile` of the series' own past |z|, so a spiky series
 *    must outdo its usual spikes while a quiet one alerts on smaller moves.
 *  - One alert per event: after a detection (r ≥ 1) the next `suppress` points score 0, and the baseline
 *    restarts from them, so a level shift that persists becomes the new normal.
 * O(n · (longWindow + history)) in the worst case by array shifts; a few ms for 10,000 points.
 */
export function scoreStream(values: ArrayLike<number>, options: Partial<StreamOptions> = {}): StreamScores {
  const o = { ...STREAM_DEFAULTS, ...options };
  const n = values.length;
  const period = Math.max(1, Math.round(o.period));
  const score = new Float64Array(n);
  const expected = new Float64Array(n).fill(NaN);
  const scale = new Float64Array(n).fill(NaN);
  const z = new Float64Array(n);
  const signal = new Float64Array(n).fill(NaN);
  // The values later points are compared with one cycle on: an outlier is replaced by what was expected,
  // so a spike does not come back as a drop one cycle later.
  const clean = Float64Array.from(values);
  let base: SortedWindow = sortedWindow(o.longWindow);
  const recent = sortedWindow(o.shortWindow);
  const pastPoint = sortedWindow(o.history);
  const pastShift = sortedWindow(o.history);
  let seen = 0;
  let lo = Infinity;
  let hi = -Infinity;
  let quiet = 0;
  for (let t = 0; t < n; t++) {
    const raw = values[t]!;
    const prior = period > 1 ? clean[t - period] : 0;
    if (!Number.isFinite(raw) || prior === undefined || !Number.isFinite(prior)) continue;
    const x = raw - prior;
    recent.push(x);
    if (base.size >= MIN_BASE) {
      const m = base.quantile(0.5);
      const s = Math.max((base.quantile(0.75) - base.quantile(0.25)) * IQR_TO_SIGMA, floor(lo, hi, m));
      const zPoint = (x - m) / s;
      const zShift = (recent.quantile(0.5) - m) / s;
      let aP = Math.abs(zPoint);
      let aS = Math.abs(zShift);
      if (o.echo > 0 && t >= o.echo + o.echoTolerance) {
        let near = Infinity;
        for (let k = t - o.echo - o.echoTolerance; k <= t - o.echo + o.echoTolerance; k++) {
          const d = Math.abs(raw - values[k]!);
          if (d < near) near = d;
        }
        aP = Math.min(aP, near / s);
        aS = Math.min(aS, near / s);
      }
      expected[t] = prior + m;
      scale[t] = s;
      z[t] = aS > aP ? Math.sign(zShift) * aS : Math.sign(zPoint) * aP;
      const r = Math.max(
        aP / Math.max(pastPoint.quantile(o.refQuantile), 1),
        aS / Math.max(pastShift.quantile(o.refQuantile), 1),
      );
      if (quiet > 0) {
        quiet--;
        if (quiet === 0) base = rebuild(signal, t - o.suppress, t, o.longWindow);
      } else {
        if (seen >= o.warmup) score[t] = r / (1 + r);
        if (r >= 1 && seen >= o.suppressFrom) {
          quiet = o.suppress;
          clean[t] = prior + m;
        }
      }
      pastPoint.push(aP);
      pastShift.push(aS);
    }
    base.push(x);
    signal[t] = x;
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
    seen++;
  }
  return { score, expected, scale, z };
}

/** A baseline from the signal points in [from, to). */
function rebuild(signal: Float64Array, from: number, to: number, capacity: number): SortedWindow {
  const w = sortedWindow(capacity);
  for (let k = Math.max(0, from); k < to; k++) if (Number.isFinite(signal[k]!)) w.push(signal[k]!);
  return w;
}

/** A flat history has no spread; a change should still score, so σ never drops below this. */
function floor(lo: number, hi: number, m: number): number {
  const range = Number.isFinite(hi - lo) ? hi - lo : 0;
  return Math.max(1e-3 * range, 1e-6 * Math.abs(m), 1e-9);
}

/**
 * The dominant cycle of a series, from its autocorrelation: the lag in [minLag, maxLag] with the highest
 * autocorrelation if that is a local peak of at least `minCorrelation`, else 1 (no cycle). Run it on a
 * prefix (e.g. a warm-up) to stay causal.
 */
export function detectPeriod(
  values: ArrayLike<number>,
  minLag = 4,
  maxLag = Math.floor(values.length / 2),
  minCorrelation = 0.5,
): number {
  const n = values.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i]!;
  mean /= n;
  let den = 0;
  for (let i = 0; i < n; i++) den += (values[i]! - mean) ** 2;
  if (!(den > 0)) return 1;
  const top = Math.min(maxLag + 1, n - 1);
  const acf = new Float64Array(top + 2);
  for (let k = 1; k <= top; k++) {
    let num = 0;
    for (let i = k; i < n; i++) num += (values[i]! - mean) * (values[i - k]! - mean);
    acf[k] = num / den;
  }
  let best = 1;
  let bestR = minCorrelation;
  for (let k = Math.max(2, minLag); k <= Math.min(maxLag, top - 1); k++) {
    if (acf[k]! >= bestR && acf[k]! >= acf[k - 1]! && acf[k]! >= acf[k + 1]!) {
      best = k;
      bestR = acf[k]!;
    }
  }
  return best;
}
