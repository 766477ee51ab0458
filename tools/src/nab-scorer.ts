/**
 * The Numenta Anomaly Benchmark's scoring rules, ported from numenta/NAB (MIT, commit ea702d7):
 *  - `nab/sweeper.py`: `scaledSigmoid`, `Sweeper.calcSweepScore` (per-row weighted scores: inside a window
 *    the scaled sigmoid of the relative position, normalised so the window's left edge earns tpWeight;
 *    after a window the sigmoid of the distance past the previous window's right edge over its width − 1;
 *    before any window −1; rows in the probationary period dropped), `Sweeper.calcScoreByThreshold`
 *    (sweep of every threshold: a window counts its best, i.e. earliest, detection or −fnWeight if none;
 *    every detection outside a window adds its own negative score).
 *  - `nab/optimizer.py`: one threshold for the whole corpus, the one with the highest summed score.
 *  - `nab/scorer.py` + `Sweeper.scoreDataSet`: the per-file rows at that threshold.
 *  - `nab/runner.py` `normalize`: 100 × (raw − null) / (perfect − null), with perfect = windows × tpWeight
 *    (every window in the label file) and null the score of `nab/detectors/null` (a constant 0.5).
 *  - `nab/labeler.py` `applyWindows`/`checkWindows` and `nab/util.py` `getProbationPeriod`: windows of
 *    10 % of the file length divided by the number of anomalies, centred on each; the probationary
 *    period is min(⌊0.15 n⌋, 0.15 × 5000) rows.
 *  - `config/profiles.json`: the three application profiles.
 * A detection is a row whose anomaly score is ≥ the threshold (the sweep stores each threshold with every
 * row at or above it).
 */

export interface CostMatrix {
  readonly tpWeight: number;
  readonly fpWeight: number;
  readonly fnWeight: number;
}

/** `config/profiles.json`. */
export const NAB_PROFILES = {
  standard: { tpWeight: 1, fpWeight: 0.11, fnWeight: 1 },
  reward_low_FP_rate: { tpWeight: 1, fpWeight: 0.22, fnWeight: 1 },
  reward_low_FN_rate: { tpWeight: 1, fpWeight: 0.11, fnWeight: 2 },
} as const satisfies Record<string, CostMatrix>;

export type ProfileName = keyof typeof NAB_PROFILES;

/** `nab/runner.py`: probationaryPercent and windowSize. */
export const PROBATIONARY_PERCENT = 0.15;
export const WINDOW_SIZE = 0.1;

/** A window as inclusive row indices [first, last]. */
export type Window = readonly [number, number];

/** One data file with a detector's anomaly scores (0–1, one per row) and its label windows. */
export interface ScoredFile {
  readonly name: string;
  readonly scores: ArrayLike<number>;
  readonly windows: readonly Window[];
}

/** `nab/util.py` getProbationPeriod. */
export function probationaryLength(rows: number, percent = PROBATIONARY_PERCENT): number {
  return Math.min(Math.floor(percent * rows), percent * 5000);
}

/** `nab/sweeper.py` scaledSigmoid. */
export function scaledSigmoid(relativePosition: number): number {
  if (relativePosition > 3) return -1;
  return 2 / (1 + Math.exp(5 * relativePosition)) - 1;
}

/** A scorable row: its anomaly score, weighted sweep score and window (−1 outside every window). */
interface Row {
  readonly anomaly: number;
  readonly sweep: number;
  readonly window: number;
}

/**
 * `Sweeper.calcSweepScore`: one entry per row after the probationary period. Window ids are offset by
 * `windowBase` so several files can be swept together (NAB names them "file|start").
 */
function sweepRows(file: ScoredFile, cost: CostMatrix, windowBase: number, percent: number): Row[] {
  const n = file.scores.length;
  const maxTP = scaledSigmoid(-1);
  const probation = probationaryLength(n, percent);
  const rows: Row[] = [];
  let w = 0;
  let inWindow = -1;
  let prevRight: number | undefined;
  let prevWidth = 0;
  for (let i = 0; i < n; i++) {
    if (inWindow < 0 && w < file.windows.length && i === file.windows[w]![0]) inWindow = w++;
    let sweep: number;
    if (inWindow >= 0) {
      const [left, right] = file.windows[inWindow]!;
      const width = right - left + 1;
      sweep = (scaledSigmoid(-(right - i + 1) / width) * cost.tpWeight) / maxTP;
    } else {
      const unweighted =
        prevRight === undefined ? -1 : scaledSigmoid(Math.abs(prevRight - i) / (prevWidth - 1));
      sweep = unweighted * cost.fpWeight;
    }
    if (i >= probation)
      rows.push({ anomaly: file.scores[i]!, sweep, window: inWindow >= 0 ? windowBase + inWindow : -1 });
    if (inWindow >= 0 && i === file.windows[inWindow]![1]) {
      prevRight = i;
      prevWidth = file.windows[inWindow]![1] - file.windows[inWindow]![0] + 1;
      inWindow = -1;
    }
  }
  return rows;
}

export interface ThresholdScore {
  readonly threshold: number;
  readonly score: number;
  /** Row counts, as NAB reports them. */
  readonly tp: number;
  readonly tn: number;
  readonly fp: number;
  readonly fn: number;
}

/** `Sweeper.calcScoreByThreshold`: the score at every distinct threshold, from 1.1 (nothing flagged) down. */
function scoreByThreshold(rows: Row[], cost: CostMatrix): ThresholdScore[] {
  const sorted = rows.slice().sort((a, b) => b.anomaly - a.anomaly);
  const windowParts = new Map<number, number>();
  for (const r of sorted) if (r.window >= 0) windowParts.set(r.window, -cost.fnWeight);
  let windowSum = windowParts.size * -cost.fnWeight;
  let fpSum = 0;
  let tn = 0;
  let fn = 0;
  for (const r of sorted) {
    if (r.window < 0) tn++;
    else fn++;
  }
  let tp = 0;
  let fp = 0;
  let threshold = 1.1;
  const out: ThresholdScore[] = [];
  for (const r of sorted) {
    if (r.anomaly !== threshold) {
      out.push({ threshold, score: windowSum + fpSum, tp, tn, fp, fn });
      threshold = r.anomaly;
    }
    if (r.window >= 0) {
      tp++;
      fn--;
      const before = windowParts.get(r.window)!;
      if (r.sweep > before) {
        windowParts.set(r.window, r.sweep);
        windowSum += r.sweep - before;
      }
    } else {
      fp++;
      tn--;
      fpSum += r.sweep;
    }
  }
  out.push({ threshold, score: windowSum + fpSum, tp, tn, fp, fn });
  return out;
}

/** `nab/optimizer.py` optimizeThreshold: the corpus-wide threshold with the best summed score. */
export function optimizeThreshold(
  files: readonly ScoredFile[],
  cost: CostMatrix,
  percent = PROBATIONARY_PERCENT,
): ThresholdScore {
  const rows: Row[] = [];
  let base = 0;
  for (const f of files) {
    rows.push(...sweepRows(f, cost, base, percent));
    base += f.windows.length;
  }
  const all = scoreByThreshold(rows, cost);
  // Python's sorted(..., reverse=True) is stable: on equal scores the first (highest) threshold wins.
  let best = all[0]!;
  for (const s of all) if (s.score > best.score) best = s;
  return best;
}

/** `Sweeper.scoreDataSet`: one file's row at `threshold` (or the nearest higher threshold swept). */
export function scoreFile(
  file: ScoredFile,
  cost: CostMatrix,
  threshold: number,
  percent = PROBATIONARY_PERCENT,
): ThresholdScore {
  const all = scoreByThreshold(sweepRows(file, cost, 0, percent), cost);
  let prev: ThresholdScore | undefined;
  for (const s of all) {
    if (s.threshold === threshold) return s;
    if (s.threshold < threshold) return prev!;
    prev = s;
  }
  return prev!;
}

export interface ProfileResult {
  readonly threshold: number;
  readonly raw: number;
  readonly null: number;
  readonly perfect: number;
  /** 100 × (raw − null) / (perfect − null). */
  readonly normalised: number;
  readonly files: ReadonlyArray<{ readonly name: string } & ThresholdScore>;
}

/**
 * A detector's NAB result for one profile: optimise the threshold over the corpus, score each file at
 * it, and normalise against the null detector. `labelCount` is the number of windows in the label file
 * (NAB's tpCount), by default the windows given.
 */
export function scoreCorpus(
  files: readonly ScoredFile[],
  cost: CostMatrix,
  options: { readonly percent?: number; readonly labelCount?: number } = {},
): ProfileResult {
  const percent = options.percent ?? PROBATIONARY_PERCENT;
  const best = optimizeThreshold(files, cost, percent);
  const perFile = files.map((f) => ({ name: f.name, ...scoreFile(f, cost, best.threshold, percent) }));
  const raw = perFile.reduce((s, f) => s + f.score, 0);
  const nullFiles = files.map((f) => ({ ...f, scores: new Float64Array(f.scores.length).fill(0.5) }));
  const nullThreshold = optimizeThreshold(nullFiles, cost, percent).threshold;
  const nullScore = nullFiles.reduce((s, f) => s + scoreFile(f, cost, nullThreshold, percent).score, 0);
  const labelCount = options.labelCount ?? files.reduce((s, f) => s + f.windows.length, 0);
  const perfect = labelCount * cost.tpWeight;
  return {
    threshold: best.threshold,
    raw,
    null: nullScore,
    perfect,
    normalised: (100 * (raw - nullScore)) / (perfect - nullScore),
    files: perFile,
  };
}

/**
 * `nab/labeler.py` applyWindows + checkWindows: windows from anomaly row indices, each
 * ⌊0.1 × rows / anomalies⌋ long and centred on its anomaly (clipped to the file); a first window starting
 * before the probationary period ends is dropped, and overlapping neighbours are merged.
 */
export function windowsFromLabels(
  rows: number,
  anomalies: readonly number[],
  percent = PROBATIONARY_PERCENT,
): Window[] {
  if (anomalies.length === 0) return [];
  const length = Math.trunc((WINDOW_SIZE * rows) / anomalies.length);
  const windows: [number, number][] = anomalies.map((a) => [
    Math.max(Math.trunc(a - length / 2), 0),
    Math.min(Math.trunc(a + length / 2), rows - 1),
  ]);
  const probation = Math.floor(probationaryLength(rows, percent));
  if (windows[0]![0] < probation) windows.shift();
  let i = 0;
  while (windows.length - 1 > i) {
    if (windows[i + 1]![0] <= windows[i]![1]) {
      windows[i] = [windows[i]![0], windows[i + 1]![1]];
      windows.splice(i + 1, 1);
    }
    i++;
  }
  return windows;
}

/** Window limits given as timestamps (combined_windows.json) to row indices, by exact match as NAB does. */
export function windowsToIndices(
  timestamps: readonly number[],
  windows: ReadonlyArray<readonly [number, number]>,
): Window[] {
  const index = new Map<number, number>();
  timestamps.forEach((t, i) => index.set(t, i));
  return windows.map(([a, b]) => {
    const from = index.get(a);
    const to = index.get(b);
    if (from === undefined || to === undefined)
      throw new Error(`window ${new Date(a).toISOString()}..${new Date(b).toISOString()} is not on a row`);
    return [from, to] as const;
  });
}
