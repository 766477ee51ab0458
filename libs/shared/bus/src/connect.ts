import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { BusConnectError } from './bus-error.js';
import { silentLogger, type BusLogger } from './logger.js';

export interface BusOptions {
  /** e.g. `nats://127.0.0.1:4222` */
  readonly url: string;
  /** Shown by the server's monitoring as the client name: use the app's name. */
  readonly name: string;
  readonly logger?: BusLogger;
  /** How long the first connect may take (TCP + handshake) before it fails. */
  readonly connectTimeoutMs?: number;
  /** Wait between reconnect attempts once connected; attempts never stop. */
  readonly reconnectWaitMs?: number;
}

export interface Bus {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  /** False between a disconnect and the next reconnect: callers can fail fast instead of timing out. */
  isConnected(): boolean;
  /** Drains: lets subscriptions and pending publishes finish, then closes. Safe to call twice. */
  close(): Promise<void>;
}

const HOW_TO_START =
  'is nats-server running with JetStream? Start it with `bash tools/scripts/services.sh` or `nats-server -js`';

/**
 * Connects to NATS and checks JetStream is enabled. The first connect fails at once (a wrong URL at start-up
 * should stop the app, not hang it); after that the client reconnects forever, since a NATS restart must not
 * take every service down with it.
 */
export async function connectBus(options: BusOptions): Promise<Bus> {
  const { url, name, logger = silentLogger, connectTimeoutMs = 5_000, reconnectWaitMs = 2_000 } = options;
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: url,
      name,
      timeout: connectTimeoutMs,
      // waitOnFirstConnect stays false: with it, -1 would also retry the first connect forever.
      maxReconnectAttempts: -1,
      reconnectTimeWait: reconnectWaitMs,
    });
  } catch (err) {
    throw new BusConnectError(url, `cannot connect to NATS at ${url} (${describe(err)}); ${HOW_TO_START}`, {
      cause: err,
    });
  }
  let jsm: JetStreamManager;
  try {
    jsm = await jetstreamManager(nc);
  } catch (err) {
    await nc.close();
    throw new BusConnectError(
      url,
      `NATS at ${url} has no usable JetStream (${describe(err)}); ${HOW_TO_START}`,
      {
        cause: err,
      },
    );
  }
  const state = { connected: true };
  void watchStatus(nc, url, logger, state);
  logger.info({ url, server: nc.info?.version }, 'connected to NATS');
  return {
    nc,
    js: jetstream(nc),
    jsm,
    isConnected: () => state.connected && !nc.isClosed(),
    close: async () => {
      if (nc.isClosed()) return;
      // Draining needs the server: while it is unreachable, close at once.
      if (!state.connected) return nc.close();
      // Draining waits for the server; if NATS goes meanwhile it would wait forever, so give it 5 s, then close.
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, 5_000)));
      await Promise.race([nc.drain().catch(() => undefined), gaveUp]);
      clearTimeout(timer);
      if (!nc.isClosed()) await nc.close();
    },
  };
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}

async function watchStatus(
  nc: NatsConnection,
  url: string,
  logger: BusLogger,
  state: { connected: boolean },
): Promise<void> {
  // 'reconnecting' fires on every attempt and would flood the log during an outage; disconnect and reconnect
  // bracket the outage instead.
  for await (const s of nc.status()) {
    if (s.type === 'disconnect') {
      state.connected = false;
      logger.warn({ url, server: s.server }, 'NATS disconnected; reconnecting');
    } else if (s.type === 'reconnect') {
      state.connected = true;
      logger.info({ url, server: s.server }, 'NATS reconnected');
    } else if (s.type === 'error') logger.error({ url, err: s.error }, 'NATS error');
    else if (s.type === 'slowConsumer') logger.warn({ url, pending: s.pending }, 'NATS slow consumer');
  }
}
