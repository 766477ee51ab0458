import { context, propagation, type Context } from '@opentelemetry/api';

/** Writes one header of a carrier (NATS message headers, HTTP headers, a plain object). */
export type HeaderSetter = (key: string, value: string) => void;
/** Reads one header of a carrier; the W3C propagator asks only for `traceparent`, `tracestate`, `baggage`. */
export type HeaderGetter = (key: string) => string | undefined;

/**
 * Writes the trace context of `ctx` (the active one by default) through `set`, as W3C `traceparent`,
 * `tracestate` and `baggage`. Writes nothing when no span is active or tracing was not started.
 */
export function injectTraceHeaders(set: HeaderSetter, ctx: Context = context.active()): void {
  propagation.inject(ctx, undefined, { set: (_carrier, key, value) => set(key, value) });
}

/**
 * Returns `base` (the active context by default) with the remote span read through `get` as parent.
 * Run work in it with `context.with(extractTraceContext(get), fn)` so its spans join the caller's trace.
 */
export function extractTraceContext(get: HeaderGetter, base: Context = context.active()): Context {
  return propagation.extract(base, undefined, {
    get: (_carrier, key) => get(key),
    keys: () => [],
  });
}
