/** Options for journey mapping: at least one of `startEvent` and `endEvent`. */
export interface PathOptions {
  /** Paths begin at each user's first event of this type. */
  readonly startEvent?: string;
  /** Paths end at the first event of this type (after the start, when both are given). */
  readonly endEvent?: string;
  /** Events per path, the anchor included. */
  readonly maxSteps: number;
  /** Event types left out of paths entirely. */
  readonly exclusions?: readonly string[];
}

export interface PathNode {
  /** `<step>:<event type>`. */
  readonly id: string;
  readonly name: string;
  readonly step: number;
}

export interface PathLink {
  readonly source: string;
  readonly target: string;
  /** Users who went from source to target. */
  readonly value: number;
}

/**
 * One user's path: their event types in time order with exclusions removed and consecutive repeats of a
 * type counted once, cut to `maxSteps` events from the first `startEvent` (or back from the first
 * `endEvent` when only that is given). Undefined when the user never did the anchor event.
 */
export function userPath(types: readonly string[], opts: PathOptions): string[] | undefined {
  const excluded = new Set(opts.exclusions ?? []);
  const seq: string[] = [];
  for (const t of types) if (!excluded.has(t) && seq[seq.length - 1] !== t) seq.push(t);
  if (opts.startEvent !== undefined) {
    const from = seq.indexOf(opts.startEvent);
    if (from < 0) return undefined;
    const path = seq.slice(from, from + opts.maxSteps);
    const end = opts.endEvent === undefined ? -1 : path.indexOf(opts.endEvent, 1);
    return end < 0 ? path : path.slice(0, end + 1);
  }
  if (opts.endEvent === undefined) return undefined;
  const to = seq.indexOf(opts.endEvent);
  return to < 0 ? undefined : seq.slice(Math.max(0, to + 1 - opts.maxSteps), to + 1);
}

/**
 * Counts users' paths into Sankey nodes and links. Step numbers start at 0 at the start event; paths
 * anchored only on an end event are right-aligned, so that event is always at step maxSteps - 1.
 */
export function createPathCounter(opts: PathOptions) {
  const nodes = new Map<string, PathNode>();
  const links = new Map<string, { source: string; target: string; value: number }>();
  return {
    add(types: readonly string[]): void {
      const path = userPath(types, opts);
      if (path === undefined) return;
      const offset = opts.startEvent === undefined ? opts.maxSteps - path.length : 0;
      const ids = path.map((name, i) => {
        const step = offset + i;
        const id = `${step}:${name}`;
        if (!nodes.has(id)) nodes.set(id, { id, name, step });
        return id;
      });
      for (let i = 1; i < ids.length; i++) {
        const key = `${ids[i - 1]}\u0000${ids[i]}`;
        const link = links.get(key) ?? { source: ids[i - 1]!, target: ids[i]!, value: 0 };
        link.value++;
        links.set(key, link);
      }
    },
    result(): { nodes: PathNode[]; links: PathLink[] } {
      const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
      return {
        nodes: [...nodes.values()].sort((a, b) => a.step - b.step || cmp(a.name, b.name)),
        links: [...links.values()].sort(
          (a, b) => b.value - a.value || cmp(a.source, b.source) || cmp(a.target, b.target),
        ),
      };
    },
  };
}
