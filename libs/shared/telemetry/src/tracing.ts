import { context, propagation, trace } from '@opentelemetry/api';
import { core, NodeSDK } from '@opentelemetry/sdk-node';
import { hostDetector, processDetector } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  NoopSpanProcessor,
  ParentBasedSampler,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';

export interface TracingOptions {
  /** The OpenTelemetry `service.name` of every span. */
  readonly service: string;
  /**
   * 'none' still creates spans (ids for log correlation and propagation) but exports nothing;
   * 'console' prints finished spans; an exporter instance (OTLP, in-memory) receives them.
   */
  readonly exporter: 'none' | 'console' | SpanExporter;
  /** How spans reach an exporter instance: 'batch' (default) or 'simple' (one export per span, tests). */
  readonly processor?: 'batch' | 'simple';
}

export interface Tracing {
  /** Exports every finished span now; read an in-memory exporter only after this. */
  forceFlush(): Promise<void>;
  /** Flushes, stops the SDK and unregisters the global tracer, propagator and context manager. */
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry Node SDK for traces only, with W3C trace-context and baggage propagation.
 * Metrics go through prom-client and logs through pino, so the SDK's metric and log pipelines are
 * switched off explicitly; otherwise it would read OTEL_* variables and start OTLP exporters.
 */
export function startTracing(options: TracingOptions): Tracing {
  const processor = spanProcessor(options);
  const sdk = new NodeSDK({
    serviceName: options.service,
    // No envDetector: libraries take options and never read the environment.
    resourceDetectors: [hostDetector, processDetector],
    textMapPropagator: new core.CompositePropagator({
      propagators: [new core.W3CTraceContextPropagator(), new core.W3CBaggagePropagator()],
    }),
    sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
    spanProcessors: [processor],
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  return {
    forceFlush: () => processor.forceFlush(),
    async shutdown() {
      await sdk.shutdown();
      // NodeSDK leaves its globals registered; clearing them lets a later startTracing (tests, restarts) register.
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}

function spanProcessor(options: TracingOptions): SpanProcessor {
  // The SDK registers no tracer at all without a processor; a no-op one keeps real ids flowing.
  if (options.exporter === 'none') return new NoopSpanProcessor();
  if (options.exporter === 'console') return new SimpleSpanProcessor(new ConsoleSpanExporter());
  return options.processor === 'simple'
    ? new SimpleSpanProcessor(options.exporter)
    : new BatchSpanProcessor(options.exporter);
}
