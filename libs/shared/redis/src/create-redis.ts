import { Redis } from 'ioredis';
import { RedisUnavailableError } from './redis-unavailable-error.js';

export interface RedisConfig {
  /** `redis://[[user]:password@]host:port[/db]`. */
  readonly url: string;
  /** Overrides the URL's password, for deployments that keep it in its own secret. */
  readonly password?: string;
  /** Prepended to every key the client sends; a trailing `:` is added when missing. */
  readonly keyPrefix: string;
  /** Connect on the first command or `ready()` instead of at once. */
  readonly lazyConnect?: boolean;
  /**
   * Fail commands at once while disconnected instead of queueing them until Redis is back: for callers
   * that can carry on without Redis (a cache, the ingest dedup window) and must not stall.
   */
  readonly failFast?: boolean;
}

// The URL each client was made from, for ready()'s error message; ioredis keeps only the parsed parts.
const urls = new WeakMap<Redis, string>();

/**
 * An ioredis client whose keys all start with `keyPrefix`, with auto-pipelining (commands issued in the
 * same tick share one round trip) and reconnects backing off to at most 2 s. Await `ready(client)` at
 * start-up to fail fast with a readable error.
 */
export function createRedis(config: RedisConfig): Redis {
  if (config.keyPrefix === '') throw new Error('createRedis: keyPrefix must not be empty');
  const client = new Redis(config.url, {
    keyPrefix: config.keyPrefix.endsWith(':') ? config.keyPrefix : `${config.keyPrefix}:`,
    ...(config.password === undefined ? {} : { password: config.password }),
    lazyConnect: config.lazyConnect ?? false,
    enableAutoPipelining: true,
    ...(config.failFast === true ? { enableOfflineQueue: false, maxRetriesPerRequest: 0 } : {}),
    // Live aggregates go stale within seconds, so reconnect quickly: 100 ms doubling to a 2 s ceiling,
    // jittered so a fleet does not reconnect in lockstep after a Redis restart.
    retryStrategy: (times) =>
      Math.min(100 * 2 ** Math.min(times - 1, 5), 2000) + Math.floor(Math.random() * 100),
  });
  urls.set(client, config.url);
  return client;
}

/**
 * Resolves once `client` is ready (connecting a lazy client). On the first connection error it rejects
 * with a RedisUnavailableError naming the URL (password masked) and how to start Redis, after closing
 * the client so a failed start-up does not keep retrying in the background.
 */
export async function ready(client: Redis): Promise<void> {
  if (client.status === 'ready') return;
  const url =
    urls.get(client) ?? `redis://${client.options.host ?? 'localhost'}:${client.options.port ?? 6379}`;
  if (client.status === 'end') throw new RedisUnavailableError(url, new Error('the client has been closed'));
  try {
    await new Promise<void>((resolve, reject) => {
      const settle = (err?: unknown): void => {
        client.off('ready', settle).off('error', settle).off('end', onEnd);
        if (err === undefined) resolve();
        else reject(err);
      };
      const onEnd = (): void => settle(new Error('the connection was closed'));
      client.once('ready', settle).on('error', settle).once('end', onEnd);
      // A lazy client connects now; its failure also arrives as an 'error' event, settled above.
      if (client.status === 'wait') client.connect().catch(settle);
    });
  } catch (err) {
    await stop(client);
    throw new RedisUnavailableError(url, err);
  }
}

// Resolves once the client has given up for good ('end'), so nothing reconnects after a failed start-up.
async function stop(client: Redis): Promise<void> {
  // Only a client with a socket still open emits 'end' after disconnect(); one that is waiting to
  // reconnect just has its timer cleared.
  const open = client.status === 'connecting' || client.status === 'connect' || client.status === 'ready';
  const ended = open ? new Promise((resolve) => client.once('end', resolve)) : Promise.resolve();
  client.disconnect();
  await ended;
}
