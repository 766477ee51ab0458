import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { createBatchReader } from './batch-reader.js';
import { fetchLoop } from './fetch-loop.js';
import { createBatchHandler, emptyStats, type ConsumerStats } from './handle-batch.js';
import { silentLogger, type BusLogger } from './logger.js';
import type { Outcome, Settlement } from './settle.js';

export interface RunConsumerOptions {
  readonly js: JetStreamClient;
  readonly stream: string;
  /** A durable consumer `provision` created. */
  readonly consumer: string;
  /** Most messages in a batch. */
  readonly batchSize: number;
  /** Most bytes of message data in a batch (a larger message is a batch alone); default unbounded. */
  readonly batchMaxBytes?: number;
  /**
   * Messages asked for in one pull; the next pull goes out only once all of them were taken, so at most
   * this many messages (each at most the server's max_payload) wait in memory besides the batch in hand,
   * however slow `handle` is. Default: batchSize.
   */
  readonly pullMessages?: number;
  /** The longest a message waits for its batch to fill; may be below 1 s (unlike a pull's expires). */
  readonly flushIntervalMs: number;
  /** One outcome per message, in order. Commit before resolving: acks go out only afterwards. */
  readonly handle: (batch: readonly JsMsg[]) => Promise<readonly Outcome[]>;
  readonly deadLetter: { readonly subject: string };
  readonly logger?: BusLogger;
  /** Redelivery delay for a batch whose handler threw; default 5 s. */
  readonly failureDelayMs?: number;
  /** Per settled message, e.g. for metrics labelled by outcome reason. */
  readonly onSettled?: (msg: JsMsg, outcome: Outcome, settlement: Settlement) => void;
}

export interface RunningConsumer {
  /** Live counters, for a Prometheus collect() callback. */
  readonly stats: Readonly<ConsumerStats>;
  /**
   * Stops pulling, lets the batch in hand (and what was already buffered) be handled and settled, then
   * resolves. Acks are sent, not confirmed: close the bus (it drains) afterwards so they leave the process.
   * `abandon: true` settles nothing, like a crash: the server redelivers after ack_wait.
   */
  stop(options?: { abandon?: boolean }): Promise<void>;
}

/** Pulls from a durable consumer and feeds `handle` batches cut by size or time; at-least-once. */
export async function runConsumer(o: RunConsumerOptions): Promise<RunningConsumer> {
  const logger = o.logger ?? silentLogger;
  const where = { stream: o.stream, consumer: o.consumer };
  const consumer = await o.js.consumers.get(o.stream, o.consumer); // rejects if it was never provisioned
  const { config } = await consumer.info(true);
  const stats = emptyStats();
  const halt = new AbortController();
  const abandon = new AbortController();
  // Messages are handed out as they come, so a pull's expiry adds no latency: the flush timer decides
  // when a batch goes. A long one lets pulls end by count, which ends them at once; a pull that expired
  // sometimes ended only on missed heartbeats (with a 1 s expiry, 1–1.5 s stalls at p99 of a 40 s run at
  // 500 messages/s, and of bench-realtime's freshness). Idle heartbeats every second bound such a stall.
  const pull = { max_messages: o.pullMessages ?? o.batchSize, expires: 30_000, idle_heartbeat: 1_000 };
  const handleBatch = createBatchHandler({
    handle: o.handle,
    settle: {
      js: o.js,
      deadLetterSubject: o.deadLetter.subject,
      maxDeliver: config.max_deliver ?? -1,
      logger,
    },
    stats,
    logger,
    where,
    failureDelayMs: o.failureDelayMs ?? 5_000,
    abandoned: abandon.signal,
    onSettled: o.onSettled,
  });

  const messages = fetchLoop({ consumer, pull, halt: halt.signal, logger, where });
  const loop = async (): Promise<void> => {
    const reader = createBatchReader(messages);
    for (let done = false; !done;) {
      const r = await reader.read(o.batchSize, o.flushIntervalMs, abandon.signal, o.batchMaxBytes);
      if (abandon.signal.aborted) return;
      if (r.batch.length > 0) await handleBatch(r.batch);
      if (r.error) logger.error({ ...where, err: r.error }, 'consumer loop failed');
      done = r.done;
    }
  };
  const running = loop().catch((err: unknown) => logger.error({ ...where, err }, 'consumer loop failed'));
  let stopped: Promise<void> | null = null;
  return {
    stats,
    stop: (options = {}) => {
      stopped ??= (async () => {
        if (options.abandon) abandon.abort();
        // Stops the pull in hand at once; what it already delivered is still handled, then the loop ends.
        halt.abort();
        await running;
      })();
      return stopped;
    },
  };
}
