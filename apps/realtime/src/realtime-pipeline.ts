import { deadLetterSubject, runConsumer, type RunningConsumer, type Topology } from '@broxiva/bus';
import type { LivePolicy, LiveUpdate } from '@broxiva/realtime-domain';
import type { Logger } from '@broxiva/telemetry';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { ApplyResult } from './adapters/redis-live-writer.js';
import { createRealtimeHandler, type BatchReport } from './consumers/realtime-handler.js';

export interface RealtimePipelineDeps {
  readonly js: JetStreamClient;
  readonly topology: Topology;
  readonly apply: (updates: readonly LiveUpdate[], nowMs: number) => Promise<ApplyResult>;
  readonly policy: LivePolicy;
  readonly batchSize: number;
  readonly flushIntervalMs: number;
  readonly now: () => number;
  readonly logger: Logger;
  readonly onApplied?: (report: BatchReport) => void;
  readonly onDeadLetter?: (consumer: string) => void;
  /** Redelivery delay after a failed batch (Redis down); default 1 s: live numbers should recover fast. */
  readonly failureDelayMs?: number;
}

/**
 * The `realtime` durable consumer: batches cut at EVENT_BATCH_SIZE messages or the flush interval
 * (100 ms by default, for sub-second freshness) → one pipelined Redis round trip → acks. Replicas share
 * the durable consumer; the Redis script makes each event count once whichever replica applies it.
 */
export async function startRealtimePipeline(deps: RealtimePipelineDeps): Promise<RunningConsumer> {
  const consumer = deps.topology.consumers.realtime;
  const handle = createRealtimeHandler({
    policy: deps.policy,
    apply: deps.apply,
    now: deps.now,
    ...(deps.onApplied === undefined ? {} : { onApplied: deps.onApplied }),
  });
  return runConsumer({
    js: deps.js,
    stream: consumer.stream,
    consumer: consumer.config.durable_name,
    batchSize: deps.batchSize,
    flushIntervalMs: deps.flushIntervalMs,
    handle,
    failureDelayMs: deps.failureDelayMs ?? 1_000,
    deadLetter: { subject: deadLetterSubject(consumer.config.durable_name, deps.topology) },
    logger: deps.logger,
    onSettled: (_msg, _outcome, settlement) => {
      if (settlement === 'dead-lettered') deps.onDeadLetter?.(consumer.config.durable_name);
    },
  });
}
