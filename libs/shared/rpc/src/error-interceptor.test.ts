import { create } from '@bufbuild/protobuf';
import {
  Code,
  ConnectError,
  createClient,
  createRouterTransport,
  decodeBinaryHeader,
} from '@connectrpc/connect';
import { GetEventResponseSchema, Health, HealthCheckResponseSchema, IngestService } from '@broxiva/contracts';
import { ConnectionException, UniqueConstraintViolationException } from '@mikro-orm/core';
import { ConnectionError, NoRespondersError, RequestError, TimeoutError } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import {
  errorInterceptor,
  NotFoundError,
  OverloadError,
  ValidationError,
  violationsMetadataKey,
} from './index.js';
import { memoryLogger, rejection } from './test-support.js';

const violations = [
  { field: 'event_id', rule: 'uuid', description: 'must be a UUID' },
  { field: 'shop_id', rule: 'required', description: 'must not be empty' },
];
const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:5432'), { code: 'ECONNREFUSED' });

// What a handler throws, by the event id the test asks for.
const thrown: Record<string, () => unknown> = {
  connect: () => new ConnectError('not yours', Code.PermissionDenied),
  validation: () => new ValidationError(violations),
  missing: () => new NotFoundError('event e1 not found'),
  unique: () => new UniqueConstraintViolationException(new Error('duplicate key value (id)=(42)')),
  econnrefused: refused,
  econnreset: () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
  etimedout: () => Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' }),
  wrapped: () => new Error('query failed', { cause: refused() }),
  'orm-connection': () => new ConnectionException(new Error('connection terminated')),
  'nats-connection': () => new ConnectionError('disconnected'),
  'nats-timeout': () => new TimeoutError(),
  'nats-no-responders': () => new RequestError('request failed', { cause: new NoRespondersError('kpi.get') }),
  overload: () => new OverloadError('too many concurrent queries'),
  bug: () => new TypeError("Cannot read properties of undefined (reading 'password=hunter2')"),
};

function setup() {
  const { logger, lines } = memoryLogger();
  const transport = createRouterTransport(
    (router) => {
      router.service(IngestService, {
        getEvent(req) {
          const make = thrown[req.eventId];
          if (make === undefined) return create(GetEventResponseSchema);
          throw make();
        },
      });
      router.service(Health, {
        async *watch() {
          yield create(HealthCheckResponseSchema);
          throw refused();
        },
      });
    },
    { router: { interceptors: [errorInterceptor(logger)] } },
  );
  return { ingest: createClient(IngestService, transport), health: createClient(Health, transport), lines };
}

function failure(eventId: string): Promise<ConnectError> {
  return rejection(setup().ingest.getEvent({ eventId }));
}

describe('errorInterceptor', () => {
  it.each([
    ['connect', Code.PermissionDenied, 'not yours'],
    [
      'validation',
      Code.InvalidArgument,
      'invalid request: event_id: must be a UUID; shop_id: must not be empty',
    ],
    ['missing', Code.NotFound, 'event e1 not found'],
    ['unique', Code.AlreadyExists, 'already exists'],
    ['econnrefused', Code.Unavailable, 'service unavailable, retry later'],
    ['econnreset', Code.Unavailable, 'service unavailable, retry later'],
    ['etimedout', Code.Unavailable, 'service unavailable, retry later'],
    ['wrapped', Code.Unavailable, 'service unavailable, retry later'],
    ['orm-connection', Code.Unavailable, 'service unavailable, retry later'],
    ['nats-connection', Code.Unavailable, 'service unavailable, retry later'],
    ['nats-timeout', Code.Unavailable, 'service unavailable, retry later'],
    ['nats-no-responders', Code.Unavailable, 'service unavailable, retry later'],
    ['overload', Code.ResourceExhausted, 'too many concurrent queries'],
    ['bug', Code.Internal, 'internal error'],
  ])('maps %s to %s', async (eventId, code, message) => {
    const err = await failure(eventId);
    expect(Code[err.code]).toBe(Code[code]);
    expect(err.rawMessage).toBe(message);
  });

  it('sends validation violations as binary metadata', async () => {
    const err = await failure('validation');
    const header = err.metadata.get(violationsMetadataKey) ?? '';
    expect(JSON.parse(new TextDecoder().decode(decodeBinaryHeader(header)))).toEqual(violations);
  });

  it('logs the cause of an internal error with the procedure, and sends none of it', async () => {
    const { ingest, lines } = setup();
    const err = await rejection(ingest.getEvent({ eventId: 'bug' }));
    expect(JSON.stringify(err)).not.toContain('hunter2');
    expect(err.message).not.toContain('hunter2');
    expect(err.cause).toBeUndefined();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'error',
      procedure: '/broxiva.analytics.ingest.v1.IngestService/GetEvent',
      code: 'Internal',
      err: { type: 'TypeError', message: expect.stringContaining('hunter2') as unknown },
    });
  });

  it('logs dependency failures as warnings and client faults not at all', async () => {
    const { ingest, lines } = setup();
    await ingest.getEvent({ eventId: 'econnrefused' }).catch(() => undefined);
    await ingest.getEvent({ eventId: 'validation' }).catch(() => undefined);
    await ingest.getEvent({ eventId: 'missing' }).catch(() => undefined);
    expect(lines.map((l) => [l['level'], l['code']])).toEqual([['warn', 'Unavailable']]);
  });

  it('maps errors thrown while a response stream runs', async () => {
    const received: unknown[] = [];
    const err = await rejection(
      (async () => {
        for await (const res of setup().health.watch({})) received.push(res);
      })(),
    );
    expect(received).toHaveLength(1);
    expect(err.code).toBe(Code.Unavailable);
  });
});
