import { deadLetterSubject, runConsumer, type RunningConsumer, type Topology } from '@broxiva/bus';
import { countBatchEvents } from '@broxiva/contracts';
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
  /** Most events a batch (one transaction) holds; a bus message larger than that is a batch alone. */
  readonly batchSize: number;
  readonly flushIntervalMs: number;
  readonly logger: Logger;
  /** Redelivery delay after a failed batch (database down); default 5 s. */
  readonly failureDelayMs?: number;
  readonly metrics?: ReturnType<typeof createStoreMetrics>;
}

/**
 * The event-store consumer: JetStream `event-store` durable → batches of up to EVENT_BATCH_SIZE events
 * (whole messages: each carries many) or EVENT_FLUSH_INTERVAL → one COPY transaction → acks after commit.
 * At most PULL_MAX_BYTES are delivered ahead, so a backlog never piles up in memory. Several replicas may run it: they share
 * the durable consumer and each batch goes to one of them.
 */
/** Bytes delivered ahead of the handler: a few batches of ~400-byte events, and any one ~1 MB message. */
const PULL_MAX_BYTES = 8 * 1024 * 1024;

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
    weigh: (msg) => countBatchEvents(msg.data),
    pullMaxBytes: PULL_MAX_BYTES,
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
