import { Code, ConnectError } from '@connectrpc/connect';
import { describe, expect, it } from 'vitest';
import { backoffMs, changedKeys, describeError, isCanceled, pushRecent } from './state.js';

describe('panel state', () => {
  it('names the failing service and what the gateway said', () => {
    const err = new ConnectError('metrics service unavailable (ECONNREFUSED)', Code.Unavailable);
    expect(describeError('metrics', err)).toEqual({
      service: 'metrics',
      code: 'unavailable',
      title: 'Metrics service unavailable',
      detail: 'metrics service unavailable (ECONNREFUSED)',
      needsToken: false,
    });
  });

  it('asks for a token on 401 and 403', () => {
    const e = describeError('realtime', new ConnectError('invalid token', Code.Unauthenticated));
    expect(e).toMatchObject({ title: 'Realtime: sign in with a reader token', needsToken: true });
    expect(describeError('insights', new ConnectError('x', Code.PermissionDenied)).needsToken).toBe(true);
  });

  it('maps other codes to their own titles, and anything else to unknown', () => {
    expect(describeError('insights', new ConnectError('off', Code.FailedPrecondition)).title).toBe(
      'Insights: feature turned off',
    );
    expect(describeError('metrics', new ConnectError('bad', Code.InvalidArgument)).code).toBe(
      'invalid_argument',
    );
    expect(describeError('metrics', new TypeError('Failed to fetch'))).toMatchObject({
      code: 'unknown',
      title: 'Metrics service failed (unknown)',
      detail: 'Failed to fetch',
    });
    expect(isCanceled(new ConnectError('gone', Code.Canceled))).toBe(true);
    expect(isCanceled(new ConnectError('x', Code.Internal))).toBe(false);
  });

  it('finds the changed tiles of a live update', () => {
    expect(changedKeys(undefined, { a: 1 })).toEqual([]);
    expect(changedKeys({ a: 1n, b: 2, c: 'x' }, { a: 2n, b: 2, c: 'y' })).toEqual(['a', 'c']);
  });

  it('keeps the newest items first and backs off reconnects', () => {
    expect(pushRecent([2, 1], 3, 2)).toEqual([3, 2]);
    expect([0, 1, 2, 3, 10].map((a) => backoffMs(a))).toEqual([1000, 2000, 4000, 8000, 15000]);
  });
});
