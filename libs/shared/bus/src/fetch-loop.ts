import type { Consumer, ConsumerMessages, FetchOptions, JsMsg } from '@nats-io/jetstream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BusLogger } from './logger.js';

export interface FetchLoopOptions {
  readonly consumer: Consumer;
  /**
   * One pull: `max_messages` and `expires`. Not `max_bytes`: nats.js then also asks for 100 messages, and
   * a pull the server ended at that count is one the client waits on until two heartbeats are missed.
   */
  readonly pull: FetchOptions;
  /** Ends the loop: the fetch in hand is stopped, what it already delivered is still yielded. */
  readonly halt: AbortSignal;
  readonly logger: BusLogger;
  readonly where: object;
}

/**
 * The messages of one pull request after another, never two at once: the next is asked for only once
 * every message of the last was taken. So however slow the caller, at most one pull's worth of
 * messages waits in memory.
 *
 * Why not `consumer.consume()`: it refills by queueing its next pull behind the messages it holds, and
 * when a slow caller leaves that pull unsent past two idle heartbeats it queues one more, at full size,
 * each time. A store writing one large batch for seconds thus came back to a pile of pulls, and took
 * deliveries far beyond its pull size (108 messages outstanding for a pull of 10 in
 * consume.int.test.ts; the store's memory grew with its backlog).
 */
export async function* fetchLoop(o: FetchLoopOptions): AsyncGenerator<JsMsg> {
  let current: ConsumerMessages | undefined;
  const stopCurrent = () => current?.stop();
  o.halt.addEventListener('abort', stopCurrent, { once: true });
  try {
    while (!o.halt.aborted) {
      try {
        current = await o.consumer.fetch(o.pull);
      } catch (err) {
        o.logger.error({ ...o.where, err }, 'could not pull; trying again in 1 s');
        await sleep(1_000, undefined, { signal: o.halt }).catch(() => {});
        continue;
      }
      if (o.halt.aborted) current.stop(); // halted while the fetch was being set up
      void logNotifications(current, o.where, o.logger);
      try {
        for await (const m of current) yield m;
      } catch (err) {
        // A pull whose messages all came may end on missed heartbeats when the caller was slow to take
        // them: that is a normal end here. Anything else is worth a log and a pause.
        if (!/heartbeats missed/i.test(String(err))) {
          o.logger.error({ ...o.where, err }, 'pulling messages failed; trying again in 1 s');
          await sleep(1_000, undefined, { signal: o.halt }).catch(() => {});
        }
      }
    }
  } finally {
    o.halt.removeEventListener('abort', stopCurrent);
    current?.stop();
  }
}

async function logNotifications(messages: ConsumerMessages, where: object, logger: BusLogger): Promise<void> {
  for await (const s of messages.status()) {
    if (s.type === 'consumer_not_found' || s.type === 'stream_not_found') {
      logger.warn({ ...where, notification: s }, 'consumer cannot pull');
    } else if (s.type === 'consumer_deleted' || s.type === 'exceeded_limits') {
      logger.warn({ ...where, notification: s }, 'consumer notification');
    }
  }
}
