import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import pino from 'pino';
import type { DestinationStream, Level, Logger } from 'pino';

export type { Logger };

/** The product's LOG_LEVEL words (see @broxiva/config); lower case is accepted too. */
export type LogLevelName = 'TRACE' | 'DEBUG' | 'INFO' | 'WARNING' | 'WARN' | 'ERROR' | 'CRITICAL' | 'FATAL';

// pino has no "warning" or "critical": the operator's words map onto its nearest level.
const pinoLevels: Record<LogLevelName, Level> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARNING: 'warn',
  WARN: 'warn',
  ERROR: 'error',
  CRITICAL: 'fatal',
  FATAL: 'fatal',
};

export interface LoggerOptions {
  /** Written as `service` on every line. */
  readonly service: string;
  readonly level: LogLevelName | Lowercase<LogLevelName>;
  /** Where lines go; stdout when omitted. Tests pass an in-memory stream. */
  readonly destination?: DestinationStream;
}

/** Maps a LOG_LEVEL word to pino's level name. */
export function toPinoLevel(level: LogLevelName | Lowercase<LogLevelName>): Level {
  return pinoLevels[level.toUpperCase() as LogLevelName];
}

/**
 * A pino JSON logger. Each line carries `trace_id` and `span_id` of the span active when it is written,
 * so logs and traces of one request can be joined in any backend.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: toPinoLevel(options.level),
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Labels instead of pino's numbers: readable in `kubectl logs` and matched by log shippers as-is.
      formatters: { level: (label) => ({ level: label }) },
      mixin: activeSpanIds,
    },
    options.destination,
  );
}

function activeSpanIds(): Record<string, string> {
  const span = trace.getSpan(context.active());
  if (span === undefined) return {};
  const ids = span.spanContext();
  // A non-recording span from an absent SDK has all-zero ids: not worth printing.
  if (!isSpanContextValid(ids)) return {};
  return { trace_id: ids.traceId, span_id: ids.spanId };
}
