import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { startPrivateNatsServer } from '@broxiva/bus/testing';
import { startAppProcess as startApp, type AppProcess } from '@broxiva/rpc/testing';
import pg from 'pg';

/** A free loopback port (the gateway takes a fixed PORT; the services take 0 and log theirs). */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as { port: number }).port;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

export interface Stack {
  /** The gateway's origin: the page, the REST API and the Connect proxy. */
  readonly base: string;
  readonly natsUrl: string;
  readonly apps: Readonly<Record<'metrics' | 'ingest' | 'realtime' | 'insights' | 'gateway', AppProcess>>;
  /**
   * A second gateway in front of the same services with auth on (HS256 read tokens with this secret,
   * issuer and audience); its origin. Stopped with the stack.
   */
  startAuthGateway(jwt: { secret: string; issuer: string; audience: string }): Promise<string>;
  stop(): Promise<void>;
}

/**
 * The whole product on the machine's PostgreSQL, Redis and NATS, isolated from anything else running
 * there: fresh `*_test` databases, a private nats-server, a random Redis key prefix; auth off.
 */
export async function startStack(): Promise<Stack> {
  const id = randomBytes(4).toString('hex');
  // A nats-server of the test's own: its streams vanish with it, and no other test's reservations count.
  const nats = await startPrivateNatsServer();
  const analyticsDb = `broxiva_web_e2e_${id}_test`;
  const platformDb = `broxiva_web_e2e_${id}_platform_test`;
  const common = {
    LOG_LEVEL: 'INFO',
    ANALYTICS_DATABASE_URL: `postgresql://postgres@127.0.0.1:5432/${analyticsDb}`,
    DATABASE_URL: `postgresql://postgres@127.0.0.1:5432/${platformDb}`,
    REDIS_URL: 'redis://127.0.0.1:6379/13',
    NATS_URL: nats.url,
    EVENTS_STREAM_MAX_GIB: '1',
    REALTIME_REDIS_KEY_PREFIX: `broxiva:web-e2e:${id}`,
    EVENT_FLUSH_INTERVAL: '0.2',
    ROLLUP_INTERVAL_SECONDS: '1',
    REALTIME_FLUSH_INTERVAL_MS: '50',
    DEDUP_WINDOW_SECONDS: '60',
    SHOP_CURRENCY: 'EUR',
    OTEL_TRACES_EXPORTER: 'none',
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
  };
  const port = (n: string) => ({ [`${n}_GRPC_PORT`]: '0', [`${n}_HTTP_PORT`]: '0' });
  const started: AppProcess[] = [];
  const stopAll = async () => {
    await Promise.all(started.map((a) => a.stop()));
    await nats.stop();
    await dropDatabases([analyticsDb, platformDb]);
  };
  try {
    // Metrics first: it creates the databases, the schema and the streams the others use.
    const metrics = await startApp('metrics', { ...common, ...port('METRICS') });
    started.push(metrics);
    const [ingest, realtime, insights] = await Promise.all([
      startApp('ingest', { ...common, ...port('INGEST') }),
      startApp('realtime', { ...common, ...port('REALTIME') }),
      startApp('insights', {
        ...common,
        ...port('INSIGHTS'),
        METRICS_URL: `http://127.0.0.1:${metrics.grpcPort}`,
      }),
    ]);
    started.push(ingest, realtime, insights);
    const url = (p: number) => `http://127.0.0.1:${p}`;
    const upstreams = {
      INGEST_URL: url(ingest.grpcPort),
      REALTIME_URL: url(realtime.grpcPort),
      METRICS_URL: url(metrics.grpcPort),
      INSIGHTS_URL: url(insights.grpcPort),
      INGEST_HTTP_URL: url(ingest.httpPort),
      REALTIME_HTTP_URL: url(realtime.httpPort),
      METRICS_HTTP_URL: url(metrics.httpPort),
      INSIGHTS_HTTP_URL: url(insights.httpPort),
    };
    const gatewayPort = await freePort();
    const gateway = await startApp('gateway', {
      ...common,
      ...upstreams,
      PORT: String(gatewayPort),
      AUTH_DISABLED: 'true',
    });
    started.push(gateway);
    return {
      base: url(gatewayPort),
      natsUrl: nats.url,
      apps: { metrics, ingest, realtime, insights, gateway },
      async startAuthGateway(jwt) {
        const p = await freePort();
        const g = await startApp('gateway', {
          ...common,
          ...upstreams,
          PORT: String(p),
          AUTH_DISABLED: 'false',
          JWT_SECRET: jwt.secret,
          JWT_ISSUER: jwt.issuer,
          JWT_AUDIENCE: jwt.audience,
        });
        started.push(g);
        return url(p);
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

async function dropDatabases(names: readonly string[]) {
  const client = new pg.Client({ connectionString: 'postgresql://postgres@127.0.0.1:5432/postgres' });
  await client.connect();
  try {
    for (const n of names) await client.query(`DROP DATABASE IF EXISTS "${n}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
