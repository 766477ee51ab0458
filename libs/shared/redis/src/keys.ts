/** One segment of a key: ids are often numbers. */
export type KeyPart = string | number;

/** Builds the keys of one area so an app names them in one place. */
export interface KeyBuilder {
  /** The prefix every key of this builder starts with. */
  readonly prefix: string;
  /** `prefix:part1:part2…`; throws on an empty part, which would silently merge two keyspaces. */
  join(...parts: readonly KeyPart[]): string;
  /** A builder for a sub-area: `keys('rt').child('shop', 7).join('users')` is `rt:shop:7:users`. */
  child(...parts: readonly KeyPart[]): KeyBuilder;
}

/**
 * A key builder: `keys('realtime').join('active', 'users')` is `realtime:active:users`. Keys are relative
 * to the client's keyPrefix, which ioredis adds on the wire.
 */
export function keys(prefix: string): KeyBuilder {
  const join = (...parts: readonly KeyPart[]): string => {
    for (const part of parts) {
      if (part === '') throw new Error(`empty key part in ${JSON.stringify([prefix, ...parts])}`);
    }
    return [prefix, ...parts].filter((p) => p !== '').join(':');
  };
  return { prefix, join, child: (...parts) => keys(join(...parts)) };
}
