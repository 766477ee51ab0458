import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, createClient, createRouterTransport } from '@connectrpc/connect';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { Health, HealthCheckResponse_ServingStatus, HealthCheckResponseSchema } from '@broxiva/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTracing, tracingInterceptor, type Tracing } from './index.js';

describe('tracingInterceptor', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  beforeAll(() => {
    tracing = startTracing({ service: 'gateway', exporter, processor: 'simple' });
  });
  afterAll(() => tracing.shutdown());

  function client(seen: string[]) {
    const transport = createRouterTransport(
      (router) =>
        router.service(Health, {
          check(req) {
            // The handler runs inside the server span: its trace id is what logs would carry.
            seen.push(trace.getActiveSpan()?.spanContext().traceId ?? 'none');
            if (req.service === 'broken') throw new ConnectError('down', Code.Unavailable);
            return create(HealthCheckResponseSchema, { status: HealthCheckResponse_ServingStatus.SERVING });
          },
          async *watch() {
            seen.push(trace.getActiveSpan()?.spanContext().traceId ?? 'none');
            yield create(HealthCheckResponseSchema, { status: HealthCheckResponse_ServingStatus.SERVING });
          },
        }),
      {
        transport: { interceptors: [tracingInterceptor()] },
        router: { interceptors: [tracingInterceptor({ side: 'server' })] },
      },
    );
    return createClient(Health, transport);
  }

  it('continues the client trace in a server span named after the RPC', async () => {
    exporter.reset();
    const seen: string[] = [];
    await client(seen).check({ service: '' });
    await tracing.forceFlush();
    const spans = exporter.getFinishedSpans();
    const server = spans.find((s) => s.kind === SpanKind.SERVER);
    const clientSpan = spans.find((s) => s.kind === SpanKind.CLIENT);
    expect(server?.name).toBe('grpc.health.v1.Health/Check');
    expect(clientSpan?.name).toBe('grpc.health.v1.Health/Check');
    expect(server?.spanContext().traceId).toBe(clientSpan?.spanContext().traceId);
    expect(server?.parentSpanContext?.spanId).toBe(clientSpan?.spanContext().spanId);
    expect(seen).toEqual([server?.spanContext().traceId]);
  });

  it('marks failed calls with the Connect code, and ends stream spans with the stream', async () => {
    exporter.reset();
    const seen: string[] = [];
    await expect(client(seen).check({ service: 'broken' })).rejects.toThrow('down');
    // Read to the end: the in-memory transport does not tell the server when a client stops early.
    const statuses = [];
    for await (const res of client(seen).watch({ service: '' })) statuses.push(res.status);
    expect(statuses).toEqual([HealthCheckResponse_ServingStatus.SERVING]);
    await tracing.forceFlush();
    const [check, watch] = ['Check', 'Watch'].map((m) =>
      exporter.getFinishedSpans().find((s) => s.kind === SpanKind.SERVER && s.name.endsWith(m)),
    );
    expect(check?.attributes['rpc.connect_rpc.error_code']).toBe('Unavailable');
    expect(check?.status.code).toBe(SpanStatusCode.ERROR);
    expect(watch?.status.code).toBe(SpanStatusCode.UNSET);
    expect(seen[1]).toBe(watch?.spanContext().traceId);
  });
});
