import type { JsMsg } from '@nats-io/jetstream';
import type { BusLogger } from './logger.js';
import { settle, type Outcome, type SettleContext, type Settlement } from './settle.js';

export interface ConsumerStats {
  delivered: number;
  acked: number;
  retried: number;
  dropped: number;
  deadLettered: number;
  batches: number;
  handlerErrors: number;
}

export const emptyStats = (): ConsumerStats => ({
  delivered: 0,
  acked: 0,
  retried: 0,
  dropped: 0,
  deadLettered: 0,
  batches: 0,
  handlerErrors: 0,
});

const STAT: Record<Settlement, keyof ConsumerStats> = {
  acked: 'acked',
  retried: 'retried',
  dropped: 'dropped',
  'dead-lettered': 'deadLettered',
};

export interface BatchHandlerDeps {
  readonly handle: (batch: readonly JsMsg[]) => Promise<readonly Outcome[]>;
  readonly settle: SettleContext;
  readonly stats: ConsumerStats;
  readonly logger: BusLogger;
  readonly where: object;
  readonly failureDelayMs: number;
  /** Once aborted, outcomes are not settled: a simulated crash. */
  readonly abandoned: AbortSignal;
  readonly onSettled?: (msg: JsMsg, outcome: Outcome, settlement: Settlement) => void;
}

/**
 * Runs `handle` on a batch and settles each message by its outcome, only after `handle` resolved (the caller
 * has committed by then). A throwing handler, or one returning the wrong number of outcomes, means nothing
 * in the batch is known to be done: every message is retried (and dead-lettered if at max_deliver).
 */
export function createBatchHandler(d: BatchHandlerDeps): (batch: JsMsg[]) => Promise<void> {
  return async (batch) => {
    d.stats.delivered += batch.length;
    d.stats.batches += 1;
    let outcomes: readonly Outcome[];
    try {
      outcomes = await d.handle(batch);
      if (outcomes.length !== batch.length) {
        throw new Error(`handle returned ${outcomes.length} outcomes for ${batch.length} messages`);
      }
    } catch (err) {
      d.stats.handlerErrors += 1;
      d.logger.error({ ...d.where, err, size: batch.length }, 'batch handler failed; it will be redelivered');
      const reason = `handler failed: ${err instanceof Error ? err.message : String(err)}`;
      outcomes = batch.map(() => ({ kind: 'retry', delayMs: d.failureDelayMs, reason }));
    }
    if (d.abandoned.aborted) return;
    await Promise.all(
      batch.map(async (msg, i) => {
        const outcome = outcomes[i] ?? { kind: 'retry', delayMs: d.failureDelayMs }; // lengths checked above
        try {
          const settlement = await settle(msg, outcome, d.settle);
          d.stats[STAT[settlement]] += 1;
          if (settlement === 'dead-lettered') {
            d.logger.warn({ ...d.where, seq: msg.seq, outcome }, 'message dead-lettered');
          }
          d.onSettled?.(msg, outcome, settlement);
        } catch (err) {
          // Only a closed connection gets here; the unsettled message is redelivered after ack_wait.
          d.logger.error({ ...d.where, err, seq: msg.seq }, 'could not settle message');
        }
      }),
    );
  };
}
