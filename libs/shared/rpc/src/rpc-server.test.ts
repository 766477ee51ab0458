import { Code, createClient, type Transport } from '@connectrpc/connect';
import { createConnectTransport, createGrpcWebTransport } from '@connectrpc/connect-node';
import { Health, HealthCheckResponse_ServingStatus as Status, IngestService } from '@broxiva/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RpcServer } from './index.js';
import { startTestServer } from './test-server.js';
import { rejection } from './test-support.js';

let server: RpcServer;
beforeAll(async () => ({ server } = await startTestServer()));
afterAll(() => server.stop());

const url = (port: number) => `http://127.0.0.1:${port}`;
const transports: [string, () => Transport][] = [
  ['Connect over h2c', () => createConnectTransport({ baseUrl: url(server.grpcPort), httpVersion: '2' })],
  [
    'Connect over HTTP/1.1',
    () => createConnectTransport({ baseUrl: url(server.httpPort), httpVersion: '1.1' }),
  ],
  [
    'gRPC-Web over HTTP/1.1',
    () => createGrpcWebTransport({ baseUrl: url(server.httpPort), httpVersion: '1.1' }),
  ],
  ['gRPC-Web over h2c', () => createGrpcWebTransport({ baseUrl: url(server.grpcPort), httpVersion: '2' })],
];

describe('createRpcServer', () => {
  it('binds both ports when asked for port 0', () => {
    expect(server.grpcPort).toBeGreaterThan(0);
    expect(server.httpPort).toBeGreaterThan(0);
    expect(server.grpcPort).not.toBe(server.httpPort);
  });

  it.each(transports)('answers health Check and the app routes with %s', async (_name, transport) => {
    const health = createClient(Health, transport());
    expect((await health.check({ service: '' })).status).toBe(Status.SERVING);
    expect((await rejection(health.check({ service: 'nope' }))).code).toBe(Code.NotFound);
    const ingest = createClient(IngestService, transport());
    expect((await ingest.getEvent({ eventId: 'e1' })).event?.eventId).toBe('e1');
    const err = await rejection(ingest.getEvent({ eventId: 'e2' }));
    expect([err.code, err.rawMessage]).toEqual([Code.NotFound, 'event e2 not found']);
  });

  it('sends a health status change to a Watch over h2c', async () => {
    const abort = new AbortController();
    const health = createClient(
      Health,
      createConnectTransport({ baseUrl: url(server.grpcPort), httpVersion: '2' }),
    );
    const stream = health.watch({ service: 'ingest' }, { signal: abort.signal })[Symbol.asyncIterator]();
    expect((await stream.next()).value?.status).toBe(Status.SERVICE_UNKNOWN);
    server.health.setStatus('ingest', 'SERVING');
    expect((await stream.next()).value?.status).toBe(Status.SERVING);
    abort.abort();
  });
});
