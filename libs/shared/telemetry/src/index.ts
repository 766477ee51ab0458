export { createLogger, toPinoLevel, type Logger, type LoggerOptions, type LogLevelName } from './logger.js';
export { startTracing, type Tracing, type TracingOptions } from './tracing.js';
export {
  extractTraceContext,
  injectTraceHeaders,
  type HeaderGetter,
  type HeaderSetter,
} from './trace-propagation.js';
export { tracingInterceptor, type TracingInterceptorOptions } from './tracing-interceptor.js';
export { createMetricsRegistry, type MetricsRegistryOptions } from './metrics-registry.js';
