/** How Redis is started on the project's machines (see tools/scripts/services.sh). */
export const START_REDIS_HINT =
  'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log';

/** Hides the password of a `redis://` URL; works on strings that do not parse as URLs too. */
export function maskUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]*:)[^@/]*@/, '$1***@');
}

/**
 * Thrown by `ready()` when the first connection to Redis fails, typically at start-up. The message names the
 * URL (password masked) and how to start Redis; `cause` keeps ioredis's error.
 */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
  readonly url: string;

  constructor(url: string, cause: unknown) {
    super(
      `cannot connect to Redis at ${maskUrl(url)}: ${describe(cause)}\n` +
        `Is Redis running? Start it with: ${START_REDIS_HINT}`,
      { cause },
    );
    this.url = maskUrl(url);
  }
}

// A refused connection to a name with several addresses (localhost → ::1 and 127.0.0.1) arrives as an
// AggregateError with an empty message; its parts say what happened.
function describe(cause: unknown): string {
  if (cause instanceof AggregateError && cause.message === '') {
    return cause.errors.map(describe).join('; ');
  }
  if (cause instanceof Error) return cause.message || (cause as { code?: string }).code || cause.name;
  return String(cause);
}
