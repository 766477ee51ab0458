import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RpcServer } from './index.js';
import { http1, http2Get } from './test-http.js';
import { allowedOrigin, startTestServer } from './test-server.js';

let server: RpcServer;
beforeAll(async () => ({ server } = await startTestServer()));
afterAll(() => server.stop());

describe('createRpcServer for browsers and plain HTTP', () => {
  it('answers a CORS preflight from an allowed origin on the HTTP/1.1 port', async () => {
    const res = await http1(server.httpPort, 'OPTIONS', '/grpc.health.v1.Health/Check', {
      Origin: allowedOrigin,
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'content-type,connect-protocol-version,authorization',
    });
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(allowedOrigin);
    expect(res.headers['vary']).toBe('Origin');
    expect(res.headers['access-control-allow-methods']).toBe('POST, GET');
    expect(res.headers['access-control-allow-headers']?.split(', ')).toEqual(
      expect.arrayContaining(['Content-Type', 'Connect-Protocol-Version', 'X-Grpc-Web', 'Authorization']),
    );
    expect(res.headers['access-control-max-age']).toBe('7200');
  });

  it('gives a preflight from another origin no Allow headers', async () => {
    const res = await http1(server.httpPort, 'OPTIONS', '/grpc.health.v1.Health/Check', {
      Origin: 'https://evil.example',
      'Access-Control-Request-Method': 'POST',
    });
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['access-control-allow-methods']).toBeUndefined();
  });

  it('answers a browser-style Connect POST with CORS headers', async () => {
    const res = await http1(
      server.httpPort,
      'POST',
      '/grpc.health.v1.Health/Check',
      { Origin: allowedOrigin, 'Content-Type': 'application/json', 'Connect-Protocol-Version': '1' },
      '{"service":""}',
    );
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: 'SERVING' });
    expect(res.headers['access-control-allow-origin']).toBe(allowedOrigin);
    expect(res.headers['access-control-expose-headers']?.split(', ')).toEqual(
      expect.arrayContaining(['Grpc-Status', 'Grpc-Message', 'broxiva-violations-bin']),
    );
  });

  it('serves plain HTTP routes on both ports, by path without the query, and 404 elsewhere', async () => {
    const metrics = await http1(server.httpPort, 'GET', '/metrics?x=1');
    expect(metrics.status).toBe(200);
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body).toMatch(/^process_cpu_user_seconds_total\{service="rpc-test"\} /m);
    expect(await http2Get(server.grpcPort, '/healthz')).toMatchObject({ status: 200, body: 'ok' });
    expect((await http1(server.httpPort, 'GET', '/nothing')).status).toBe(404);
  });
});
