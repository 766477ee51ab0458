import { create } from '@bufbuild/protobuf';
import { OverviewSchema, RealtimeService } from '@broxiva/contracts';
import { createRpcServer, type RpcServer } from '@broxiva/rpc';
import { createLogger } from '@broxiva/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInMemoryGateway } from '../testing/in-memory-gateway.js';
import { connectProxyHandler } from '../web/connect-proxy.js';

// Browsers reach the services' Connect endpoints through the gateway's origin: the preflight and the
// call itself get the gateway's CORS answer (allow-list), never the service's own.

const logger = createLogger({ service: 'gateway-test', level: 'FATAL' });
const closed = 'http://127.0.0.1:1';
const RPC = '/broxiva.analytics.realtime.v1.RealtimeService/GetOverview';
const ALLOWED = 'https://shop.example';
const BROWSER_HEADERS = [
  'authorization',
  'content-type',
  'connect-protocol-version',
  'connect-timeout-ms',
  'grpc-timeout',
  'x-grpc-web',
  'x-user-agent',
  'traceparent',
];

let realtime: RpcServer;
let gateway: Awaited<ReturnType<typeof startInMemoryGateway>>;
beforeAll(async () => {
  // The service itself allows any origin: the gateway must not pass that through.
  realtime = createRpcServer({
    routes: (r) =>
      r.service(RealtimeService, {
        getOverview: () => ({ overview: create(OverviewSchema, { activeUsers: 3n, currency: 'EUR' }) }),
      }),
    grpcPort: 0,
    httpPort: 0,
    host: '127.0.0.1',
    cors: { allowedOrigins: '*' },
    logger,
  });
  await realtime.start();
  gateway = await startInMemoryGateway(
    {},
    {
      corsOrigins: [ALLOWED],
      fallback: connectProxyHandler({
        services: {
          ingest: closed,
          realtime: `http://127.0.0.1:${realtime.httpPort}`,
          metrics: closed,
          insights: closed,
        },
        logger,
        trustedProxyHops: 0,
      }),
    },
  );
});
afterAll(async () => {
  await gateway?.close();
  await realtime?.stop();
});

const preflight = (path: string, origin: string, method = 'POST') =>
  gateway.fetch(path, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': method,
      'access-control-request-headers': BROWSER_HEADERS.join(','),
    },
  });
const listOf = (value: string | null) => (value ?? '').split(',').map((s) => s.trim().toLowerCase());
const corsHeadersOf = (res: Response) =>
  [...res.headers.keys()].filter((k) => k.startsWith('access-control-')).sort();

describe('CORS on the Connect proxy paths', () => {
  it('answers an allowed origin’s preflight with the Connect, gRPC-Web and auth headers', async () => {
    for (const method of ['POST', 'GET']) {
      const res = await preflight(RPC, ALLOWED, method);
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      expect(listOf(res.headers.get('access-control-allow-methods'))).toEqual(
        expect.arrayContaining(['get', 'post']),
      );
      expect(listOf(res.headers.get('access-control-allow-headers'))).toEqual(
        expect.arrayContaining(BROWSER_HEADERS),
      );
      expect(listOf(res.headers.get('access-control-expose-headers'))).toEqual(
        expect.arrayContaining(['grpc-status', 'grpc-message', 'grpc-status-details-bin', 'retry-after']),
      );
      expect(Number(res.headers.get('access-control-max-age'))).toBeGreaterThan(0);
      expect(res.headers.get('vary')).toBe('Origin');
    }
  });

  it('gives a disallowed origin no Access-Control header at all, on the preflight and on the call', async () => {
    const res = await preflight(RPC, 'https://evil.example');
    expect(res.status).toBe(204);
    expect(corsHeadersOf(res)).toEqual([]);
    expect(res.headers.get('vary')).toBe('Origin');

    // The call goes through (CORS is the browser's to enforce), but the service's own `*` is not passed on.
    const call = await gateway.fetch(RPC, {
      method: 'POST',
      headers: {
        origin: 'https://evil.example',
        'content-type': 'application/json',
        'connect-protocol-version': '1',
      },
      body: '{}',
    });
    expect(call.status).toBe(200);
    expect(corsHeadersOf(call)).toEqual([]);
  });

  it('answers the allowed origin’s call with its origin once and the readable status headers', async () => {
    const call = await gateway.fetch(RPC, {
      method: 'POST',
      headers: { origin: ALLOWED, 'content-type': 'application/json', 'connect-protocol-version': '1' },
      body: '{}',
    });
    expect(call.status).toBe(200);
    expect(await call.json()).toMatchObject({ overview: { activeUsers: '3' } });
    expect(call.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(listOf(call.headers.get('access-control-expose-headers'))).toEqual(
      expect.arrayContaining(['grpc-status', 'grpc-message']),
    );
  });

  it('answers REST route preflights the same way', async () => {
    const ok = await preflight('/realtime/overview', ALLOWED, 'GET');
    expect([ok.status, ok.headers.get('access-control-allow-origin')]).toEqual([204, ALLOWED]);
    expect(listOf(ok.headers.get('access-control-allow-headers'))).toEqual(
      expect.arrayContaining(['authorization', 'x-api-key', 'content-type']),
    );
    expect(corsHeadersOf(await preflight('/realtime/overview', 'https://evil.example', 'GET'))).toEqual([]);
  });
});
