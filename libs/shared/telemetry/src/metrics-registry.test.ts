import { Counter } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetricsRegistry } from './index.js';

describe('createMetricsRegistry', () => {
  it('renders registered counters and default Node metrics with the service label', async () => {
    const registry = createMetricsRegistry({ service: 'ingest' });
    const events = new Counter({
      name: 'events_accepted_total',
      help: 'Events accepted',
      labelNames: ['source'] as const,
      registers: [registry],
    });
    events.inc({ source: 'web' }, 3);

    const text = await registry.metrics();
    expect(registry.contentType).toContain('text/plain');
    expect(text).toContain('# TYPE events_accepted_total counter');
    expect(text).toContain('events_accepted_total{source="web",service="ingest"} 3');
    expect(text).toMatch(/^process_cpu_user_seconds_total\{service="ingest"\} /m);
  });

  it('keeps registries apart, so two in one process do not clash', async () => {
    const a = createMetricsRegistry({ service: 'a' });
    const b = createMetricsRegistry({ service: 'b' });
    new Counter({ name: 'only_in_a_total', help: 'a', registers: [a] }).inc();
    expect(await a.metrics()).toContain('only_in_a_total{service="a"} 1');
    expect(await b.metrics()).not.toContain('only_in_a_total');
  });
});
