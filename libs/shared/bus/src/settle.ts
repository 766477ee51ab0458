import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { BusHeaders, copyHeaders, headerValue, originalMsgId } from './bus-headers.js';
import { silentLogger, type BusLogger } from './logger.js';

/**
 * What a handler decided for one message. Compatible with a domain `Outcome<T>` whose ok case carries a value.
 * - ok: processed (and committed); ack.
 * - retry: a transient failure; redeliver after `delayMs`.
 * - drop: will never succeed and is not worth keeping (a bot hit, a duplicate); terminate.
 * - dead-letter: will never succeed but a human should look; park it in the dead-letter stream, terminate.
 */
export type Outcome =
  | { readonly kind: 'ok' }
  | { readonly kind: 'retry'; readonly delayMs: number; readonly reason?: string }
  | { readonly kind: 'drop'; readonly reason: string }
  | { readonly kind: 'dead-letter'; readonly reason: string };

export type Settlement = 'acked' | 'retried' | 'dropped' | 'dead-lettered';

export interface SettleContext {
  readonly js: JetStreamClient;
  /** `deadLetterSubject(consumer, topology)` */
  readonly deadLetterSubject: string;
  /** The consumer's max_deliver (-1: unlimited). */
  readonly maxDeliver: number;
  readonly logger?: BusLogger;
}

/** If the dead-letter stream cannot take a message, it stays in its own stream and comes back this much later. */
const DEAD_LETTER_FAILED_DELAY_MS = 5_000;

/** Maps an outcome to JetStream: ack, nak(delay), term, or publish to the dead-letter stream then term. */
export async function settle(msg: JsMsg, outcome: Outcome, ctx: SettleContext): Promise<Settlement> {
  switch (outcome.kind) {
    case 'ok':
      msg.ack();
      return 'acked';
    case 'drop':
      // No reason on the wire: nats-server before 2.11 ignores "+TERM <reason>" entirely, so the message
      // would not be terminated but redelivered after ack_wait.
      msg.term();
      return 'dropped';
    case 'retry': {
      // At max_deliver the server would silently stop redelivering a nak'ed message: the event would vanish.
      const n = msg.info.deliveryCount;
      if (ctx.maxDeliver > 0 && n >= ctx.maxDeliver) {
        const why = outcome.reason ? `: ${outcome.reason}` : '';
        return deadLetter(msg, `gave up after ${n} deliveries${why}`, ctx);
      }
      msg.nak(outcome.delayMs);
      return 'retried';
    }
    case 'dead-letter':
      return deadLetter(msg, outcome.reason, ctx);
  }
}

async function deadLetter(msg: JsMsg, reason: string, ctx: SettleContext): Promise<Settlement> {
  const { stream, consumer, streamSequence, deliveryCount, timestampNanos } = msg.info;
  // The original msgID must not be reused: both consumers may dead-letter the same event, and the second
  // would be swallowed as a duplicate. This id is stable across redeliveries of one message to one consumer
  // (so a retried dead-letter publish is stored once) and the timestamp keeps it unique if a stream is
  // recreated and sequences restart.
  const msgID = `${consumer}:${stream}:${streamSequence}:${timestampNanos}`;
  const h = copyHeaders(msg.headers, [BusHeaders.MsgId]);
  const original = originalMsgId(msg.headers);
  if (original) h.set(BusHeaders.OriginalMsgId, original);
  h.set(BusHeaders.DeadLetterReason, headerValue(reason));
  h.set(BusHeaders.OriginalSubject, msg.subject);
  h.set(BusHeaders.OriginalStream, stream);
  h.set(BusHeaders.OriginalSeq, String(streamSequence));
  h.set(BusHeaders.DeliveryCount, String(deliveryCount));
  h.set(BusHeaders.Consumer, consumer);
  try {
    await ctx.js.publish(ctx.deadLetterSubject, msg.data, { msgID, headers: h });
  } catch (err) {
    (ctx.logger ?? silentLogger).error(
      { err, subject: msg.subject, seq: streamSequence, reason },
      'dead-letter publish failed; message kept for redelivery',
    );
    msg.nak(DEAD_LETTER_FAILED_DELAY_MS);
    return 'retried';
  }
  msg.term();
  return 'dead-lettered';
}
