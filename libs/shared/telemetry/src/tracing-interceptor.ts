import { Code, ConnectError, type Interceptor } from '@connectrpc/connect';
import { context, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import { extractTraceContext, injectTraceHeaders } from './trace-propagation.js';

export interface TracingInterceptorOptions {
  /**
   * 'client' (default) starts a client span and sends its `traceparent` in the request headers;
   * 'server' continues the caller's trace from the request headers in a server span.
   */
  readonly side?: 'client' | 'server';
}

/**
 * A Connect interceptor that spans every RPC as `package.Service/Method`. The span ends when a unary
 * call returns or a response stream finishes, and carries the Connect code of a failed call.
 */
export function tracingInterceptor(options: TracingInterceptorOptions = {}): Interceptor {
  const side = options.side ?? 'client';
  return (next) => async (req) => {
    const name = `${req.service.typeName}/${req.method.name}`;
    const parent =
      side === 'server' ? extractTraceContext((key) => req.header.get(key) ?? undefined) : context.active();
    // Asked per call: a tracer taken once would outlive a tracing restart (tests, reconfiguration).
    const span = trace.getTracer('@broxiva/telemetry').startSpan(
      name,
      {
        kind: side === 'server' ? SpanKind.SERVER : SpanKind.CLIENT,
        attributes: {
          'rpc.system': 'connect_rpc',
          'rpc.service': req.service.typeName,
          'rpc.method': req.method.name,
        },
      },
      parent,
    );
    const ctx = trace.setSpan(parent, span);
    if (side === 'client') injectTraceHeaders((key, value) => req.header.set(key, value), ctx);
    try {
      const res = await context.with(ctx, () => next(req));
      if (!res.stream) {
        span.end();
        return res;
      }
      // A cancelled stream may never be pulled to its end: the call's signal (aborted when the call
      // closes, however it closes) ends the span then.
      const end = endOnce(span);
      req.signal.addEventListener('abort', end, { once: true });
      return { ...res, message: traceStream(res.message, ctx, span, end) };
    } catch (err) {
      failSpan(span, err);
      span.end();
      throw err;
    }
  };
}

// Stream messages are pulled lazily by the transport, outside the interceptor's call: each pull runs
// in the span's context so handler logs keep the trace ids, and the span ends with the stream.
async function* traceStream<T>(
  messages: AsyncIterable<T>,
  ctx: Context,
  span: Span,
  end: () => void,
): AsyncGenerator<T> {
  const iterator = messages[Symbol.asyncIterator]();
  try {
    for (;;) {
      const result = await context.with(ctx, () => iterator.next());
      if (result.done === true) return;
      yield result.value;
    }
  } catch (err) {
    failSpan(span, err);
    throw err;
  } finally {
    end();
    await iterator.return?.();
  }
}

function endOnce(span: Span): () => void {
  let ended = false;
  return () => {
    if (!ended) span.end();
    ended = true;
  };
}

function failSpan(span: Span, err: unknown): void {
  const code = ConnectError.from(err).code;
  span.setAttribute('rpc.connect_rpc.error_code', Code[code]);
  span.setStatus({ code: SpanStatusCode.ERROR, message: Code[code] });
  if (err instanceof Error) span.recordException(err);
}
