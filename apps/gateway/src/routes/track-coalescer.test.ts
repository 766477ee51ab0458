import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, createClient, createRouterTransport } from '@connectrpc/connect';
import {
  EventResultSchema,
  EventSchema,
  EventStatus,
  EncodedIngestService,
  IngestService,
  TrackBatchResponseSchema,
} from '@broxiva/contracts';
import { describe, expect, it } from 'vitest';
import { RestInputError } from '../rest-json.js';
import { createTrackCoalescer } from './track-coalescer.js';

// An in-memory Ingest that records which RPC each event arrived by; events named "bad" are rejected.
function ingest(o: { failBatch?: boolean } = {}) {
  const calls: string[] = [];
  const result = (eventId: string, index: number) =>
    eventId.startsWith('bad')
      ? create(EventResultSchema, {
          index,
          eventId,
          status: EventStatus.REJECTED,
          violations: [{ field: 'event_type', rule: 'pattern', description: 'lower snake_case' }],
        })
      : create(EventResultSchema, { index, eventId, status: EventStatus.ACCEPTED });
  const transport = createRouterTransport((r) =>
    r.service(IngestService, {
      track: (req) => {
        calls.push(`track ${req.event?.eventId}`);
        return { result: result(req.event?.eventId ?? '', 0) };
      },
      trackBatch: (req) => {
        calls.push(`batch ${req.events.map((e) => e.eventId).join(',')}`);
        if (o.failBatch === true) throw new ConnectError('NATS is disconnected', Code.Unavailable);
        return create(TrackBatchResponseSchema, { results: req.events.map((e, i) => result(e.eventId, i)) });
      },
    }),
  );
  // The coalescer sends each event encoded (encodeEvent); the service reads them as TrackBatchRequest does.
  return { calls, client: createClient(EncodedIngestService, transport) };
}

const ev = (eventId: string) => create(EventSchema, { eventId, eventType: 'page_view', userId: 'u' });
const signal = new AbortController().signal;

describe('createTrackCoalescer', () => {
  it('sends a lone event as a plain Track call', async () => {
    const s = ingest();
    const track = createTrackCoalescer(s.client, { maxEvents: 256, maxBytes: 1 << 20, timeoutMs: 5000 });
    expect(await track(ev('a'), 200, signal)).toMatchObject({ eventId: 'a', status: EventStatus.ACCEPTED });
    expect(s.calls).toEqual(['track a']);
  });

  it('sends events arriving together as one TrackBatch and answers each its own result', async () => {
    const s = ingest();
    const track = createTrackCoalescer(s.client, { maxEvents: 256, maxBytes: 1 << 20, timeoutMs: 5000 });
    const results = await Promise.allSettled(
      ['a', 'b', 'bad-c', 'd'].map((id) => track(ev(id), 200, signal)),
    );
    expect(s.calls).toEqual(['batch a,b,bad-c,d']);
    expect(
      results.map((r) => (r.status === 'fulfilled' ? [r.value.eventId, r.value.index] : 'rejected')),
    ).toEqual([['a', 0], ['b', 0], 'rejected', ['d', 0]]);
    // A rejected event is InvalidArgument with its violations, as Track answers it: plain objects.
    const rejected = results[2] as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(RestInputError);
    expect((rejected.reason as RestInputError).violations).toEqual([
      { field: 'event_type', rule: 'pattern', description: 'lower snake_case' },
    ]);
  });

  it('keeps calls within maxEvents and maxBytes, and sends large or unsized bodies alone', async () => {
    const s = ingest();
    const track = createTrackCoalescer(s.client, { maxEvents: 2, maxBytes: 1000, timeoutMs: 5000 });
    await Promise.all([
      track(ev('a'), 100, signal),
      track(ev('b'), 100, signal),
      track(ev('c'), 100, signal),
      track(ev('big'), 300, signal), // over maxBytes / 4: alone, at once
      track(ev('nosize'), undefined, signal),
      track(ev('d'), 200, signal),
      track(ev('e'), 200, signal),
    ]);
    expect(s.calls).toEqual(['batch a,b', 'track big', 'track nosize', 'batch c,d', 'track e']);
    s.calls.length = 0;
    // maxBytes: 4 × 240 bytes do not fit in 1000, so the fifth waits for the next call.
    await Promise.all(['p', 'q', 'r', 's', 't'].map((id) => track(ev(id), 240, signal)));
    expect(s.calls).toEqual(['batch p,q', 'batch r,s', 'track t']);
  });

  it('fails every request of a failed batch call with its error', async () => {
    const s = ingest({ failBatch: true });
    const track = createTrackCoalescer(s.client, { maxEvents: 256, maxBytes: 1 << 20, timeoutMs: 5000 });
    const results = await Promise.allSettled([track(ev('a'), 10, signal), track(ev('b'), 10, signal)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(ConnectError.from((results[0] as PromiseRejectedResult).reason).code).toBe(Code.Unavailable);
  });
});
