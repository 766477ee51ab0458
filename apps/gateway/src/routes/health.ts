import type { Client } from '@connectrpc/connect';
import { HealthCheckResponse_ServingStatus as ServingStatus, type Health } from '@broxiva/contracts';
import type { Logger } from '@broxiva/telemetry';
import type { Registry } from 'prom-client';
import type { Route } from '../http/route.js';

/** A dependency's check: resolves when it is up, rejects (or times out) when not. */
export type Probe = (signal: AbortSignal) => Promise<void>;

export interface HealthRoutesDeps {
  /** By name: each service (grpc.health.v1 Check) and Redis. */
  readonly probes: Readonly<Record<string, Probe>>;
  readonly timeoutMs: number;
  readonly registry: Registry;
  /** Where a failed probe's reason goes: it names hosts and ports, so it is logged, never answered. */
  readonly logger: Logger;
}

/** grpc.health.v1 Check of the whole server ("") as a probe. */
export const grpcHealthProbe =
  (client: Client<typeof Health>): Probe =>
  async (signal) => {
    const res = await client.check({ service: '' }, { signal });
    if (res.status !== ServingStatus.SERVING) throw new Error(`status ${ServingStatus[res.status]}`);
  };

/**
 * GET /health (liveness; `?ready=1` for readiness), GET /health/ready, GET /metrics. Readiness answers
 * each dependency's name, up/down and latency only: the public port must not map the internal network.
 */
export function healthRoutes(deps: HealthRoutesDeps): Route[] {
  async function readiness() {
    const entries = await Promise.all(
      Object.entries(deps.probes).map(async ([name, probe]) => {
        const started = performance.now();
        try {
          await probe(AbortSignal.timeout(deps.timeoutMs));
          return [name, { status: 'up', latency_ms: round(performance.now() - started) }] as const;
        } catch (err) {
          deps.logger.warn({ err, dependency: name }, 'readiness probe failed');
          return [name, { status: 'down', latency_ms: round(performance.now() - started) }] as const;
        }
      }),
    );
    const ready = entries.every(([, c]) => c.status === 'up');
    return {
      status: ready ? 200 : 503,
      body: { status: ready ? 'ready' : 'not_ready', checks: Object.fromEntries(entries) },
    };
  }
  return [
    {
      method: 'GET',
      path: '/health',
      access: 'public',
      tag: 'health',
      summary: 'Liveness: 200 while the process serves. With ?ready=1 the same as /health/ready.',
      async handle(ctx) {
        const ready = ctx.query.get('ready');
        if (ready === '1' || ready === 'true') return readiness();
        return { status: 200, body: { status: 'ok' } };
      },
    },
    {
      method: 'GET',
      path: '/health/ready',
      access: 'public',
      tag: 'health',
      summary: 'Readiness: each service and Redis, up or down with its latency; 503 when any is down.',
      responses: { '503': 'A dependency is down.' },
      handle: () => readiness(),
    },
    {
      method: 'GET',
      path: '/metrics',
      access: 'public',
      tag: 'health',
      summary: 'Prometheus text format: the gateway’s HTTP metrics (services export their own).',
      async handle(ctx) {
        const text = await deps.registry.metrics();
        ctx.res.writeHead(200, { 'Content-Type': deps.registry.contentType });
        ctx.res.end(text);
        return undefined;
      },
    },
  ];
}

const round = (ms: number) => Math.round(ms * 100) / 100;
