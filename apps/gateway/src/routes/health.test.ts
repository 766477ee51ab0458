import { createLogger } from '@broxiva/telemetry';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { createServiceClients, createTransports } from '../clients.js';
import { serve } from '../testing/gateway-server.js';
import { grpcHealthProbe, healthRoutes } from './health.js';

// Readiness is public: it must say which dependency is down without mapping the internal network.

let server: Awaited<ReturnType<typeof serve>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('GET /health/ready', () => {
  it('answers names, up/down and latency only; the reasons (hosts, ports, URLs) go to the log', async () => {
    // A real gRPC transport to a closed port (its error names 127.0.0.1:1) and a probe whose error holds a URL.
    const clients = createServiceClients(
      createTransports({
        ingest: 'http://127.0.0.1:1',
        realtime: 'http://127.0.0.1:1',
        metrics: 'http://127.0.0.1:1',
        insights: 'http://127.0.0.1:1',
      }),
    );
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({
      service: 'gateway-test',
      level: 'INFO',
      destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
    });
    const routes = healthRoutes({
      registry: new Registry(),
      logger,
      timeoutMs: 1000,
      probes: {
        ingest: grpcHealthProbe(clients.health.ingest),
        redis: () =>
          Promise.reject(
            new Error('connect ECONNREFUSED 10.1.2.3:6379 (redis://:s3cret@redis.internal:6379)'),
          ),
        postgres: () => Promise.resolve(),
      },
    });
    server = await serve(
      buildApp({
        routes,
        logger,
        body: { maxBytes: 1024, maxDepth: 8 },
        trustedProxyHops: 0,
        corsOrigins: [],
      }),
    );
    for (const path of ['/health/ready', '/health?ready=1']) {
      const res = await server.fetch(path);
      const text = await res.text();
      expect(res.status).toBe(503);
      const body = JSON.parse(text) as { status: string; checks: Record<string, Record<string, unknown>> };
      expect(body).toEqual({
        status: 'not_ready',
        checks: {
          ingest: { status: 'down', latency_ms: expect.any(Number) },
          redis: { status: 'down', latency_ms: expect.any(Number) },
          postgres: { status: 'up', latency_ms: expect.any(Number) },
        },
      });
      expect(text).not.toMatch(/127\.0\.0\.1|10\.1\.2\.3|\.internal|redis:|https?:|s3cret|ECONN/);
    }
    // The operator still learns why, from the gateway's own log.
    const failures = lines.filter((l) => l['msg'] === 'readiness probe failed');
    expect(failures.map((l) => l['dependency']).sort()).toEqual(['ingest', 'ingest', 'redis', 'redis']);
    expect(JSON.stringify(failures)).toContain('10.1.2.3:6379');
    expect(JSON.stringify(failures)).toContain('127.0.0.1:1');
  });

  it('answers 200 ready when every dependency is up', async () => {
    const logger = createLogger({ service: 'gateway-test', level: 'FATAL' });
    const routes = healthRoutes({
      registry: new Registry(),
      logger,
      timeoutMs: 1000,
      probes: { redis: () => Promise.resolve() },
    });
    server = await serve(
      buildApp({
        routes,
        logger,
        body: { maxBytes: 1024, maxDepth: 8 },
        trustedProxyHops: 0,
        corsOrigins: [],
      }),
    );
    const res = await server.fetch('/health/ready');
    expect([res.status, await res.json()]).toEqual([
      200,
      { status: 'ready', checks: { redis: { status: 'up', latency_ms: expect.any(Number) } } },
    ]);
  });
});
