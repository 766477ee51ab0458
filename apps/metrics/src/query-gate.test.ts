import { describe, expect, it } from 'vitest';
import { createQueryGate } from './query-gate.js';

const deferred = () => {
  let resolve = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('query gate', () => {
  it('runs at most maxConcurrent, hands a freed slot to the waiter, refuses after the wait', async () => {
    const gate = createQueryGate({ maxConcurrent: 2, maxWaitMs: 50 });
    const a = deferred();
    const b = deferred();
    const first = gate.run(() => a.promise.then(() => 'a'));
    const second = gate.run(() => b.promise.then(() => 'b'));
    const third = gate.run(async () => 'c');
    expect(gate.running).toBe(2);
    a.resolve();
    expect(await first).toBe('a');
    expect(await third).toBe('c');
    expect(gate.running).toBe(1);

    const c = deferred();
    const busy = gate.run(() => c.promise);
    const started = Date.now();
    await expect(gate.run(async () => 'd')).rejects.toThrow(
      'too many concurrent queries (limit 2); retry in a moment',
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    b.resolve();
    c.resolve();
    await Promise.all([second, busy]);
    expect(gate.running).toBe(0);
  });
});
