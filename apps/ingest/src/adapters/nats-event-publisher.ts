import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import {
  BusUnavailableError,
  eventSubject,
  publishBatch,
  type InjectHeaders,
  type Topology,
} from '@broxiva/bus';
import type { JetStreamClient } from '@nats-io/jetstream';
import { randomUUID } from 'node:crypto';
import type { EncodedEvent } from '../rpc/ingest-service.js';

export interface EventPublisherOptions {
  readonly js: JetStreamClient;
  readonly topology: Topology;
  /** Largest bus message; stays under the server's max_payload (1 MB by default). */
  readonly maxMessageBytes: number;
  /**
   * Messages awaiting JetStream's acknowledgement at once. Below it, queued events are sent as soon as
   * the current turn of the event loop ends; at it, they wait for one to be acknowledged and then go
   * together: an idle Ingest adds no wait, a busy one sends fewer, larger messages.
   */
  readonly maxInFlight: number;
  readonly inject?: InjectHeaders;
  /** How long to wait for JetStream's acknowledgement before failing the requests (UNAVAILABLE). */
  readonly timeoutMs?: number;
  /** While false, requests fail at once (UNAVAILABLE) instead of waiting for the timeout. */
  readonly isConnected?: () => boolean;
}

interface Pending {
  readonly parts: Uint8Array[];
  bytes: number;
  readonly waiters: { resolve: () => void; reject: (e: unknown) => void }[];
}

/**
 * Coalesces accepted events from concurrent requests into one `EventBatch` message per event type, so
 * JetStream stores a few large messages instead of one per event (its per-message cost, not bandwidth,
 * limits throughput). Requests of the same event-loop turn always share messages; more share them while
 * `maxInFlight` flushes await their acknowledgements. Each request's promise resolves only when every
 * message holding its events was acknowledged, and rejects if any was not. The batch is built by
 * concatenating the events' encodings as field 1 of EventBatch, so no event is encoded twice.
 */
export function createEventPublisher(o: EventPublisherOptions) {
  const pending = new Map<string, Pending>();
  let scheduled = false;
  let inFlight = 0;

  /** Sends what is queued once this turn ends, unless maxInFlight flushes are out (then on the next ack). */
  function schedule(): void {
    if (scheduled || inFlight >= o.maxInFlight || pending.size === 0) return;
    scheduled = true;
    setImmediate(flush);
  }

  function flush(): void {
    scheduled = false;
    const ready = [...pending.entries()];
    pending.clear();
    if (ready.length === 0) return;
    const messages = ready.map(([eventType, p]) => {
      const w = new BinaryWriter();
      for (const part of p.parts) w.tag(1, WireType.LengthDelimited).bytes(part);
      return { subject: eventSubject(eventType, o.topology), data: w.finish(), msgID: randomUUID() };
    });
    const options = {
      timeoutMs: o.timeoutMs ?? 5_000,
      ...(o.inject === undefined ? {} : { inject: o.inject }),
    };
    inFlight++;
    void publishBatch(o.js, messages, options)
      .finally(() => {
        inFlight--;
        schedule();
      })
      .then(
        (acks) =>
          ready.forEach(([, p], i) => {
            const ack = acks[i];
            for (const w of p.waiters) {
              if (ack?.ok === true) w.resolve();
              else w.reject(ack?.ok === false ? ack.error : new Error('no acknowledgement from JetStream'));
            }
          }),
        (error: unknown) => ready.forEach(([, p]) => p.waiters.forEach((w) => w.reject(error))),
      );
  }

  return function publish(events: readonly EncodedEvent[]): Promise<void> {
    if (o.isConnected?.() === false) {
      return Promise.reject(new BusUnavailableError('NATS is disconnected; events were not accepted'));
    }
    const ours = new Set<Pending>();
    const waits: Promise<void>[] = [];
    for (const e of events) {
      let p = pending.get(e.eventType);
      // +16 covers each part's tag and length prefix.
      if (p !== undefined && p.bytes + e.data.length + 16 > o.maxMessageBytes) {
        flush();
        p = undefined;
      }
      if (p === undefined) {
        p = { parts: [], bytes: 0, waiters: [] };
        pending.set(e.eventType, p);
      }
      if (!ours.has(p)) {
        ours.add(p);
        const target = p;
        waits.push(new Promise<void>((resolve, reject) => target.waiters.push({ resolve, reject })));
      }
      p.parts.push(e.data);
      p.bytes += e.data.length + 16;
    }
    schedule();
    return Promise.all(waits).then(() => undefined);
  };
}
