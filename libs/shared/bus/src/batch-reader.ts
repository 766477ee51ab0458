import type { JsMsg } from '@nats-io/jetstream';

export interface BatchRead {
  readonly batch: JsMsg[];
  /** The source ended (it was stopped, or failed: then `error` is set). */
  readonly done: boolean;
  readonly error?: unknown;
}

export interface BatchReader {
  /**
   * Up to `max` messages and `maxBytes` of their data (a larger message is a batch of its own): returns
   * once either is reached, or `flushMs` after the first message arrived, or when the source ends or
   * `signal` aborts. While nothing arrives it waits without a timer, so an idle consumer never hands out
   * empty batches.
   */
  read(max: number, flushMs: number, signal: AbortSignal, maxBytes?: number): Promise<BatchRead>;
}

/**
 * Cuts an endless message iterator into batches on size (count and bytes) or time. A `next()` that lost
 * a race to the flush timer, or a message that would take its batch past `maxBytes`, is kept for the
 * following read, so no message is skipped.
 */
export function createBatchReader(source: AsyncIterable<JsMsg>): BatchReader {
  const it = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<JsMsg>> | null = null;
  let done = false;
  return {
    async read(max, flushMs, signal, maxBytes = Number.POSITIVE_INFINITY) {
      const batch: JsMsg[] = [];
      let bytes = 0;
      const stop = signalled(signal);
      let timer: NodeJS.Timeout | undefined;
      let flush: Promise<'flush'> | null = null;
      try {
        while (!done && batch.length < max && bytes < maxBytes && !signal.aborted) {
          pending ??= it.next();
          const r = await Promise.race(flush ? [pending, stop.promise, flush] : [pending, stop.promise]);
          if (r === 'flush' || r === 'abort') break;
          pending = null;
          if (r.done) {
            done = true;
            break;
          }
          const size = r.value.data.length;
          if (batch.length > 0 && bytes + size > maxBytes) {
            pending = Promise.resolve(r); // it starts the next batch
            break;
          }
          batch.push(r.value);
          bytes += size;
          flush ??= new Promise((resolve) => (timer = setTimeout(() => resolve('flush'), flushMs)));
        }
        return { batch, done };
      } catch (error) {
        done = true;
        return { batch, done, error };
      } finally {
        clearTimeout(timer);
        stop.dispose();
      }
    },
  };
}

function signalled(signal: AbortSignal): { promise: Promise<'abort'>; dispose(): void } {
  let onAbort = () => {};
  const promise = new Promise<'abort'>((resolve) => {
    onAbort = () => resolve('abort');
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort) };
}
