import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { MetricsService, OverviewSchema, RealtimeService } from '@broxiva/contracts';
import { createRpcServer, type RpcServer } from '@broxiva/rpc';
import { createLogger } from '@broxiva/telemetry';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpError } from '../http/http-error.js';
import { startInMemoryGateway } from '../testing/in-memory-gateway.js';
import { connectProxyHandler, type ConnectProxyDeps } from './connect-proxy.js';
import { firstOf } from './fallbacks.js';
import { webBundleHandler } from './web-bundle.js';

const logger = createLogger({ service: 'gateway-test', level: 'FATAL' });
const closed = 'http://127.0.0.1:1';
let gateway: Awaited<ReturnType<typeof startInMemoryGateway>> | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

describe('the web bundle at /', () => {
  const dist = mkdtempSync(join(tmpdir(), 'web-dist-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Broxiva</title>');
  writeFileSync(join(dist, 'assets', 'index-Bx12cd34.js'), 'console.log(1)');
  afterAll(() => rmSync(dist, { recursive: true, force: true }));

  it('serves index.html revalidated on every load and hashed assets as immutable', async () => {
    const g = (gateway = await startInMemoryGateway({}, { fallback: webBundleHandler(dist) }));
    const page = await g.fetch('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(await page.text()).toContain('<title>Broxiva</title>');
    const asset = await g.fetch('/assets/index-Bx12cd34.js');
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await asset.text()).toBe('console.log(1)');
  });

  it('leaves unknown paths and escapes from the bundle to the JSON 404', async () => {
    const g = (gateway = await startInMemoryGateway({}, { fallback: webBundleHandler(dist) }));
    for (const path of ['/nope.js', '/assets/..%2f..%2f..%2fetc%2fpasswd', '/realtime/nope']) {
      const res = await g.fetch(path);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { code: string }).code).toBe('not_found');
    }
  });

  it('answers / with 404 saying how to build the bundle when it is missing', async () => {
    const g = (gateway = await startInMemoryGateway(
      {},
      { fallback: webBundleHandler(join(dist, 'missing')) },
    ));
    const res = await g.fetch('/');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { message: string }).message).toMatch(
      /the web dashboard is not built .*npx nx run @broxiva\/web-app:build/,
    );
  });
});

describe('the Connect proxy', () => {
  let realtime: RpcServer;
  let releaseSecond: () => void = () => undefined;
  const overview = (activeUsers: bigint) =>
    create(OverviewSchema, { activeUsers, currency: 'EUR', revenueToday: 12.5 });

  beforeAll(async () => {
    realtime = createRpcServer({
      routes: (r) =>
        r.service(RealtimeService, {
          async *watchOverview() {
            yield { overview: overview(1n) };
            // The second message waits for the test: the first must have crossed the gateway by then.
            await new Promise<void>((resolve) => (releaseSecond = resolve));
            yield { overview: overview(2n) };
          },
          getOverview: () => ({ overview: overview(7n) }),
        }),
      grpcPort: 0,
      httpPort: 0,
      host: '127.0.0.1',
      cors: { allowedOrigins: '*' },
      logger,
    });
    await realtime.start();
  });
  afterAll(() => realtime.stop());

  const startProxy = (guard?: ConnectProxyDeps['guard']) =>
    startInMemoryGateway(
      {},
      {
        corsOrigins: '*',
        fallback: firstOf(
          connectProxyHandler({
            services: {
              ingest: closed,
              realtime: `http://127.0.0.1:${realtime.httpPort}`,
              metrics: closed,
              insights: closed,
            },
            logger,
            trustedProxyHops: 0,
            ...(guard === undefined ? {} : { guard }),
          }),
        ),
      },
    );
  const clientsOf = (base: string, headers: Record<string, string> = {}) => {
    const transport = createConnectTransport({
      baseUrl: base,
      httpVersion: '1.1',
      interceptors: [
        (next) => (req) => {
          for (const [k, v] of Object.entries(headers)) req.header.set(k, v);
          return next(req);
        },
      ],
    });
    return {
      realtime: createClient(RealtimeService, transport),
      metrics: createClient(MetricsService, transport),
    };
  };

  it('passes a WatchOverview stream through message by message', async () => {
    const g = (gateway = await startProxy());
    const { realtime: client } = clientsOf(g.base);
    const it = client.watchOverview({})[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.value?.overview?.activeUsers).toBe(1n);
    releaseSecond();
    const second = await it.next();
    expect(second.value?.overview?.activeUsers).toBe(2n);
    expect((await it.next()).done).toBe(true);
    expect((await client.getOverview({})).overview?.activeUsers).toBe(7n);
  });

  it('answers unavailable naming the service that cannot be reached, unary and streaming', async () => {
    const g = (gateway = await startProxy());
    const { metrics } = clientsOf(g.base);
    const err = await metrics.listDashboards({}).catch((e: unknown) => ConnectError.from(e));
    expect(err).toMatchObject({ code: Code.Unavailable });
    expect((err as ConnectError).rawMessage).toMatch(/^metrics service unavailable \(ECONNREFUSED\)$/);

    const g2 = await startInMemoryGateway(
      {},
      {
        fallback: connectProxyHandler({
          services: { ingest: closed, realtime: closed, metrics: closed, insights: closed },
          logger,
          trustedProxyHops: 0,
        }),
      },
    );
    try {
      const stream = clientsOf(g2.base).realtime.watchOverview({});
      const streamErr = await (async () => {
        for await (const _ of stream) return undefined;
      })().catch((e: unknown) => ConnectError.from(e));
      expect(streamErr).toMatchObject({
        code: Code.Unavailable,
        rawMessage: 'realtime service unavailable (ECONNREFUSED)',
      });
    } finally {
      await g2.close();
    }
  });

  it('applies the read routes’ guard, with admin for saved-dashboard writes', async () => {
    const seen: string[] = [];
    const g = (gateway = await startProxy(async (req, route) => {
      seen.push(route.access);
      if (req.headers.authorization !== 'Bearer good') {
        throw new HttpError(401, Code.Unauthenticated, 'a write key or bearer token is required');
      }
    }));
    const anonymous = clientsOf(g.base);
    await expect(anonymous.realtime.getOverview({})).rejects.toMatchObject({ code: Code.Unauthenticated });
    await expect(
      (async () => {
        for await (const _ of anonymous.realtime.watchOverview({})) return;
      })(),
    ).rejects.toMatchObject({ code: Code.Unauthenticated });
    const ok = clientsOf(g.base, { Authorization: 'Bearer good' });
    expect((await ok.realtime.getOverview({})).overview?.activeUsers).toBe(7n);
    await expect(ok.metrics.deleteDashboard({ id: 'x' })).rejects.toMatchObject({ code: Code.Unavailable });
    expect(seen).toEqual(['read', 'read', 'read', 'admin']);
  });
});
