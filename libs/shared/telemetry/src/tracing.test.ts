import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { startTracing } from './index.js';

describe('startTracing', () => {
  it('exports spans started while it runs, under the service name', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = startTracing({ service: 'metrics', exporter, processor: 'simple' });
    try {
      trace.getTracer('test').startActiveSpan('compute', (parent) => {
        trace.getTracer('test').startSpan('query').end();
        parent.end();
      });
      // SimpleSpanProcessor waits for async resource detection before exporting.
      await tracing.forceFlush();
      const spans = exporter.getFinishedSpans();
      expect(spans.map((s) => s.name).sort()).toEqual(['compute', 'query']);
      const [compute, query] = ['compute', 'query'].map((n) => spans.find((s) => s.name === n));
      expect(query?.parentSpanContext?.spanId).toBe(compute?.spanContext().spanId);
      expect(query?.spanContext().traceId).toBe(compute?.spanContext().traceId);
      expect(compute?.resource.attributes['service.name']).toBe('metrics');
    } finally {
      await tracing.shutdown();
    }
  });

  it('can start again after shutdown, and spans after shutdown are not recorded', async () => {
    const first = new InMemorySpanExporter();
    await startTracing({ service: 'a', exporter: first, processor: 'simple' }).shutdown();
    trace.getTracer('test').startSpan('after-shutdown').end();

    const second = new InMemorySpanExporter();
    const tracing = startTracing({ service: 'b', exporter: second });
    trace.getTracer('test').startSpan('batched').end();
    await tracing.forceFlush();
    expect(first.getFinishedSpans()).toEqual([]);
    expect(second.getFinishedSpans().map((s) => s.name)).toEqual(['batched']);
    await tracing.shutdown();
  });
});
