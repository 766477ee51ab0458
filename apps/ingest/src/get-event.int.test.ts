import { Code, ConnectError } from '@connectrpc/connect';
import { EventStatus } from '@broxiva/contracts';
import { createEventWriter, createPartitionManager } from '@broxiva/event-store';
import { withEventStoreDatabase } from '@broxiva/event-store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIngest } from './testing/ingest-harness.js';

let db: Awaited<ReturnType<typeof withEventStoreDatabase>>;
let ingest: Awaited<ReturnType<typeof startIngest>>;
beforeAll(async () => {
  db = await withEventStoreDatabase();
  ingest = await startIngest({ pool: db.pool });
});
afterAll(async () => {
  await ingest.stop();
  await db.drop();
});

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => ConnectError.from(e).code,
  );

describe('GetEvent', () => {
  it('returns a tracked event once the store holds it, with the server fields', async () => {
    const { result } = await ingest.client.track({
      event: {
        eventType: 'purchase',
        userId: 'u1',
        properties: { order_id: 'o-1', revenue: 42.5, currency: 'EUR' },
      },
    });
    expect(result?.status).toBe(EventStatus.ACCEPTED);
    // What the Metrics app's consumer does with the stream, done here with the same store writer.
    const write = createEventWriter({ pool: db.pool, partitions: createPartitionManager(db.pool) });
    await write(await ingest.streamEvents());
    const { event } = await ingest.client.getEvent({ eventId: result!.eventId });
    expect(event?.eventId).toBe(result?.eventId);
    expect(event?.commerce?.orderId).toBe('o-1');
    expect(event?.commerce?.revenue).toMatchObject({ amount: 42.5, currency: 'EUR' });
    expect(event?.receivedAt).toBeDefined();
  });

  it('answers NotFound for an unknown id and InvalidArgument for a malformed one', async () => {
    expect(await codeOf(ingest.client.getEvent({ eventId: '0190f0c8-0000-7000-8000-0000000000ff' }))).toBe(
      Code.NotFound,
    );
    expect(await codeOf(ingest.client.getEvent({ eventId: 'nope' }))).toBe(Code.InvalidArgument);
  });
});
