import { Code, createClient, createRouterTransport } from '@connectrpc/connect';
import { Health, HealthCheckResponse_ServingStatus as Status } from '@broxiva/contracts';
import { describe, expect, it } from 'vitest';
import { createHealthService } from './index.js';
import { rejection } from './test-support.js';

function setup() {
  const health = createHealthService();
  const client = createClient(
    Health,
    createRouterTransport((router) => health.register(router)),
  );
  return { health, client };
}

describe('health service', () => {
  it('answers SERVING for the whole server and NOT_FOUND for a service never reported', async () => {
    const { client } = setup();
    expect((await client.check({ service: '' })).status).toBe(Status.SERVING);
    const err = await rejection(client.check({ service: 'ingest' }));
    expect(err.code).toBe(Code.NotFound);
    expect(err.rawMessage).toBe('unknown service "ingest"');
  });

  it('reports what was set, per service', async () => {
    const { health, client } = setup();
    health.setStatus('broxiva.analytics.ingest.v1.IngestService', 'NOT_SERVING');
    const res = await client.check({ service: 'broxiva.analytics.ingest.v1.IngestService' });
    expect(res.status).toBe(Status.NOT_SERVING);
  });

  it('watches: the current status at once, then each change; shutdown turns all NOT_SERVING', async () => {
    const { health, client } = setup();
    const abort = new AbortController();
    const stream = client.watch({ service: 'ingest' }, { signal: abort.signal })[Symbol.asyncIterator]();
    const next = async () => ((await stream.next()).value as { status: Status } | undefined)?.status;

    expect(await next()).toBe(Status.SERVICE_UNKNOWN);
    health.setStatus('ingest', 'SERVING');
    expect(await next()).toBe(Status.SERVING);
    health.setStatus('ingest', 'SERVING'); // no change: nothing sent
    health.setStatus('ingest', 'NOT_SERVING');
    expect(await next()).toBe(Status.NOT_SERVING);
    health.setStatus('ingest', 'SERVING');
    expect(await next()).toBe(Status.SERVING);
    health.shutdown();
    expect(await next()).toBe(Status.NOT_SERVING);
    health.setStatus('ingest', 'SERVING'); // ignored after shutdown
    expect((await client.check({ service: '' })).status).toBe(Status.NOT_SERVING);
    abort.abort();
  });
});
