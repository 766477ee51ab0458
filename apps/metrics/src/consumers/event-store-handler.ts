import { decodeEventBatch, type Event } from '@broxiva/contracts';
import type { WriteResult } from '@broxiva/event-store';

/** What the handler needs of a bus message. */
export interface IncomingMessage {
  readonly data: Uint8Array;
}

export type StoreOutcome = { kind: 'ok' } | { kind: 'dead-letter'; reason: string };

export interface EventStoreHandlerDeps {
  readonly write: (events: readonly Event[]) => Promise<WriteResult>;
  readonly onStored?: (events: readonly Event[], result: WriteResult) => void;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Decodes bus messages (each an EventBatch) and writes all their events in one transaction; acks go out
 * only after this resolves, i.e. after commit. A database outage throws: the consumer naks the whole
 * batch and JetStream redelivers it, which is safe because the writer is idempotent.
 *
 * Poison: a message that cannot be decoded, or holds an event the store can never accept, goes to the
 * dead letters. Its good events are still written, so a later replay of the message stores nothing twice.
 */
export function createEventStoreHandler(deps: EventStoreHandlerDeps) {
  async function write(events: readonly Event[]): Promise<void> {
    if (events.length === 0) return;
    const result = await deps.write(events);
    deps.onStored?.(events, result);
  }

  return async function handle(batch: readonly IncomingMessage[]): Promise<StoreOutcome[]> {
    const decoded = batch.map(decode);
    const good = decoded.flatMap((d) => d.events);
    try {
      await write(good);
      return decoded.map((d) => d.outcome);
    } catch (e) {
      if (!isDataError(e)) throw e;
    }
    // A value PostgreSQL refuses (SQLSTATE class 22) fails the whole COPY: find the poison events one by one.
    const poison = new Set<Event>();
    for (const event of good) {
      try {
        await write([event]);
      } catch (e) {
        if (!isDataError(e)) throw e;
        poison.add(event);
      }
    }
    return decoded.map((d) => {
      const bad = d.events.filter((e) => poison.has(e));
      return bad.length === 0
        ? d.outcome
        : { kind: 'dead-letter', reason: `store refused events ${bad.map((e) => e.eventId).join(', ')}` };
    });
  };
}

function decode(msg: IncomingMessage): { events: Event[]; outcome: StoreOutcome } {
  let events: Event[];
  try {
    events = decodeEventBatch(msg.data).events;
  } catch (e) {
    return {
      events: [],
      outcome: { kind: 'dead-letter', reason: `undecodable message: ${(e as Error).message}` },
    };
  }
  const valid = events.filter(
    (e) => UUID.test(e.eventId) && e.timestamp !== undefined && e.receivedAt !== undefined,
  );
  const outcome: StoreOutcome =
    valid.length === events.length
      ? { kind: 'ok' }
      : {
          kind: 'dead-letter',
          reason: `${events.length - valid.length} events without a UUID, timestamp or received_at`,
        };
  return { events: valid, outcome };
}

const isDataError = (e: unknown): boolean => /^22/.test(String((e as { code?: unknown }).code ?? ''));
