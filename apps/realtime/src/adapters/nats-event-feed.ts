import { eventSubject, type Topology } from '@broxiva/bus';
import { decodeEventBatch, type Event } from '@broxiva/contracts';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';

export interface EventFeedOptions {
  readonly nc: NatsConnection;
  readonly topology: Topology;
  /** Events held for a client that reads slower than they arrive; the oldest are dropped beyond it. */
  readonly maxBuffered?: number;
}

export interface EventFilter {
  /** Event types; all when empty. Each must be a valid type (checked by the caller). */
  readonly types: readonly string[];
  /** user_id or anonymous_id; all when ''. */
  readonly user: string;
}

/**
 * Accepted events as they are published, through plain NATS subscriptions on the events subjects (no
 * JetStream consumer, nothing to clean up): a debugging tap that sees events from the moment it starts.
 */
export function createEventFeed(o: EventFeedOptions) {
  const max = o.maxBuffered ?? 1_000;
  return async function* watch(filter: EventFilter, signal: AbortSignal): AsyncGenerator<Event> {
    const subjects =
      filter.types.length === 0
        ? [`${o.topology.subjects.events}.>`]
        : [...new Set(filter.types)].map((t) => eventSubject(t, o.topology));
    const queue: Event[] = [];
    let wake: (() => void) | undefined;
    const onAbort = () => wake?.();
    signal.addEventListener('abort', onAbort, { once: true });
    const subs: Subscription[] = subjects.map((subject) =>
      o.nc.subscribe(subject, {
        callback: (err, msg) => {
          if (err !== null) return;
          let events: Event[];
          try {
            events = decodeEventBatch(msg.data).events;
          } catch {
            return; // not ours to judge: the consumers dead-letter undecodable messages
          }
          for (const e of events) {
            if (filter.user !== '' && e.userId !== filter.user && e.anonymousId !== filter.user) continue;
            queue.push(e);
          }
          if (queue.length > max) queue.splice(0, queue.length - max);
          wake?.();
        },
      }),
    );
    try {
      // The subscriptions reach the server before the first event is awaited, so none published after
      // the call started is missed.
      await o.nc.flush();
      while (!signal.aborted) {
        const next = queue.shift();
        if (next !== undefined) {
          yield next;
          continue;
        }
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      for (const s of subs) s.unsubscribe();
    }
  };
}

export type EventFeed = ReturnType<typeof createEventFeed>;
