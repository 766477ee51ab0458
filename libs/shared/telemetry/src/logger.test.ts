import { trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, startTracing, toPinoLevel, type LoggerOptions, type Tracing } from './index.js';

function memoryLogger(level: LoggerOptions['level']) {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    service: 'ingest',
    level,
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  });
  return { logger, lines };
}

describe('createLogger', () => {
  let tracing: Tracing;
  beforeAll(() => {
    tracing = startTracing({ service: 'ingest', exporter: 'none' });
  });
  afterAll(() => tracing.shutdown());

  it('writes one JSON object per line with the level label, service and message, no ids outside a span', () => {
    const { logger, lines } = memoryLogger('INFO');
    logger.info({ shop: 's1' }, 'accepted');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'info', service: 'ingest', shop: 's1', msg: 'accepted' });
    expect(lines[0]).not.toHaveProperty('trace_id');
    expect(typeof lines[0]?.['time']).toBe('string');
  });

  it('adds trace_id and span_id of the active span', () => {
    const { logger, lines } = memoryLogger('DEBUG');
    const ids = trace.getTracer('test').startActiveSpan('request', (span) => {
      logger.debug('inside');
      span.end();
      return span.spanContext();
    });
    expect(ids.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(lines[0]).toMatchObject({ level: 'debug', trace_id: ids.traceId, span_id: ids.spanId });
  });

  it('filters by the LOG_LEVEL word', () => {
    const { logger, lines } = memoryLogger('WARNING');
    logger.info('dropped');
    logger.warn('kept');
    logger.error('kept too');
    expect(lines.map((l) => l['level'])).toEqual(['warn', 'error']);
  });

  it.each([
    ['TRACE', 'trace'],
    ['DEBUG', 'debug'],
    ['INFO', 'info'],
    ['WARNING', 'warn'],
    ['WARN', 'warn'],
    ['ERROR', 'error'],
    ['CRITICAL', 'fatal'],
    ['FATAL', 'fatal'],
    ['warning', 'warn'],
  ] as const)('maps %s to pino %s', (word, level) => {
    expect(toPinoLevel(word)).toBe(level);
  });
});
