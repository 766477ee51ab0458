import {
  EventStatus,
  IngestService,
  RealtimeService,
  OverviewSchema,
  MetricsService,
} from '@broxiva/contracts';
import { create } from '@bufbuild/protobuf';
import { createRedis } from '@broxiva/redis';
import { withTestPrefix } from '@broxiva/redis/testing';
import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInMemoryGateway } from '../testing/in-memory-gateway.js';
import { createGuard } from './guard.js';
import { createRateLimiter } from './rate-limit.js';
import { createWriteKeys } from './write-keys.js';

// Auth and rate limits on the real Redis (a test key prefix), tokens signed with jose.

const SECRET = new TextEncoder().encode('a-test-secret-of-at-least-32-bytes!!');
const keys = withTestPrefix();
const redis = createRedis({ url: 'redis://127.0.0.1:6379', keyPrefix: keys.prefix });
const writeKeys = createWriteKeys(redis);
let gateway: Awaited<ReturnType<typeof startInMemoryGateway>>;
let key: string;

beforeAll(async () => {
  key = await writeKeys.create('shop-frontend');
  gateway = await startInMemoryGateway(
    {
      ingest: (r) =>
        r.service(IngestService, {
          track: () => ({ result: { eventId: 'e-1', status: EventStatus.ACCEPTED } }),
        }),
      realtime: (r) =>
        r.service(RealtimeService, {
          getOverview: () => ({ overview: create(OverviewSchema, { activeUsers: 5n }) }),
        }),
      metrics: (r) => r.service(MetricsService, { deleteDashboard: () => ({}) }),
    },
    {
      guard: createGuard({
        writeKeys,
        jwt: { key: SECRET, issuer: 'https://auth.shop.example', audience: 'broxiva' },
        // A fixed clock 30 s before the end of its minute: the window cannot roll over mid-test.
        rateLimit: createRateLimiter(redis, 5, () => 1_700_000_010_000),
      }),
    },
  );
});
afterAll(async () => {
  await gateway.close();
  redis.disconnect();
  await keys.cleanup();
});

const token = (
  claims: Record<string, unknown>,
  o: { exp?: string; aud?: string; iss?: string; secret?: Uint8Array } = {},
) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(String(claims['sub'] ?? 'analyst-1'))
    .setIssuer(o.iss ?? 'https://auth.shop.example')
    .setAudience(o.aud ?? 'broxiva')
    .setIssuedAt()
    .setExpirationTime(o.exp ?? '5m')
    .sign(o.secret ?? SECRET);
const track = (headers: Record<string, string>) =>
  gateway.fetch('/events/track', {
    method: 'POST',
    headers,
    body: JSON.stringify({ event_type: 'page_view', user_id: 'u' }),
  });
const overview = (auth?: string) =>
  gateway.fetch(
    '/realtime/overview',
    auth === undefined ? {} : { headers: { authorization: `Bearer ${auth}` } },
  );

describe('write keys on ingest routes', () => {
  it('accepts a stored key as Bearer or X-API-Key and refuses a missing or unknown one with 401', async () => {
    expect((await track({ authorization: `Bearer ${key}` })).status).toBe(200);
    expect((await track({ 'x-api-key': key })).status).toBe(200);
    const missing = await track({});
    expect([missing.status, missing.headers.get('www-authenticate')]).toEqual([401, 'Bearer']);
    expect(await missing.json()).toEqual({
      code: 'unauthenticated',
      message: 'a write key or bearer token is required',
    });
    expect((await track({ 'x-api-key': `${key}x` })).status).toBe(401);
  });

  it('stores only the hash, and a revoked key stops working', async () => {
    const k = await writeKeys.create('old-tracker');
    const stored = await redis.hgetall('write-keys:by-hash');
    expect(Object.keys(stored).some((h) => h.includes(k) || stored[h]?.includes(k))).toBe(false);
    expect((await track({ 'x-api-key': k })).status).toBe(200);
    expect(await writeKeys.revoke('old-tracker')).toBe(true);
    expect((await track({ 'x-api-key': k })).status).toBe(401);
    expect(await writeKeys.list()).toEqual(['shop-frontend']);
  });
});

describe('JWT on read routes', () => {
  it('lets a reader read, and refuses expired, forged, wrong-audience, wrong-issuer and alg none tokens', async () => {
    expect((await overview(await token({ roles: ['reader'] }))).status).toBe(200);
    const refused = {
      none: new UnsecuredJWT({ roles: ['admin'], sub: 'x' })
        .setIssuer('https://auth.shop.example')
        .setAudience('broxiva')
        .setExpirationTime('5m')
        .encode(),
      expired: await token({ roles: ['reader'] }, { exp: '-1m' }),
      forged: await token(
        { roles: ['reader'] },
        { secret: new TextEncoder().encode('another-secret-of-at-least-32-bytes!') },
      ),
      audience: await token({ roles: ['reader'] }, { aud: 'someone-else' }),
      issuer: await token({ roles: ['reader'] }, { iss: 'https://evil.example' }),
      'a write key': key,
    };
    for (const [name, t] of Object.entries(refused)) {
      const res = await overview(t);
      expect([name, res.status]).toEqual([name, 401]);
    }
    expect((await overview()).status).toBe(401);
  });

  it('answers 403 for the wrong role: reader may not delete a dashboard, admin may', async () => {
    const asReader = await gateway.fetch('/dashboards/d-1', {
      method: 'DELETE',
      headers: { authorization: `Bearer ${await token({ roles: ['reader'] })}` },
    });
    expect(await asReader.json()).toEqual({ code: 'permission_denied', message: 'role admin required' });
    expect(asReader.status).toBe(403);
    expect((await overview(await token({ roles: ['guest'] }))).status).toBe(403);
    const asAdmin = await gateway.fetch('/dashboards/d-1', {
      method: 'DELETE',
      headers: { authorization: `Bearer ${await token({ roles: ['admin'], sub: 'admin-1' })}` },
    });
    expect(asAdmin.status).toBe(204);
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After once a subject is past its limit per minute, others unaffected', async () => {
    const t = await token({ roles: ['reader'], sub: 'busy-analyst' });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await overview(t)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const limited = await overview(t);
    expect(limited.headers.get('retry-after')).toBe('30');
    expect(await limited.json()).toEqual({ code: 'resource_exhausted', message: 'rate limit exceeded' });
    expect((await overview(await token({ roles: ['reader'], sub: 'calm-analyst' }))).status).toBe(200);
    // The window's counter sits under the client's key prefix (cleaned up with it) and expires with the window.
    const window = Math.floor(1_700_000_010_000 / 60_000);
    expect(await redis.get(`rate:sub:busy-analyst:${window}`)).toBe('8');
    const ttl = await redis.ttl(`rate:sub:busy-analyst:${window}`);
    expect(ttl > 0 && ttl <= 61).toBe(true);
  });

  it('decides hits arriving together as one command each would, in arrival order, in one counter', async () => {
    const limiter = createRateLimiter(redis, 5, () => 1_700_000_010_000);
    const burst = await Promise.all(Array.from({ length: 7 }, () => limiter('key:burst')));
    expect(burst.map((d) => d.allowed)).toEqual([true, true, true, true, true, false, false]);
    expect(burst.map((d) => d.retryAfterSeconds)).toEqual(Array(7).fill(30));
    const window = Math.floor(1_700_000_010_000 / 60_000);
    expect(await redis.get(`rate:key:burst:${window}`)).toBe('7');
    const ttl = await redis.ttl(`rate:key:burst:${window}`);
    expect(ttl > 0 && ttl <= 61).toBe(true);
    // Later hits carry on from there; other subjects have their own counters.
    const [later, other] = await Promise.all([limiter('key:burst'), limiter('key:calm')]);
    expect([later?.allowed, other?.allowed]).toEqual([false, true]);
    expect(await redis.get(`rate:key:burst:${window}`)).toBe('8');
  });

  it('answers 503 when Redis is unreachable, never lets the call through', async () => {
    const down = createRedis({
      url: 'redis://127.0.0.1:1',
      keyPrefix: 'x',
      failFast: true,
      lazyConnect: true,
    });
    const g = await startInMemoryGateway(
      { ingest: (r) => r.service(IngestService, { track: () => ({}) }) },
      {
        guard: createGuard({
          writeKeys: createWriteKeys(down),
          jwt: { key: SECRET, issuer: 'i', audience: 'a' },
          rateLimit: createRateLimiter(down, 5),
        }),
      },
    );
    try {
      const res = await g.fetch('/events/track', {
        method: 'POST',
        headers: { 'x-api-key': 'k' },
        body: '{}',
      });
      expect(res.status).toBe(503);
    } finally {
      await g.close();
      down.disconnect();
    }
  });
});
