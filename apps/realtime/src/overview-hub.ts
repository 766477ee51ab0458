import { overviewChanged, shouldEmit, type EmissionPolicy, type Overview } from '@broxiva/realtime-domain';

/** Starts a repeating timer and returns its cancel function; injected so tests drive time by hand. */
export type Every = (ms: number, tick: () => void) => () => void;

export const realEvery: Every = (ms, tick) => {
  const t = setInterval(tick, ms);
  return () => clearInterval(t);
};

export interface OverviewHubDeps {
  readonly read: (nowMs: number) => Promise<Overview>;
  readonly now: () => number;
  readonly every: Every;
  readonly policy: EmissionPolicy;
  readonly onError?: (err: unknown) => void;
}

interface Watcher {
  lastSentAtMs: number | undefined;
  lastSent: Overview | undefined;
  /** The newest overview not yet taken by the stream: a single slot, so a slow client holds one value. */
  pending: Overview | undefined;
  wake: (() => void) | undefined;
}

/**
 * One poller per process behind every WatchOverview stream: it reads the overview once per poll while
 * anyone watches (not once per stream) and hands each stream what its pacing allows. Memory per stream
 * is constant: a stream that cannot keep up skips to the newest overview instead of queueing.
 */
export function createOverviewHub(deps: OverviewHubDeps) {
  const watchers = new Set<Watcher>();
  let stopTimer: (() => void) | undefined;
  let reading = false;

  async function poll(): Promise<void> {
    if (reading) return; // a slow read is not stacked up behind itself
    reading = true;
    try {
      const overview = await deps.read(deps.now());
      const now = deps.now();
      for (const w of watchers) {
        if (!shouldEmit(deps.policy, now, w.lastSentAtMs, overviewChanged(w.lastSent, overview))) continue;
        w.lastSentAtMs = now;
        w.lastSent = overview;
        w.pending = overview;
        w.wake?.();
      }
    } catch (err) {
      deps.onError?.(err);
    } finally {
      reading = false;
    }
  }

  const tick = (): void => void poll();

  function add(w: Watcher): void {
    watchers.add(w);
    if (stopTimer === undefined) stopTimer = deps.every(deps.policy.pollMs, tick);
    tick(); // the first overview right away, not a poll later
  }

  function remove(w: Watcher): void {
    watchers.delete(w);
    if (watchers.size === 0 && stopTimer !== undefined) {
      stopTimer();
      stopTimer = undefined;
    }
  }

  /** The overview stream of one client, until `signal` aborts. */
  async function* watch(signal: AbortSignal): AsyncGenerator<Overview> {
    const w: Watcher = { lastSentAtMs: undefined, lastSent: undefined, pending: undefined, wake: undefined };
    const aborted = new Promise<void>((resolve) =>
      signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    add(w);
    try {
      while (!signal.aborted) {
        if (w.pending === undefined) {
          await Promise.race([new Promise<void>((resolve) => (w.wake = resolve)), aborted]);
          w.wake = undefined;
          continue;
        }
        const next = w.pending;
        w.pending = undefined;
        yield next;
      }
    } finally {
      remove(w);
    }
  }

  return {
    watch,
    /** Streams currently watching. */
    get watchers(): number {
      return watchers.size;
    },
    /** Polls once now, e.g. right after this replica applied a batch. */
    poke: (): void => {
      if (watchers.size > 0) tick();
    },
    close(): void {
      stopTimer?.();
      stopTimer = undefined;
      for (const w of watchers) w.wake?.();
    },
  };
}

export type OverviewHub = ReturnType<typeof createOverviewHub>;
