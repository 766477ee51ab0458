import { createHash, randomBytes } from 'node:crypto';
import { canonicalQuery, queryUtcDays, type MetricQuery } from '@broxiva/metrics-domain';
import { keys, type Redis } from '@broxiva/redis';
import type { MetricResult, MetricRow } from './metrics-reader.js';

/** What one lookup did: served from Redis, computed and stored, skipped on request, or Redis failed. */
export type CacheResult = 'hit' | 'miss' | 'bypass' | 'error';

export interface QueryCacheDeps {
  /** A client made with `failFast: true`, so a down Redis fails commands at once instead of queueing them. */
  readonly redis: Redis;
  /** Seconds an answer is kept at most. */
  readonly ttlSeconds: number;
  /** A Redis round trip slower than this counts as a failure and the query goes to PostgreSQL; default 250. */
  readonly timeoutMs?: number;
  /** Answers whose JSON is larger are not stored; default 1 MiB. */
  readonly maxEntryBytes?: number;
  /** Every lookup's outcome, for the hit/miss counter. */
  readonly onResult?: (result: CacheResult) => void;
  /** Called once when Redis starts failing (then not again until it has worked). */
  readonly onUnavailable?: (error: unknown) => void;
  /** Called once when Redis works again after failing. */
  readonly onAvailable?: () => void;
}

export interface QueryOptions {
  /** Skip the cache: compute from PostgreSQL and do not store the answer. */
  readonly bypassCache?: boolean;
}

const k = keys('query-cache');
/** Hash UTC day (YYYY-MM-DD) → generation, bumped whenever a bucket of that day is recomputed. */
const GENERATIONS = k.join('generations');
/**
 * A field of the generations hash set once to a random value: if the hash is ever lost (FLUSHDB, eviction)
 * generations restart from 0, and the new epoch keeps entries stored under the old ones from matching.
 */
const EPOCH = '_epoch';

interface Entry {
  /** Digest of the epoch and the generations of every day the query touches, when it was computed. */
  readonly g: string;
  readonly r: Omit<MetricResult, 'rows'> & { rows: (Omit<MetricRow, 'time'> & { time: string | null })[] };
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');

function encode(g: string, r: MetricResult): string {
  const entry: Entry = {
    g,
    r: { ...r, rows: r.rows.map((row) => ({ ...row, time: row.time?.toISOString() ?? null })) },
  };
  return JSON.stringify(entry);
}

function decode(e: Entry): MetricResult {
  return {
    ...e.r,
    rows: e.r.rows.map((row) => ({ ...row, time: row.time === null ? undefined : new Date(row.time) })),
  };
}

// An entry that does not parse (written by a different version, truncated) is a miss and gets overwritten.
function parse(stored: string | null): Entry | undefined {
  if (stored === null) return undefined;
  try {
    return JSON.parse(stored) as Entry;
  } catch {
    return undefined;
  }
}

async function bounded<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Metric answers cached in Redis under a hash of the canonical query. Invalidation is exact without
 * deleting anything: each entry carries a digest of the generations of the UTC days its query touches,
 * the rollup worker bumps a day's generation after it commits a recompute of any hour of that day, and a
 * lookup whose digest no longer matches is a miss (the fresh answer overwrites the entry). Generations are
 * read before the query runs, so an answer computed while a day changes is stored under the old digest and
 * never served after the bump. Redis failing never fails a query: the lookup counts as `error` and the
 * answer comes from PostgreSQL. An invalidation that fails is kept and retried by the next `invalidate`
 * (the worker calls it every pass) and before every lookup, which bypasses the cache until it succeeds.
 */
export function createQueryCache(deps: QueryCacheDeps) {
  const timeoutMs = deps.timeoutMs ?? 250;
  const maxBytes = deps.maxEntryBytes ?? 1024 * 1024;
  const pending = new Set<string>();
  let healthy = true;

  const failed = (e: unknown) => {
    if (healthy) deps.onUnavailable?.(e);
    healthy = false;
  };
  const worked = () => {
    if (!healthy) deps.onAvailable?.();
    healthy = true;
  };

  async function generations(days: readonly string[]): Promise<string> {
    let [epoch, ...gens] = await deps.redis.hmget(GENERATIONS, EPOCH, ...days);
    if (epoch === null) {
      await deps.redis.hsetnx(GENERATIONS, EPOCH, randomBytes(9).toString('base64url'));
      [epoch, ...gens] = await deps.redis.hmget(GENERATIONS, EPOCH, ...days);
    }
    return sha256([epoch, ...gens.map((g) => g ?? '0')].join(','));
  }

  /** The answer to `q`: from Redis when its days have not changed since it was stored, else `compute()`'s. */
  async function read(
    q: MetricQuery,
    compute: () => Promise<MetricResult>,
    options: QueryOptions = {},
  ): Promise<MetricResult> {
    if (options.bypassCache === true) {
      deps.onResult?.('bypass');
      return compute();
    }
    // A bump that failed must land before anything is served, else a changed day could still match.
    if (pending.size > 0) await invalidate([]);
    if (pending.size > 0) {
      deps.onResult?.('error');
      return compute();
    }
    const key = k.join('q', sha256(canonicalQuery(q)));
    let g: string;
    let stored: string | null;
    try {
      // Issued in the same tick: auto-pipelining sends both in one round trip.
      [stored, g] = await bounded(
        Promise.all([deps.redis.get(key), generations(queryUtcDays(q))]),
        timeoutMs,
      );
      worked();
    } catch (e) {
      failed(e);
      deps.onResult?.('error');
      return compute();
    }
    const entry = parse(stored);
    if (entry?.g === g) {
      deps.onResult?.('hit');
      return decode(entry);
    }
    deps.onResult?.('miss');
    const result = await compute();
    const json = encode(g, result);
    if (Buffer.byteLength(json) <= maxBytes) {
      try {
        await bounded(deps.redis.set(key, json, 'EX', deps.ttlSeconds), timeoutMs);
      } catch (e) {
        failed(e);
      }
    }
    return result;
  }

  /**
   * Bumps the generation of each UTC day (YYYY-MM-DD): every cached answer over one of them stops matching.
   * Call after the transaction that changed the day's buckets has committed. Never throws: days that could
   * not be bumped are kept and bumped with the next call or lookup; `invalidate([])` just retries them.
   */
  async function invalidate(days: readonly string[]): Promise<void> {
    for (const d of days) pending.add(d);
    if (pending.size === 0) return;
    const batch = [...pending].sort();
    try {
      const tx = deps.redis.multi();
      for (const d of batch) tx.hincrby(GENERATIONS, d, 1);
      await bounded(tx.exec(), timeoutMs);
      for (const d of batch) pending.delete(d);
      worked();
    } catch (e) {
      failed(e);
    }
  }

  return {
    read,
    invalidate,
    /** Days whose bump failed and waits for the next `invalidate`. */
    get pendingInvalidations(): number {
      return pending.size;
    },
  };
}

export type QueryCache = ReturnType<typeof createQueryCache>;

/** What the RPC handlers query: a reader, possibly behind the cache. */
export interface MetricsSource {
  query(q: MetricQuery, options?: QueryOptions): Promise<MetricResult>;
}

/** `reader` behind `cache`: the same answers, repeated ones from Redis. */
export function withQueryCache(reader: MetricsSource, cache: QueryCache): MetricsSource {
  return { query: (q, options) => cache.read(q, () => reader.query(q), options) };
}
