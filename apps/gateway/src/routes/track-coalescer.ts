import { create } from '@bufbuild/protobuf';
import type { CallOptions, Client } from '@connectrpc/connect';
import {
  encodeEvent,
  EventResultSchema,
  EventStatus,
  type EncodedIngestService,
  type Event,
  type EventResult,
} from '@broxiva/contracts';
import { context, trace, type Context } from '@opentelemetry/api';
import { RestInputError } from '../rest-json.js';

export interface TrackCoalescerOptions {
  /** Most single events sent in one TrackBatch call (well under Ingest's EVENT_BATCH_SIZE). */
  readonly maxEvents: number;
  /** Most request-body bytes (by Content-Length) in one call, well under Ingest's MAX_BATCH_BYTES. */
  readonly maxBytes: number;
  readonly timeoutMs: number;
}

interface Waiting {
  /** The event's encoding (encodeEvent). */
  readonly event: Uint8Array;
  readonly context: Context;
  resolve(result: EventResult): void;
  reject(err: unknown): void;
}

/**
 * Single events (POST /events/track) that arrive in the same turn of the event loop (under load, the many
 * requests one poll of the sockets returns) go to Ingest as one TrackBatch call; each request still waits
 * for its own event's result, so nothing is answered before JetStream has it. A lone event, the usual case
 * when the gateway is not busy, is still a plain Track call: no added wait, and its trace runs unbroken
 * into Ingest. A shared call is traced under the first of its requests' spans and links all of them.
 *
 * Why: a Connect call over HTTP/2 costs the gateway and Ingest far more CPU than one more event in a batch
 * (see the README's figures), and single events are the product's most common request.
 *
 * `sizeBytes` is the event's request body size; larger than maxBytes / 4 (or unknown) and it goes alone.
 */
export function createTrackCoalescer(
  ingest: Client<typeof EncodedIngestService>,
  options: TrackCoalescerOptions,
): (event: Event, sizeBytes: number | undefined, signal: AbortSignal) => Promise<EventResult> {
  let pending: Waiting[] = [];
  let pendingBytes = 0;

  async function one(event: Uint8Array, signal?: AbortSignal): Promise<EventResult> {
    const opts: CallOptions = { timeoutMs: options.timeoutMs, ...(signal === undefined ? {} : { signal }) };
    const { result } = await ingest.track({ event: [event] }, opts);
    return result ?? create(EventResultSchema);
  }

  function flush(): void {
    const batch = pending;
    pending = [];
    pendingBytes = 0;
    if (batch.length === 0) return;
    if (batch.length === 1) {
      const [w] = batch as [Waiting];
      // A lone event: the call it would have made on its own, in its own request's trace.
      context.with(w.context, () => one(w.event)).then(w.resolve, w.reject);
      return;
    }
    const links = batch.flatMap((w) => {
      const span = trace.getSpan(w.context);
      return span === undefined ? [] : [{ context: span.spanContext() }];
    });
    const first = (batch[0] as Waiting).context;
    const span = trace
      .getTracer('@broxiva/gateway')
      .startSpan('coalesced Track', { links, attributes: { 'broxiva.batch.events': batch.length } }, first);
    const call = context.with(trace.setSpan(first, span), () =>
      ingest.trackBatch({ events: batch.map((w) => w.event) }, { timeoutMs: options.timeoutMs }),
    );
    call.then(
      (res) => {
        span.end();
        const byIndex = new Map(res.results.map((r) => [r.index, r]));
        batch.forEach((w, i) => {
          const r = byIndex.get(i);
          if (r === undefined) w.reject(new Error(`Ingest returned no result for event ${i} of a batch`));
          // Track answers a rejected event with InvalidArgument: so does the coalesced call, per request.
          else if (r.status === EventStatus.REJECTED) {
            const violations = r.violations.map(({ field, rule, description }) => ({
              field,
              rule,
              description,
            }));
            w.reject(new RestInputError(violations));
          } else w.resolve({ ...r, index: 0 });
        });
      },
      (err: unknown) => {
        span.end();
        for (const w of batch) w.reject(err);
      },
    );
  }

  return (decoded, sizeBytes, signal) => {
    const event = encodeEvent(decoded);
    // Large or unknown-size bodies go alone: a batch must stay within Ingest's byte limit. Only a lone
    // call can be cancelled by its client going away; a shared one carries on for the others.
    if (sizeBytes === undefined || sizeBytes > options.maxBytes / 4 || options.maxEvents <= 1) {
      return one(event, signal);
    }
    if (pending.length >= options.maxEvents || pendingBytes + sizeBytes > options.maxBytes) flush();
    return new Promise<EventResult>((resolve, reject) => {
      if (pending.length === 0) setImmediate(flush);
      pending.push({ event, context: context.active(), resolve, reject });
      pendingBytes += sizeBytes;
    });
  };
}
