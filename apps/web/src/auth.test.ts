import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, createRouterTransport, createClient } from '@connectrpc/connect';
import { GetOverviewResponseSchema, OverviewSchema, RealtimeService } from '@broxiva/contracts';
import { describe, expect, it } from 'vitest';
import { authInterceptor, createTokenStore, signInMessage, type SignInReason } from './auth.js';

const memoryStorage = () => {
  const m = new Map<string, string>();
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
    size: () => m.size,
  };
};

/**
 * A client over Connect's in-memory router transport: a RealtimeService that accepts only the token
 * "good" and answers the headers it saw, so the interceptor runs through the real Connect stack.
 */
function client(token: string) {
  const seen: (string | null)[] = [];
  const reasons: SignInReason[] = [];
  const check = (auth: string | null) => {
    seen.push(auth);
    if (auth !== 'Bearer good')
      throw new ConnectError('invalid token: ERR_JWT_EXPIRED', Code.Unauthenticated);
  };
  const store = createTokenStore(memoryStorage());
  store.set(token);
  const transport = createRouterTransport(
    (r) =>
      r.service(RealtimeService, {
        getOverview: (_req, ctx) => {
          check(ctx.requestHeader.get('authorization'));
          return create(GetOverviewResponseSchema, { overview: create(OverviewSchema, { activeUsers: 7n }) });
        },
        async *watchOverview(_req, ctx) {
          yield { overview: create(OverviewSchema, { activeUsers: 1n }) };
          check(ctx.requestHeader.get('authorization'));
          yield { overview: create(OverviewSchema, { activeUsers: 2n }) };
        },
      }),
    { transport: { interceptors: [authInterceptor(store, (r) => reasons.push(r))] } },
  );
  return { api: createClient(RealtimeService, transport), seen, reasons };
}

describe('token store', () => {
  it('keeps a trimmed token without a pasted "Bearer " prefix; empty signs out', () => {
    const s = memoryStorage();
    const store = createTokenStore(s);
    expect(store.get()).toBe('');
    store.set('  Bearer abc.def.ghi \n');
    expect(store.get()).toBe('abc.def.ghi');
    store.set('   ');
    expect([store.get(), s.size()]).toEqual(['', 0]);
    store.set('x');
    store.clear();
    expect(store.get()).toBe('');
  });
});

describe('auth interceptor', () => {
  it('sends the stored token as a bearer header and lets a good call through', async () => {
    const c = client('good');
    const res = await c.api.getOverview({});
    expect(res.overview?.activeUsers).toBe(7n);
    expect(c.seen).toEqual(['Bearer good']);
    expect(c.reasons).toEqual([]);
  });

  it('sends no header without a token, reports the 401 as "no token" and still rejects the call', async () => {
    const c = client('');
    await expect(c.api.getOverview({})).rejects.toMatchObject({ code: Code.Unauthenticated });
    expect(c.seen).toEqual([null]);
    expect(c.reasons).toEqual([{ hadToken: false, detail: 'invalid token: ERR_JWT_EXPIRED' }]);
  });

  it('reports a refused token on a server stream that fails after its first message', async () => {
    const c = client('stale');
    const got: bigint[] = [];
    await expect(
      (async () => {
        for await (const m of c.api.watchOverview({})) got.push(m.overview?.activeUsers ?? -1n);
      })(),
    ).rejects.toMatchObject({ code: Code.Unauthenticated });
    expect(got).toEqual([1n]);
    expect(c.reasons).toEqual([{ hadToken: true, detail: 'invalid token: ERR_JWT_EXPIRED' }]);
  });

  it('does not report other failures', async () => {
    const reasons: SignInReason[] = [];
    const transport = createRouterTransport(
      (r) =>
        r.service(RealtimeService, {
          getOverview: () => {
            throw new ConnectError('role reader required', Code.PermissionDenied);
          },
        }),
      { transport: { interceptors: [authInterceptor({ get: () => 't' }, (r) => reasons.push(r))] } },
    );
    await expect(createClient(RealtimeService, transport).getOverview({})).rejects.toMatchObject({
      code: Code.PermissionDenied,
    });
    expect(reasons).toEqual([]);
  });
});

describe('sign-in message', () => {
  it('says whether a token is needed or the one given was refused, with the gateway’s reason', () => {
    expect(signInMessage({ hadToken: false, detail: 'a write key or bearer token is required' })).toMatch(
      /requires sign-in/,
    );
    expect(signInMessage({ hadToken: true, detail: 'invalid token: ERR_JWT_EXPIRED' })).toBe(
      'Your token was refused (invalid token: ERR_JWT_EXPIRED). It may have expired: paste a new one.',
    );
    expect(signInMessage(undefined)).toMatch(/reader role/);
  });
});
