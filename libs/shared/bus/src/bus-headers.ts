import { headers as createHeaders, type MsgHdrs } from '@nats-io/transport-node';

/** Headers this lib writes. `Nats-Msg-Id` is JetStream's own dedup header. */
export const BusHeaders = {
  MsgId: 'Nats-Msg-Id',
  DeadLetterReason: 'Broxiva-Dead-Letter-Reason',
  OriginalSubject: 'Broxiva-Original-Subject',
  OriginalStream: 'Broxiva-Original-Stream',
  OriginalSeq: 'Broxiva-Original-Seq',
  DeliveryCount: 'Broxiva-Delivery-Count',
  Consumer: 'Broxiva-Consumer',
  /** The msgID the event was first published with; survives dead-lettering and replay. */
  OriginalMsgId: 'Broxiva-Original-Msg-Id',
} as const;

/** Headers that describe a dead letter; replay strips them so the event looks as first published. */
export const DEAD_LETTER_HEADERS: readonly string[] = [
  BusHeaders.DeadLetterReason,
  BusHeaders.OriginalSubject,
  BusHeaders.OriginalStream,
  BusHeaders.OriginalSeq,
  BusHeaders.DeliveryCount,
  BusHeaders.Consumer,
];

/**
 * The id the event was first published with. A replayed event carries a new `Nats-Msg-Id` (see
 * dead-letters.ts), so idempotent stores should key on this, or on an id inside the payload.
 */
export function originalMsgId(h: MsgHdrs | undefined): string | undefined {
  return nonEmpty(h?.get(BusHeaders.OriginalMsgId)) ?? nonEmpty(h?.get(BusHeaders.MsgId));
}

/** Header values cannot hold CR/LF (the client throws); reasons often come from multi-line error messages. */
export function headerValue(s: string, max = 1024): string {
  return s.replace(/[\r\n]+/g, ' ').slice(0, max);
}

/** Last value of each header, as a plain record. */
export function headerRecord(h: MsgHdrs | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, values] of h ?? []) out[k] = values.at(-1) ?? '';
  return out;
}

/** A fresh copy of `h` (every value of every header) without the headers named in `skip`. */
export function copyHeaders(h: MsgHdrs | undefined, skip: readonly string[]): MsgHdrs {
  const out = createHeaders();
  for (const [k, values] of h ?? []) {
    if (!skip.includes(k)) for (const v of values) out.append(k, v);
  }
  return out;
}

const nonEmpty = (s: string | undefined) => (s ? s : undefined);
