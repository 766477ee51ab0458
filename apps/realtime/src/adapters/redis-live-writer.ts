import { readFileSync } from 'node:fs';
import type { Redis } from '@broxiva/redis';
import type { LiveUpdate } from '@broxiva/realtime-domain';

const LUA = readFileSync(new URL('./live-apply.lua', import.meta.url), 'utf8');
const COMMAND = 'realtimeApplyLive';
/** Fields per update in the script's ARGV, after the five header values. */
const FIELDS = 17;

export interface LiveWriterOptions {
  readonly redis: Redis;
  /** Key of the live aggregates under the client's keyPrefix, e.g. `live`. */
  readonly base: string;
  readonly userTimeoutMs: number;
  readonly sessionTimeoutMs: number;
  readonly windowMs: number;
  /**
   * Updates per script call. Each call runs atomically and blocks Redis while it runs: 500 updates take
   * about a millisecond, short enough not to delay readers.
   */
  readonly chunkSize?: number;
}

export interface ApplyResult {
  readonly applied: number;
  /** Updates whose event id had been applied already (redeliveries, the other replica). */
  readonly duplicates: number;
}

type ApplyCommand = (key: string, ...args: (string | number)[]) => Promise<number>;

/**
 * Applies live updates to Redis, exactly once per event id: one Lua script per chunk, all chunks of a
 * batch sent together (one pipeline round trip). Rejects when Redis is unreachable; nothing of a failed
 * chunk is half-applied, and a retry skips the events that did land.
 */
export function createLiveWriter(o: LiveWriterOptions) {
  const chunkSize = o.chunkSize ?? 500;
  // The script passes a chunk's members to one SADD/ZADD with unpack(), which Lua caps near 8,000 values.
  if (!(chunkSize >= 1 && chunkSize <= 2_000)) throw new RangeError('chunkSize must be from 1 to 2000');
  if (!(COMMAND in o.redis)) o.redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: LUA });
  const run = (o.redis as unknown as Record<string, ApplyCommand>)[COMMAND] as ApplyCommand;

  return async function apply(updates: readonly LiveUpdate[], nowMs: number): Promise<ApplyResult> {
    const calls: Promise<number>[] = [];
    for (let i = 0; i < updates.length; i += chunkSize) {
      const args: (string | number)[] = [nowMs, o.userTimeoutMs, o.sessionTimeoutMs, o.windowMs, FIELDS];
      for (const u of updates.slice(i, i + chunkSize)) args.push(...fields(u));
      calls.push(run.call(o.redis, o.base, ...args));
    }
    const applied = (await Promise.all(calls)).reduce((a, b) => a + b, 0);
    return { applied, duplicates: updates.length - applied };
  };
}

function fields(u: LiveUpdate): (string | number)[] {
  return [
    u.eventId,
    u.seenUntilMs,
    u.actor,
    u.session,
    u.timestampMs,
    u.deviceType,
    u.region,
    u.pagePath,
    u.day,
    u.dayExpiresAtMs,
    u.minuteMs,
    u.funnelStep ?? '',
    u.windowStartMs,
    u.cartDeltaUnits,
    u.addedToCart ? '1' : '0',
    u.purchase?.orderId ?? '',
    u.purchase?.revenueUnits ?? 0,
  ];
}
