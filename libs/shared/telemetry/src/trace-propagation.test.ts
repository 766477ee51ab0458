import { context, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractTraceContext, injectTraceHeaders, startTracing, type Tracing } from './index.js';

describe('injectTraceHeaders / extractTraceContext', () => {
  let tracing: Tracing;
  beforeAll(() => {
    tracing = startTracing({ service: 'bus', exporter: 'none' });
  });
  afterAll(() => tracing.shutdown());

  it('carries the trace through a header map into a child span on the other side', () => {
    const headers = new Map<string, string>();
    const sent = trace.getTracer('test').startActiveSpan('publish', (span) => {
      injectTraceHeaders((key, value) => headers.set(key, value));
      span.end();
      return span.spanContext();
    });
    expect(headers.get('traceparent')).toBe(`00-${sent.traceId}-${sent.spanId}-01`);

    const received = extractTraceContext((key) => headers.get(key));
    const child = context.with(received, () => trace.getTracer('test').startSpan('consume'));
    expect(child.spanContext().traceId).toBe(sent.traceId);
    expect(child.spanContext().spanId).not.toBe(sent.spanId);
    child.end();
  });

  it('writes nothing outside a span and extracts nothing from empty headers', () => {
    const headers = new Map<string, string>();
    injectTraceHeaders((key, value) => headers.set(key, value));
    expect(headers.size).toBe(0);
    expect(trace.getSpan(extractTraceContext(() => undefined))).toBeUndefined();
  });
});
