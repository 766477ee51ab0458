export interface KeyCacheOptions {
  /** How long a valid key is trusted without asking again; a revocation takes at most this long. 0: never. */
  readonly ttlMs: number;
  /** Most keys remembered at once; past it the cache starts over (a shop has a handful of keys). */
  readonly maxEntries?: number;
  readonly now?: () => number;
}

/**
 * Remembers valid write keys (key → name) for `ttlMs`, so the ingest hot path neither hashes the key nor
 * asks Redis on every request. Unknown keys are never remembered: random guesses cannot fill memory, and
 * a key created a moment ago works at once.
 */
export function cacheKeyLookups(
  lookup: (key: string) => Promise<string | undefined>,
  options: KeyCacheOptions,
): (key: string) => Promise<string | undefined> {
  if (options.ttlMs <= 0) return lookup;
  const max = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const valid = new Map<string, { readonly name: string; readonly until: number }>();
  return async (key) => {
    const hit = valid.get(key);
    if (hit !== undefined && hit.until > now()) return hit.name;
    const name = await lookup(key);
    if (name === undefined) valid.delete(key);
    else {
      if (valid.size >= max) valid.clear();
      valid.set(key, { name, until: now() + options.ttlMs });
    }
    return name;
  };
}
