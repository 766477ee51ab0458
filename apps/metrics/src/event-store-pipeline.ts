import { deadLetterSubject, runConsumer, type RunningConsumer, type Topology } from '@broxiva/bus';
import { createEventWriter, createPartitionManager } from '@broxiva/event-store';
import { markDirty } from '@broxiva/metrics-data-access';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { Logger } from '@broxiva/telemetry';
import type { Pool } from 'pg';
import { createEventStoreHandler } from './consumers/event-store-handler.js';
import type { createStoreMetrics } from './store-metrics.js';

export interface EventStorePipelineDeps {
  readonly js: JetStreamClient;
  readonly topology: Topology;
  readonly pool: Pool;
  /** Most bus messages (each an EventBatch of many events) a batch, one transaction, holds. */
  readonly batchSize: number;
  readonly flushIntervalMs: number;
  readonly logger: Logger;
  /** Redelivery delay after a failed batch (database down); default 5 s. */
  readonly failureDelayMs?: number;
  readonly metrics?: ReturnType<typeof createStoreMetrics>;
}

/**
 * About 80,000 events of ~400 bytes: large enough that a transaction's fixed cost stays small, small
 * enough that a backlog of 1,000 full ~1 MB messages does not become one gigabyte-sized transaction.
 */
const BATCH_MAX_BYTES = 32 * 1024 * 1024;
/** Messages pulled ahead at a time; a message is at most NATS' max_payload, 1 MiB by default. */
const PULL_MESSAGES = 64;

/**
 * The event-store consumer: JetStream `event-store` durable → batches of up to EVENT_BATCH_SIZE messages
 * and BATCH_MAX_BYTES, or EVENT_FLUSH_INTERVAL → one COPY transaction → acks after commit. A backlog thus
 * never makes one transaction (and the events decoded for it) larger than BATCH_MAX_BYTES of messages,
 * and no more than PULL_MESSAGES messages are delivered ahead of it. Several replicas may run it: they share the
 * durable consumer and each batch goes to one of them.
 */

export async function startEventStorePipeline(deps: EventStorePipelineDeps): Promise<RunningConsumer> {
  const partitions = createPartitionManager(deps.pool);
  // Hours the batch touched are marked dirty in the same transaction, so rollups never miss an event.
  const write = createEventWriter({ pool: deps.pool, partitions, beforeCommit: markDirty });
  const consumer = deps.topology.consumers.eventStore;
  const handle = createEventStoreHandler({ write, onStored: deps.metrics?.onStored });
  return runConsumer({
    js: deps.js,
    stream: consumer.stream,
    consumer: consumer.config.durable_name,
    batchSize: deps.batchSize,
    batchMaxBytes: BATCH_MAX_BYTES,
    // The next batch fills while this one is written, from at most 64 messages (64 MiB) pulled ahead.
    pullMessages: PULL_MESSAGES,
    flushIntervalMs: deps.flushIntervalMs,
    handle,
    ...(deps.failureDelayMs === undefined ? {} : { failureDelayMs: deps.failureDelayMs }),
    deadLetter: { subject: deadLetterSubject(consumer.config.durable_name, deps.topology) },
    logger: deps.logger,
    onSettled: (_msg, _outcome, settlement) => {
      if (settlement === 'dead-lettered') deps.metrics?.onDeadLetter(consumer.config.durable_name);
    },
  });
}
