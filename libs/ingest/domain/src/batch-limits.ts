import type { Violation } from './event.js';

export interface BatchLimits {
  /** EVENT_BATCH_SIZE. */
  readonly maxEvents: number;
  /** Serialized request size. */
  readonly maxBytes: number;
}

/** A batch beyond a limit is refused whole: the limit is named so the client can split it. */
export function checkBatch(count: number, bytes: number, limits: BatchLimits): Violation[] {
  const v: Violation[] = [];
  if (count === 0)
    v.push({ field: 'events', rule: 'min_items', description: 'a batch needs at least one event' });
  if (count > limits.maxEvents) {
    v.push({
      field: 'events',
      rule: 'max_items',
      description: `a batch holds at most ${limits.maxEvents} events (EVENT_BATCH_SIZE); this one has ${count}`,
    });
  }
  if (bytes > limits.maxBytes) {
    v.push({
      field: 'events',
      rule: 'max_bytes',
      description: `a batch is at most ${limits.maxBytes} bytes; this one is ${bytes}`,
    });
  }
  return v;
}
