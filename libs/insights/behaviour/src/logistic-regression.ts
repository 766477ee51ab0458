import { CholeskyDecomposition, Matrix } from 'ml-matrix';

/*
 * Our own L2-regularised logistic regression. The TypeScript candidate, ml-logistic-regression (mljs,
 * v2.0.0), does not fit: it runs a fixed number of plain gradient steps with a fixed learning rate on the
 * summed gradient (no convergence test, so the result depends on the data's scale and size), has no
 * intercept, no regularisation, and its multi-class `predict` returns class labels rather than
 * probabilities. Here: Newton's method (IRLS) on standardised features, which converges in a handful of
 * iterations to the exact penalised maximum-likelihood estimate; the p × p Newton systems are solved with
 * ml-matrix's Cholesky decomposition.
 */

export interface LogisticOptions {
  /**
   * L2 penalty λ on the standardised coefficients (not the intercept): the fit maximises
   * Σ log-likelihood − λ/2 · Σ βⱼ². 0 is plain maximum likelihood. Default 1.
   */
  readonly l2?: number;
  /** Newton iterations at most; default 50. */
  readonly maxIterations?: number;
  /** Converged when the largest coefficient change is below this; default 1e-8. */
  readonly tolerance?: number;
}

export interface LogisticModel {
  /** Intercept on the standardised scale: the log-odds of a user at every feature's mean. */
  readonly intercept: number;
  /** Coefficients of the standardised features (log-odds per standard deviation). */
  readonly coefficients: readonly number[];
  /** Feature means and standard deviations used to standardise (sd 1 for a constant feature). */
  readonly means: readonly number[];
  readonly stdDevs: readonly number[];
  readonly iterations: number;
  readonly converged: boolean;
  readonly l2: number;
}

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** Fits P(y = 1 | x) = σ(β₀ + Σ βⱼ·(xⱼ − meanⱼ)/sdⱼ) to rows `x` (n × p) and labels `y` (0 or 1). */
export function fitLogistic(
  x: readonly (readonly number[])[],
  y: ArrayLike<number>,
  opts: LogisticOptions = {},
): LogisticModel {
  const n = x.length;
  if (n === 0) throw new RangeError('no training rows');
  if (y.length !== n) throw new RangeError('x and y differ in length');
  const p = x[0]!.length;
  const l2 = opts.l2 ?? 1;
  const maxIterations = opts.maxIterations ?? 50;
  const tolerance = opts.tolerance ?? 1e-8;

  const means = new Array<number>(p).fill(0);
  const stdDevs = new Array<number>(p).fill(0);
  for (const row of x) for (let j = 0; j < p; j++) means[j]! += row[j]! / n;
  for (const row of x) for (let j = 0; j < p; j++) stdDevs[j]! += (row[j]! - means[j]!) ** 2 / n;
  for (let j = 0; j < p; j++) stdDevs[j] = stdDevs[j]! > 1e-24 ? Math.sqrt(stdDevs[j]!) : 1;

  // Design matrix with a leading 1 for the intercept, row-major in one typed array.
  const q = p + 1;
  const z = new Float64Array(n * q);
  for (let i = 0; i < n; i++) {
    z[i * q] = 1;
    const row = x[i]!;
    for (let j = 0; j < p; j++) z[i * q + j + 1] = (row[j]! - means[j]!) / stdDevs[j]!;
  }

  let beta = new Float64Array(q);
  let objective = penalisedLogLik(z, y, beta, n, q, l2);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations && !converged) {
    iterations++;
    // Gradient g = Zᵀ(y − p) − λβ and negative Hessian H = Zᵀ W Z + λI (the intercept unpenalised).
    const g = new Float64Array(q);
    const h = new Float64Array(q * q);
    for (let i = 0; i < n; i++) {
      const o = i * q;
      let eta = 0;
      for (let a = 0; a < q; a++) eta += z[o + a]! * beta[a]!;
      const pi = sigmoid(eta);
      const r = y[i]! - pi;
      const w = pi * (1 - pi);
      for (let a = 0; a < q; a++) {
        const za = z[o + a]!;
        g[a] = g[a]! + za * r;
        const wa = za * w;
        for (let b = a; b < q; b++) h[a * q + b] = h[a * q + b]! + wa * z[o + b]!;
      }
    }
    const rows: number[][] = [];
    for (let a = 0; a < q; a++) {
      const row = new Array<number>(q);
      for (let b = 0; b < q; b++) row[b] = a <= b ? h[a * q + b]! : h[b * q + a]!;
      if (a > 0) {
        row[a] = row[a]! + l2;
        g[a] = g[a]! - l2 * beta[a]!;
      }
      // A tiny ridge keeps a (near-)singular Hessian factorable, e.g. with l2 = 0 and a constant feature.
      row[a] = row[a]! + 1e-10;
      rows.push(row);
    }
    const step = new CholeskyDecomposition(new Matrix(rows))
      .solve(Matrix.columnVector(Array.from(g)))
      .getColumn(0);
    // Step halving keeps every iteration an ascent (Newton can overshoot far from the optimum).
    let scale = 1;
    let next = beta;
    let nextObjective = objective;
    for (let k = 0; k < 30; k++) {
      next = beta.map((b, a) => b + scale * step[a]!);
      nextObjective = penalisedLogLik(z, y, next, n, q, l2);
      if (nextObjective >= objective - 1e-12 * Math.abs(objective)) break;
      scale /= 2;
    }
    const change = Math.max(...next.map((b, a) => Math.abs(b - beta[a]!)));
    beta = next;
    objective = nextObjective;
    converged = change < tolerance;
  }
  return {
    intercept: beta[0]!,
    coefficients: Array.from(beta.subarray(1)),
    means,
    stdDevs,
    iterations,
    converged,
    l2,
  };
}

function penalisedLogLik(
  z: Float64Array,
  y: ArrayLike<number>,
  beta: Float64Array,
  n: number,
  q: number,
  l2: number,
): number {
  let ll = 0;
  for (let i = 0; i < n; i++) {
    let eta = 0;
    for (let a = 0; a < q; a++) eta += z[i * q + a]! * beta[a]!;
    // log σ(η) and log(1 − σ(η)) without overflow: −log(1 + e^(−η)) and −log(1 + e^η).
    ll -= y[i]! === 1 ? softplus(-eta) : softplus(eta);
  }
  let penalty = 0;
  for (let a = 1; a < q; a++) penalty += beta[a]! ** 2;
  return ll - (l2 / 2) * penalty;
}

const softplus = (v: number) => (v > 30 ? v : Math.log1p(Math.exp(v)));

/** Each feature's standardised value times its coefficient: its signed share of the log-odds. */
export function contributions(model: LogisticModel, x: readonly number[]): number[] {
  return model.coefficients.map((b, j) => (b * (x[j]! - model.means[j]!)) / model.stdDevs[j]!);
}

/** P(y = 1 | x). */
export function predictProbability(model: LogisticModel, x: readonly number[]): number {
  return sigmoid(contributions(model, x).reduce((s, c) => s + c, model.intercept));
}

/** The same model on the raw (unstandardised) features: intercept and per-unit coefficients. */
export function rawCoefficients(model: LogisticModel): { intercept: number; coefficients: number[] } {
  const coefficients = model.coefficients.map((b, j) => b / model.stdDevs[j]!);
  const intercept = coefficients.reduce((s, c, j) => s - c * model.means[j]!, model.intercept);
  return { intercept, coefficients };
}
