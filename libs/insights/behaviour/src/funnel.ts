import { quantile } from '@broxiva/insights-domain';

/** One stored event as the funnel sees it: its type, time and the properties step filters look at. */
export interface FunnelEvent {
  readonly type: string;
  /** Epoch milliseconds. */
  readonly ts: number;
  /** Property values step filters compare against (missing or null never matches). */
  readonly props?: Readonly<Record<string, string | null | undefined>>;
  /** The breakdown dimension's value on this event ('' when none). */
  readonly dim?: string;
}

export interface StepFilter {
  readonly property: string;
  /** The event matches when its property equals one of these. */
  readonly values: readonly string[];
}

export interface FunnelStepDef {
  readonly name: string;
  readonly eventType: string;
  readonly filters?: readonly StepFilter[];
  /** Most seconds allowed since the previous step; 0 or absent = no limit (ordered and strict modes). */
  readonly withinSeconds?: number;
}

/**
 * - `ordered`: the steps in order; any other events (funnel steps included) may happen between them.
 * - `strict`: the steps in order with no other funnel-step event between two consecutive steps.
 * - `any-order`: the steps in any order; step k counts users who did k distinct steps.
 */
export type FunnelMode = 'ordered' | 'strict' | 'any-order';

export interface FunnelSpec {
  readonly steps: readonly FunnelStepDef[];
  readonly mode: FunnelMode;
  /** The whole funnel must be done within this many seconds of entering it (the attempt's first event). */
  readonly windowSeconds: number;
  /** Event types that end an attempt: nothing at or after the first one counts. */
  readonly exclusions?: readonly string[];
}

/** One user's best attempt: how many steps they reached and when (ms after entering) each was reached. */
export interface UserFunnelResult {
  /** 0 = never entered; n = converted. */
  readonly reached: number;
  /** offsets[k] = ms from entering the funnel to reaching step k (offsets[0] = 0), for k < reached. */
  readonly offsets: readonly number[];
  /** The breakdown value on the event the attempt entered with. */
  readonly dim: string;
}

export function matchesStep(e: FunnelEvent, step: FunnelStepDef): boolean {
  if (e.type !== step.eventType) return false;
  for (const f of step.filters ?? []) {
    const v = e.props?.[f.property];
    if (v === null || v === undefined || !f.values.includes(v)) return false;
  }
  return true;
}

/**
 * A user's funnel progress over their events (sorted by time, ties in a stable order). Every event that
 * matches the first step (any step in any-order mode) starts an attempt; the user's result is the attempt
 * that reaches the most steps, the earliest one on ties. The time reported for step k is when it was
 * first reachable in that attempt.
 */
export function evaluateUserFunnel(events: readonly FunnelEvent[], spec: FunnelSpec): UserFunnelResult {
  return funnelEvaluator(spec)(events);
}

/**
 * `evaluateUserFunnel` for one spec over many users: what depends only on the spec (the exclusions, the
 * step table's memory) is made once, not once per user.
 */
export function funnelEvaluator(spec: FunnelSpec): (events: readonly FunnelEvent[]) => UserFunnelResult {
  const n = spec.steps.length;
  const excluded = new Set(spec.exclusions ?? []);
  const matches = new Matches(spec.steps);
  const none: UserFunnelResult = { reached: 0, offsets: [], dim: '' };
  return (events) => {
    matches.fill(events);
    let best = none;
    for (let s = 0; s < events.length; s++) {
      const canStart = spec.mode === 'any-order' ? matches.any(s) : matches.is(s, 0);
      if (!canStart) continue;
      // The attempt sees events from its start up to the window's end or the first exclusion.
      const limit = events[s]!.ts + spec.windowSeconds * 1000;
      let end = s + 1;
      while (end < events.length && events[end]!.ts <= limit && !excluded.has(events[end]!.type)) end++;
      const offsets =
        spec.mode === 'ordered'
          ? orderedAttempt(events, matches, spec.steps, s, end)
          : spec.mode === 'strict'
            ? strictAttempt(events, matches, spec.steps, s, end)
            : anyOrderAttempt(events, matches, s, end);
      if (offsets.length > best.reached) {
        best = { reached: offsets.length, offsets, dim: events[s]!.dim ?? '' };
        if (offsets.length === n) break;
      }
    }
    return best;
  };
}

/**
 * Which of a user's events match which steps: one flat table, reused from user to user (a funnel reads
 * 100k+ users). Steps without filters match on the event type alone, looked up once per event.
 */
class Matches {
  private table = new Uint8Array(1024);
  private readonly steps: number;
  /** For an event type: a bit per step that matches every event of that type (steps without filters). */
  private readonly byType = new Map<string, number>();
  private readonly filtered: { readonly step: FunnelStepDef; readonly j: number }[] = [];

  constructor(defs: readonly FunnelStepDef[]) {
    if (defs.length > 30) throw new RangeError('a funnel has at most 30 steps');
    this.steps = defs.length;
    defs.forEach((step, j) => {
      if ((step.filters ?? []).length === 0) {
        this.byType.set(step.eventType, (this.byType.get(step.eventType) ?? 0) | (1 << j));
      } else {
        this.filtered.push({ step, j });
      }
    });
  }

  /** Makes the table that of `events`. */
  fill(events: readonly FunnelEvent[]): void {
    const size = events.length * this.steps;
    if (size > this.table.length) this.table = new Uint8Array(Math.max(size, this.table.length * 2));
    const t = this.table;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      const mask = this.byType.get(e.type) ?? 0;
      const row = i * this.steps;
      for (let j = 0; j < this.steps; j++) t[row + j] = (mask >>> j) & 1;
      for (const { step, j } of this.filtered) if (matchesStep(e, step)) t[row + j] = 1;
    }
  }

  /** Event i matches step j. */
  is(i: number, j: number): boolean {
    return this.table[i * this.steps + j] === 1;
  }

  /** Event i matches some step. */
  any(i: number): boolean {
    for (let j = 0; j < this.steps; j++) if (this.is(i, j)) return true;
    return false;
  }

  /** The first step event i matches that `done` does not hold; -1 when none. */
  firstNotDone(i: number, done: ReadonlySet<number>): number {
    for (let j = 0; j < this.steps; j++) if (this.is(i, j) && !done.has(j)) return j;
    return -1;
  }
}

/**
 * Which events can be step j: one matching step j after some reachable step j-1 event, within the step's
 * limit of it. The latest reachable step j-1 before an event is the best predecessor, so one sweep per
 * step is exact (taking the earliest match greedily is not, once per-step limits apply).
 */
function orderedAttempt(
  events: readonly FunnelEvent[],
  matches: Matches,
  steps: readonly FunnelStepDef[],
  s: number,
  end: number,
): number[] {
  const t0 = events[s]!.ts;
  const offsets = [0];
  let prev = [s];
  for (let j = 1; j < steps.length; j++) {
    const within = (steps[j]!.withinSeconds ?? 0) * 1000;
    const next: number[] = [];
    let p = -1; // index into prev of the latest reachable step j-1 event before i
    for (let i = s + 1; i < end; i++) {
      while (p + 1 < prev.length && prev[p + 1]! < i) p++;
      if (p < 0 || !matches.is(i, j)) continue;
      if (within > 0 && events[i]!.ts - events[prev[p]!]!.ts > within) continue;
      next.push(i);
    }
    if (next.length === 0) break;
    offsets.push(events[next[0]!]!.ts - t0);
    prev = next;
  }
  return offsets;
}

/** The next funnel-step event after step j must be step j+1 (within its limit), or the attempt ends. */
function strictAttempt(
  events: readonly FunnelEvent[],
  matches: Matches,
  steps: readonly FunnelStepDef[],
  s: number,
  end: number,
): number[] {
  const t0 = events[s]!.ts;
  const offsets = [0];
  let prevTs = t0;
  for (let i = s + 1; i < end && offsets.length < steps.length; i++) {
    if (!matches.any(i)) continue;
    const j = offsets.length;
    const within = (steps[j]!.withinSeconds ?? 0) * 1000;
    if (!matches.is(i, j) || (within > 0 && events[i]!.ts - prevTs > within)) break;
    offsets.push(events[i]!.ts - t0);
    prevTs = events[i]!.ts;
  }
  return offsets;
}

/** Each event completes the first not-yet-done step it matches; offsets[k] = when k+1 steps were done. */
function anyOrderAttempt(events: readonly FunnelEvent[], matches: Matches, s: number, end: number): number[] {
  const t0 = events[s]!.ts;
  const done = new Set<number>();
  const offsets: number[] = [];
  for (let i = s; i < end; i++) {
    const j = matches.firstNotDone(i, done);
    if (j < 0) continue;
    done.add(j);
    offsets.push(events[i]!.ts - t0);
  }
  return offsets;
}

export interface FunnelStepStats {
  readonly name: string;
  readonly count: number;
  /** Percent (0-100) of the first step's users. */
  readonly conversionRate: number;
  /** Percent (0-100) of the previous step's users who did not reach this one (0 for the first step). */
  readonly dropOffRate: number;
  /** Seconds from entering the funnel to reaching this step, over the users who reached it (0 for step 1). */
  readonly medianSecondsToConvert: number;
  readonly p90SecondsToConvert: number;
}

export interface FunnelReport {
  readonly steps: readonly FunnelStepStats[];
  /** Percent (0-100) of entrants who reached the last step. */
  readonly overallConversionRate: number;
}

const pct = (a: number, b: number) => (b === 0 ? 0 : (a * 100) / b);

/** Per-step counts, conversion, drop-off and time-to-convert percentiles (type 7) over users' results. */
export function summarizeFunnel(
  results: Iterable<UserFunnelResult>,
  steps: readonly FunnelStepDef[],
): FunnelReport {
  const summary = new FunnelSummary(steps);
  for (const r of results) summary.add(r);
  return summary.report();
}

/**
 * `summarizeFunnel` fed one user's result at a time: it keeps each step's times to convert in a growing
 * Float64Array rather than the results themselves, so a funnel over 100k+ users keeps no object per user
 * alive (garbage collection of such a heap was a large part of a funnel's time).
 */
export class FunnelSummary {
  private readonly times: Float64Array[];
  private readonly counts: number[];

  constructor(private readonly steps: readonly FunnelStepDef[]) {
    this.times = steps.map(() => new Float64Array(64));
    this.counts = steps.map(() => 0);
  }

  /** Users who entered the funnel so far. */
  get entrants(): number {
    return this.counts[0] ?? 0;
  }

  add(r: UserFunnelResult): void {
    for (let k = 0; k < r.reached; k++) {
      const n = this.counts[k]!;
      let t = this.times[k]!;
      if (n === t.length) {
        const grown = new Float64Array(n * 2);
        grown.set(t);
        this.times[k] = t = grown;
      }
      t[n] = r.offsets[k]! / 1000;
      this.counts[k] = n + 1;
    }
  }

  report(): FunnelReport {
    const { counts } = this;
    const out = this.steps.map((step, k) => {
      const times = this.times[k]!.subarray(0, counts[k]);
      return {
        name: step.name,
        count: counts[k]!,
        conversionRate: pct(counts[k]!, counts[0]!),
        dropOffRate: k === 0 ? 0 : pct(counts[k - 1]! - counts[k]!, counts[k - 1]!),
        medianSecondsToConvert: times.length === 0 ? 0 : quantile(times, 0.5),
        p90SecondsToConvert: times.length === 0 ? 0 : quantile(times, 0.9),
      };
    });
    return { steps: out, overallConversionRate: pct(counts[this.steps.length - 1] ?? 0, counts[0] ?? 0) };
  }
}

/** `FunnelSummary` per value of a breakdown dimension, fed one user's result at a time. */
export class FunnelBreakdown {
  private readonly groups = new Map<string, FunnelSummary>();

  constructor(private readonly steps: readonly FunnelStepDef[]) {}

  /** Adds a user's result to the group of `value`. */
  add(value: string, r: UserFunnelResult): void {
    let group = this.groups.get(value);
    if (group === undefined) this.groups.set(value, (group = new FunnelSummary(this.steps)));
    group.add(r);
  }

  /** Each group's report, largest groups (by entrants) first, ties by value. */
  reports(): { readonly value: string; readonly report: FunnelReport }[] {
    return [...this.groups.entries()]
      .sort(([a, x], [b, y]) => y.entrants - x.entrants || (a < b ? -1 : 1))
      .map(([value, group]) => ({ value, report: group.report() }));
  }
}

/** The built-in funnels, by name. */
export const NAMED_FUNNELS: Readonly<Record<string, readonly FunnelStepDef[]>> = {
  checkout: [
    { name: 'product_view', eventType: 'product_view' },
    { name: 'add_to_cart', eventType: 'add_to_cart' },
    { name: 'checkout_start', eventType: 'checkout_start' },
    { name: 'purchase', eventType: 'purchase' },
  ],
};

export const DEFAULT_FUNNEL_WINDOW_SECONDS = 7 * 86_400;
