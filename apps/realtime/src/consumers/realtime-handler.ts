import { decodeEventBatch, type Event } from '@broxiva/contracts';
import { planLiveUpdate, type LivePolicy, type LiveUpdate, type SkipReason } from '@broxiva/realtime-domain';
import type { ApplyResult } from '../adapters/redis-live-writer.js';
import { toLiveEvent } from './live-event-mapping.js';

const YIELD_AFTER_MS = 5;

/** What the handler needs of a bus message. */
export interface IncomingMessage {
  readonly data: Uint8Array;
}

export type LiveOutcome = { kind: 'ok' } | { kind: 'dead-letter'; reason: string };

export interface BatchReport {
  readonly events: readonly Event[];
  readonly result: ApplyResult;
  readonly skipped: Readonly<Partial<Record<SkipReason, number>>>;
  readonly appliedAtMs: number;
}

export interface RealtimeHandlerDeps {
  readonly policy: LivePolicy;
  readonly apply: (updates: readonly LiveUpdate[], nowMs: number) => Promise<ApplyResult>;
  readonly now: () => number;
  readonly onApplied?: (report: BatchReport) => void;
}

/**
 * Decodes a batch of bus messages (each an EventBatch), plans every event and applies the whole batch to
 * Redis in one pipelined round trip; acks go out only after Redis answered. Redis down: throws, the
 * consumer naks and JetStream redelivers; the writer skips what did land. An undecodable message is
 * dead-lettered.
 */
export function createRealtimeHandler(deps: RealtimeHandlerDeps) {
  return async function handle(batch: readonly IncomingMessage[]): Promise<LiveOutcome[]> {
    const now = deps.now();
    const outcomes: LiveOutcome[] = [];
    const events: Event[] = [];
    for (const msg of batch) {
      try {
        events.push(...decodeEventBatch(msg.data).events);
        outcomes.push({ kind: 'ok' });
      } catch (e) {
        outcomes.push({ kind: 'dead-letter', reason: `undecodable message: ${(e as Error).message}` });
      }
    }
    const updates: LiveUpdate[] = [];
    const skipped: Partial<Record<SkipReason, number>> = {};
    let slice = performance.now();
    for (const event of events) {
      const plan = planLiveUpdate(toLiveEvent(event), deps.policy, now);
      if (plan.kind === 'apply') updates.push(plan.update);
      else skipped[plan.reason] = (skipped[plan.reason] ?? 0) + 1;
      // A backlog batch can hold tens of thousands of events: let RPCs in between every ~5 ms of work.
      if (performance.now() - slice > YIELD_AFTER_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        slice = performance.now();
      }
    }
    const result = updates.length === 0 ? { applied: 0, duplicates: 0 } : await deps.apply(updates, now);
    deps.onApplied?.({ events, result, skipped, appliedAtMs: deps.now() });
    return outcomes;
  };
}
