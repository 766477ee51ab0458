import { extractTraceContext } from '@broxiva/telemetry';
import { SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import type { IncomingMessage } from 'node:http';

export interface ServerSpan {
  /** The request's context: run the handler in it so the Connect client span becomes its child. */
  readonly context: Context;
  /** Names the span after the route template once it is known (`POST /events/track`). */
  route(template: string): void;
  /** Records the response status (5xx marks the span failed) and ends the span; later calls do nothing. */
  end(status: number): void;
}

/**
 * An OpenTelemetry server span for one HTTP request, continuing the caller's W3C `traceparent` when it
 * sent one. Attributes follow the HTTP semantic conventions (method, route template, status); the raw
 * path is left out, as ids in it would make every span name unique.
 */
export function startServerSpan(req: IncomingMessage): ServerSpan {
  const method = req.method ?? 'GET';
  const parent = extractTraceContext((key) => {
    const v = req.headers[key];
    return Array.isArray(v) ? v[0] : v;
  });
  // Asked per request: a tracer taken once would outlive a tracing restart (tests, reconfiguration).
  const span: Span = trace
    .getTracer('@broxiva/gateway')
    .startSpan(
      method,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'url.scheme': 'http' } },
      parent,
    );
  let ended = false;
  return {
    context: trace.setSpan(parent, span),
    route(template) {
      span.updateName(`${method} ${template}`);
      span.setAttribute('http.route', template);
    },
    end(status) {
      if (ended) return;
      ended = true;
      span.setAttribute('http.response.status_code', status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    },
  };
}
