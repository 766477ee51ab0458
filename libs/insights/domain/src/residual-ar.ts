import { ridgeSolve } from './least-squares.js';

/**
 * An AR(p) model of a model's residuals, fitted by (lightly ridged) least squares and iterated
 * forward: the short-term persistence a decomposition leaves behind (a hot week, a slow afternoon).
 * Returns the h-step residual forecasts and the AR coefficients.
 */
export function forecastResiduals(
  residuals: ArrayLike<number>,
  order: number,
  horizon: number,
): { path: Float64Array; coefficients: Float64Array } {
  const p = Math.min(order, Math.floor(residuals.length / 5));
  const path = new Float64Array(horizon);
  if (p < 1) return { path, coefficients: new Float64Array(0) };
  const m = residuals.length - p;
  const x = new Float64Array(m * p);
  const y = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < p; j++) x[i * p + j] = residuals[i + p - 1 - j]!;
    y[i] = residuals[i + p]!;
  }
  let energy = 0;
  for (let i = 0; i < m; i++) energy += (y[i]! * y[i]!) / m;
  // Ridge relative to the residual energy: shrinks unstable high lags without scaling issues.
  const coefficients = ridgeSolve(x, m, p, y, new Float64Array(p).fill(0.5 * energy + 1e-12));
  const hist = Array.from({ length: p }, (_, j) => residuals[residuals.length - p + j]!);
  for (let h = 0; h < horizon; h++) {
    let s = 0;
    for (let j = 0; j < p; j++) s += coefficients[j]! * hist[hist.length - 1 - j]!;
    path[h] = s;
    hist.push(s);
  }
  return { path, coefficients };
}
