import type { JetStreamClient, JetStreamManager, StoredMsg } from '@nats-io/jetstream';
import { headers as createHeaders } from '@nats-io/transport-node';
import { BusHeaders, DEAD_LETTER_HEADERS, headerRecord } from './bus-headers.js';
import { deadLetterSubject, type Topology } from './topology.js';

/** One message in the dead-letter stream, with the headers `settle` wrote decoded. */
export interface DeadLetter {
  /** Sequence in the dead-letter stream. */
  readonly seq: number;
  readonly time: Date;
  readonly reason: string;
  readonly consumer: string;
  readonly originalSubject: string;
  readonly originalStream: string;
  readonly originalSeq: number;
  readonly deliveryCount: number;
  /** The msgID the event was first published with, if it had one. */
  readonly msgID: string | undefined;
  readonly data: Uint8Array;
  readonly headers: Readonly<Record<string, string>>;
}

export interface ListDeadLettersOptions {
  readonly limit: number;
  /** Only this consumer's dead letters. */
  readonly consumer?: string;
  /** Start at this dead-letter stream sequence; default the first. */
  readonly fromSeq?: number;
}

/**
 * Oldest first. Reads by sequence with STREAM.MSG.GET `next_by_subj` (2.9 has it), which skips gaps left by
 * replayed (deleted) messages and needs no consumer, so listing leaves nothing behind on the server.
 */
export async function listDeadLetters(
  jsm: JetStreamManager,
  topo: Topology,
  { limit, consumer, fromSeq = 1 }: ListDeadLettersOptions,
): Promise<DeadLetter[]> {
  const stream = topo.streams.deadLetters.name;
  const filter = consumer ? deadLetterSubject(consumer, topo) : `${topo.subjects.deadLetters}.>`;
  const out: DeadLetter[] = [];
  for (let seq = fromSeq; out.length < limit;) {
    // The client's MsgRequest type omits next_by_subj for this API though the server accepts it.
    const query: { seq: number; next_by_subj: string } = { seq, next_by_subj: filter };
    const sm = await jsm.streams.getMessage(stream, query);
    if (!sm) break;
    out.push(toDeadLetter(sm));
    seq = sm.seq + 1;
  }
  return out;
}

export interface ReplayDeadLettersOptions extends Omit<ListDeadLettersOptions, 'fromSeq'> {
  /** Replay only the dead letters this returns true for; the others stay. */
  readonly filter?: (dl: DeadLetter) => boolean;
}

export interface ReplayReport {
  readonly replayed: number;
  readonly failed: { readonly seq: number; readonly error: Error }[];
}

/**
 * Republishes up to `limit` dead letters to their original subject, then deletes each from the dead-letter
 * stream (only after its PubAck, so a crash in between replays it twice rather than losing it).
 *
 * The replay is published with a NEW msgID, `<original msgID>:replay:<dead-letter seq>`. Reusing the
 * original would be silently swallowed as a duplicate while the original publish is inside the dedup window
 * (10 min), and the dead letter would then be deleted: the event would be lost. The new id is still stable
 * per dead letter, so replaying the same one twice within the window stores it once. The original id travels
 * in `Broxiva-Original-Msg-Id` (see `originalMsgId`): stores stay idempotent by keying on it or on the event
 * id in the payload. Note a replay reaches every consumer of the subject, not only the one that gave up.
 */
export async function replayDeadLetters(
  js: JetStreamClient,
  topo: Topology,
  { limit, consumer, filter = () => true }: ReplayDeadLettersOptions,
): Promise<ReplayReport> {
  const jsm = await js.jetstreamManager(false);
  const stream = topo.streams.deadLetters.name;
  let replayed = 0;
  const failed: { seq: number; error: Error }[] = [];
  for (let fromSeq = 1; replayed + failed.length < limit;) {
    const page = await listDeadLetters(jsm, topo, { limit: Math.min(limit, 256), consumer, fromSeq });
    if (page.length === 0) break;
    fromSeq = (page.at(-1)?.seq ?? fromSeq) + 1;
    for (const dl of page.filter(filter).slice(0, limit - replayed - failed.length)) {
      try {
        await republish(js, dl);
        await jsm.streams.deleteMessage(stream, dl.seq, false);
        replayed += 1;
      } catch (err) {
        failed.push({ seq: dl.seq, error: err instanceof Error ? err : new Error(String(err)) });
      }
    }
  }
  return { replayed, failed };
}

async function republish(js: JetStreamClient, dl: DeadLetter): Promise<void> {
  if (!dl.originalSubject)
    throw new Error(`dead letter ${dl.seq} has no ${BusHeaders.OriginalSubject} header`);
  const h = createHeaders();
  const skip = new Set<string>([BusHeaders.MsgId, ...DEAD_LETTER_HEADERS]);
  for (const [k, v] of Object.entries(dl.headers)) if (!skip.has(k)) h.set(k, v);
  const original = dl.msgID ?? `${dl.originalStream}:${dl.originalSeq}`;
  h.set(BusHeaders.OriginalMsgId, original);
  await js.publish(dl.originalSubject, dl.data, { msgID: `${original}:replay:${dl.seq}`, headers: h });
}

function toDeadLetter(sm: StoredMsg): DeadLetter {
  const h = sm.header;
  const text = (k: string) => h?.get(k) ?? '';
  return {
    seq: sm.seq,
    time: sm.time,
    reason: text(BusHeaders.DeadLetterReason),
    consumer: text(BusHeaders.Consumer),
    originalSubject: text(BusHeaders.OriginalSubject),
    originalStream: text(BusHeaders.OriginalStream),
    originalSeq: Number(text(BusHeaders.OriginalSeq)),
    deliveryCount: Number(text(BusHeaders.DeliveryCount)),
    // Not the stored Nats-Msg-Id: on a dead letter that is the dead-letter publish's own id.
    msgID: h?.get(BusHeaders.OriginalMsgId) || undefined,
    data: sm.data,
    headers: headerRecord(h),
  };
}
