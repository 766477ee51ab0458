/**
 * Forecast accuracy measures with the M4 competition's definitions: sMAPE in percent (0–200) and MASE
 * scaled by the in-sample seasonal-naive mean absolute error.
 */

/** sMAPE in percent: mean of 200·|y − ŷ| / (|y| + |ŷ|); a point where both are 0 counts as 0. */
export function smape(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const p = predicted[i]!;
    const den = Math.abs(a) + Math.abs(p);
    s += den === 0 ? 0 : (200 * Math.abs(a - p)) / den;
  }
  return s / actual.length;
}

/** In-sample mean absolute error of the seasonal naive method with the given period (1 = naive). */
export function naiveScale(history: ArrayLike<number>, period: number): number {
  const m = history.length > period ? period : 1;
  let s = 0;
  for (let i = m; i < history.length; i++) s += Math.abs(history[i]! - history[i - m]!);
  return s / (history.length - m);
}

/** MASE: out-of-sample MAE divided by the in-sample seasonal-naive MAE of `history`. */
export function mase(
  history: ArrayLike<number>,
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  period: number,
): number {
  const scale = naiveScale(history, period);
  let s = 0;
  for (let i = 0; i < actual.length; i++) s += Math.abs(actual[i]! - predicted[i]!);
  const mae = s / actual.length;
  // A perfectly flat history: any error is infinitely bad, no error is perfect.
  if (scale === 0) return mae === 0 ? 0 : Infinity;
  return mae / scale;
}

export function rmse(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < actual.length; i++) s += (actual[i]! - predicted[i]!) ** 2;
  return Math.sqrt(s / actual.length);
}

/** Mean absolute percentage error as a fraction (0.058 = 5.8 %), as Prophet's performance_metrics. */
export function mape(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < actual.length; i++) s += Math.abs((actual[i]! - predicted[i]!) / actual[i]!);
  return s / actual.length;
}

/** Share of actuals within [lower, upper]. */
export function coverage(
  actual: ArrayLike<number>,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
): number {
  let inside = 0;
  for (let i = 0; i < actual.length; i++) {
    if (actual[i]! >= lower[i]! && actual[i]! <= upper[i]!) inside++;
  }
  return inside / actual.length;
}
