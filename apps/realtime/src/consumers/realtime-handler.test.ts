import { describe, expect, it } from 'vitest';
import type { LiveUpdate } from '@broxiva/realtime-domain';
import { batchMessage, testEvent } from '../testing/events.js';
import { createRealtimeHandler, type BatchReport } from './realtime-handler.js';

const NOW = Date.parse('2025-12-04T11:00:00Z');
const policy = {
  includeBots: false,
  shopCurrency: 'EUR',
  timeZone: 'UTC',
  dedupTtlMs: 3_600_000,
  windowMs: 60_000,
};

describe('realtime handler', () => {
  it('applies the good messages of a batch in one call and dead-letters an undecodable one', async () => {
    const calls: LiveUpdate[][] = [];
    const reports: BatchReport[] = [];
    const handle = createRealtimeHandler({
      policy,
      now: () => NOW,
      apply: async (updates) => {
        calls.push([...updates]);
        return { applied: updates.length - 1, duplicates: 1 };
      },
      onApplied: (r) => reports.push(r),
    });
    const outcomes = await handle([
      batchMessage([
        testEvent({ id: 'a', type: 'page_view', anon: 'x', at: NOW - 10 }),
        testEvent({ id: 'b', type: 'page_view', anon: 'x', at: NOW - 10, bot: true }),
      ]),
      { data: new Uint8Array([0xff, 0xff, 0xff]) },
      batchMessage([
        testEvent({ id: 'c', type: 'purchase', anon: 'y', at: NOW - 5, orderId: 'o', amount: 2 }),
        testEvent({ id: 'd', type: 'page_view', anon: 'y', at: NOW - 5, historical: true }),
      ]),
    ]);
    expect(outcomes.map((o) => o.kind)).toEqual(['ok', 'dead-letter', 'ok']);
    expect(calls.map((c) => c.map((u) => u.eventId))).toEqual([['a', 'c']]);
    expect(reports[0]?.result).toEqual({ applied: 1, duplicates: 1 });
    expect(reports[0]?.skipped).toEqual({ bot: 1, historical: 1 });
  });

  it('throws when the store fails, so the consumer redelivers the batch', async () => {
    const handle = createRealtimeHandler({
      policy,
      now: () => NOW,
      apply: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:1');
      },
    });
    await expect(
      handle([batchMessage([testEvent({ id: 'a', type: 'page_view', anon: 'x', at: NOW })])]),
    ).rejects.toThrow('ECONNREFUSED');
  });
});
