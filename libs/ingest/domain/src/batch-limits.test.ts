import { describe, expect, it } from 'vitest';
import { checkBatch } from './batch-limits.js';

describe('checkBatch', () => {
  const limits = { maxEvents: 1000, maxBytes: 5 * 1024 * 1024 };
  it('accepts a batch within both limits', () => {
    expect(checkBatch(1000, 5 * 1024 * 1024, limits)).toEqual([]);
  });
  it('names the event-count limit', () => {
    expect(checkBatch(1001, 10, limits)).toEqual([
      {
        field: 'events',
        rule: 'max_items',
        description: 'a batch holds at most 1000 events (EVENT_BATCH_SIZE); this one has 1001',
      },
    ]);
  });
  it('names the byte limit', () => {
    expect(checkBatch(1, 5 * 1024 * 1024 + 1, limits).map((v) => v.rule)).toEqual(['max_bytes']);
  });
  it('refuses an empty batch', () => {
    expect(checkBatch(0, 0, limits).map((v) => v.rule)).toEqual(['min_items']);
  });
});
