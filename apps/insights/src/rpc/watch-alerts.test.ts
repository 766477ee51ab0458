import { Code, createClient, createRouterTransport } from '@connectrpc/connect';
import { create } from '@bufbuild/protobuf';
import { AnomalyAlertSchema, InsightsService } from '@broxiva/contracts';
import { errorInterceptor } from '@broxiva/rpc';
import { createLogger } from '@broxiva/telemetry';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import type { AlertSubscriber } from '../adapters/nats-alerts.js';

function client(subscribe?: AlertSubscriber) {
  const app = buildApp({
    loadSeries: () => Promise.reject(new Error('not used')),
    now: () => new Date(),
    settings: { forecasting: true, anomalyDetection: true, horizonDays: 2, sensitivity: 0.95 },
    ...(subscribe === undefined ? {} : { alerts: { subscribe } }),
  });
  const logger = createLogger({ service: 'insights-test', level: 'FATAL' });
  return createClient(
    InsightsService,
    createRouterTransport(app.routes, { router: { interceptors: [errorInterceptor(logger)] } }),
  );
}

const alert = (metric: string) => create(AnomalyAlertSchema, { id: `${metric}:x`, metric });

describe('WatchAlerts', () => {
  it('relays the alerts of the asked metrics only', async () => {
    const subscribe: AlertSubscriber = async function* () {
      yield alert('orders');
      yield alert('revenue');
      yield alert('orders');
    };
    const got: string[] = [];
    for await (const r of client(subscribe).watchAlerts({ metrics: ['orders'] })) got.push(r.alert!.metric);
    expect(got).toEqual(['orders', 'orders']);
    const all: string[] = [];
    for await (const r of client(subscribe).watchAlerts({})) all.push(r.alert!.metric);
    expect(all).toEqual(['orders', 'revenue', 'orders']);
  });

  it('is FailedPrecondition without alerting, InvalidArgument on a bad metric name', async () => {
    const drain = async (it: AsyncIterable<unknown>) => {
      for await (const _ of it) void _;
    };
    await expect(drain(client().watchAlerts({}))).rejects.toMatchObject({ code: Code.FailedPrecondition });
    await expect(drain(client().watchAlerts({ metrics: ['orders', 'a.b'] }))).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: expect.stringContaining('metrics[1]'),
    });
  });
});
