/** WatchOverview's pacing: at most one message per `minIntervalMs`, at least one per `heartbeatMs`. */
export interface EmissionPolicy {
  readonly minIntervalMs: number;
  readonly heartbeatMs: number;
  /** How often the overview is re-read; a heartbeat is sent a poll early so none is ever late. */
  readonly pollMs: number;
}

export const DEFAULT_EMISSION: EmissionPolicy = { minIntervalMs: 250, heartbeatMs: 5_000, pollMs: 250 };

/**
 * Whether a stream that last sent at `lastSentAtMs` (undefined: never) sends now. A change goes out once
 * the minimum interval has passed; an unchanged overview goes out as a heartbeat when the next poll
 * would be too late for the heartbeat deadline.
 */
export function shouldEmit(
  policy: EmissionPolicy,
  nowMs: number,
  lastSentAtMs: number | undefined,
  changed: boolean,
): boolean {
  if (lastSentAtMs === undefined) return true;
  const elapsed = nowMs - lastSentAtMs;
  if (elapsed < policy.minIntervalMs) return false;
  return changed || elapsed + policy.pollMs >= policy.heartbeatMs;
}
