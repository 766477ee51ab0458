/** Seasonal naive: each future bucket repeats the value one cycle earlier (period 1 is plain naive). */
export function seasonalNaive(y: ArrayLike<number>, horizon: number, period: number): Float64Array {
  const n = y.length;
  const m = n >= period ? period : 1;
  const out = new Float64Array(horizon);
  for (let h = 0; h < horizon; h++) out[h] = y[n - m + (h % m)]!;
  return out;
}

/** Growth of the seasonal-naive error with the horizon step h (1-based): √(complete cycles ahead). */
export function seasonalNaiveSpread(h: number, period: number): number {
  return Math.sqrt(Math.floor((h - 1) / period) + 1);
}
