/**
 * The last `capacity` values of a stream kept sorted, for O(1) quantiles and O(capacity) updates (binary
 * search plus a shift of a typed array; a few hundred values cost far less than a balanced tree).
 */
export interface SortedWindow {
  readonly size: number;
  /** Adds a value, dropping the oldest one when full. */
  push(value: number): void;
  /** Linear-interpolated quantile (type 7) of the values held; NaN when empty. */
  quantile(q: number): number;
}

export function sortedWindow(capacity: number): SortedWindow {
  const ring = new Float64Array(capacity);
  const sorted = new Float64Array(capacity);
  let size = 0;
  let head = 0;
  const lowerBound = (v: number) => {
    let lo = 0;
    let hi = size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return {
    get size() {
      return size;
    },
    push(value) {
      if (size === capacity) {
        const old = ring[head]!;
        const at = lowerBound(old);
        sorted.copyWithin(at, at + 1, size);
        size--;
      }
      ring[head] = value;
      head = (head + 1) % capacity;
      const at = lowerBound(value);
      sorted.copyWithin(at + 1, at, size);
      sorted[at] = value;
      size++;
    },
    quantile(q) {
      if (size === 0) return NaN;
      const pos = (size - 1) * q;
      const lo = Math.floor(pos);
      const hi = Math.min(lo + 1, size - 1);
      return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
    },
  };
}
