/**
 * Fills missing values (NaN) by linear interpolation between the nearest known neighbours, and the
 * ends by the nearest known value. Returns a new array; an all-missing input stays all NaN.
 */
export function fillMissing(values: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(values);
  let prev = -1;
  for (let i = 0; i <= out.length; i++) {
    if (i < out.length && Number.isNaN(out[i]!)) continue;
    if (prev === -1 && i < out.length) {
      for (let j = 0; j < i; j++) out[j] = out[i]!;
    } else if (prev !== -1 && i - prev > 1) {
      const end = i < out.length ? out[i]! : out[prev]!;
      for (let j = prev + 1; j < i; j++) out[j] = out[prev]! + ((end - out[prev]!) * (j - prev)) / (i - prev);
    }
    prev = i;
  }
  return out;
}
