import { CholeskyDecomposition, Matrix } from 'ml-matrix';

/** The normal equations XᵀWX (upper triangle, row-major p × p) and XᵀWy of a weighted regression. */
export interface NormalEquations {
  readonly p: number;
  readonly xtx: Float64Array;
  readonly xty: Float64Array;
}

/**
 * Forms XᵀWX and XᵀWy for X row-major (n × p) in one Float64Array: the n·p² work that dominates a
 * fit, done once so that refits with other penalties or a few reweighted rows reuse it.
 */
export function normalEquations(
  x: Float64Array,
  n: number,
  p: number,
  y: ArrayLike<number>,
  weights?: ArrayLike<number>,
): NormalEquations {
  const xtx = prefixGrams(x, n, p, [n], weights).get(n)!;
  const xty = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    const wy = (weights === undefined ? 1 : weights[i]!) * y[i]!;
    if (wy === 0) continue;
    for (let a = 0; a < p; a++) xty[a] = xty[a]! + x[i * p + a]! * wy;
  }
  return { p, xtx, xty };
}

/**
 * XᵀWX of the first `cut` rows for each of `cuts` (ascending), in one pass: X is copied column by
 * column (rows scaled by √w) and each entry is a dot product of two columns, started at the later of
 * their first non-zero rows, so the trend's changepoint ramps and other late-starting columns cost
 * only their non-zero stretch. Returns the upper triangles, row-major p × p.
 */
export function prefixGrams(
  x: Float64Array,
  n: number,
  p: number,
  cuts: readonly number[],
  weights?: ArrayLike<number>,
): Map<number, Float64Array> {
  const cols: Float64Array[] = [];
  const first = new Int32Array(p);
  for (let a = 0; a < p; a++) {
    const col = new Float64Array(n);
    let start = n;
    for (let i = 0; i < n; i++) {
      const w = weights === undefined ? 1 : weights[i]!;
      const v = w === 1 ? x[i * p + a]! : Math.sqrt(w) * x[i * p + a]!;
      col[i] = v;
      if (v !== 0 && start === n) start = i;
    }
    cols.push(col);
    first[a] = start;
  }
  const out = new Map<number, Float64Array>();
  const xtx = new Float64Array(p * p);
  let from = 0;
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
    const to = Math.min(cut, n);
    for (let a = 0; a < p; a++) {
      const ca = cols[a]!;
      const loA = Math.max(from, first[a]!);
      for (let b = a; b < p; b++) {
        const cb = cols[b]!;
        const lo = Math.max(loA, first[b]!);
        let s = 0;
        for (let i = lo; i < to; i++) s += ca[i]! * cb[i]!;
        xtx[a * p + b] = xtx[a * p + b]! + s;
      }
    }
    out.set(cut, Float64Array.from(xtx));
    from = to;
  }
  return out;
}

/** Adds w·xᵢxᵢᵀ and w·xᵢyᵢ (w may be negative, to take a row's weight back out). */
export function addRow(
  xtx: Float64Array,
  xty: Float64Array,
  x: Float64Array,
  i: number,
  p: number,
  yi: number,
  w: number,
): void {
  if (w === 0) return;
  const row = i * p;
  const wy = yi * w;
  for (let a = 0; a < p; a++) {
    const xa = x[row + a]!;
    if (xa === 0) continue;
    xty[a] = xty[a]! + xa * wy;
    const wa = xa * w;
    const base = a * p;
    for (let b = a; b < p; b++) xtx[base + b] = xtx[base + b]! + wa * x[row + b]!;
  }
}

/**
 * Solves (XᵀWX + diag(λ))β = XᵀWy with ml-matrix's Cholesky on the small p × p system; a tiny jitter
 * keeps rank-deficient designs solvable.
 */
export function solveRidge(eq: NormalEquations, penalty: ArrayLike<number>): Float64Array {
  const { p, xtx, xty } = eq;
  const rows: number[][] = [];
  for (let a = 0; a < p; a++) {
    const r = new Array<number>(p);
    for (let b = 0; b < p; b++) r[b] = a <= b ? xtx[a * p + b]! : xtx[b * p + a]!;
    r[a] = r[a]! + penalty[a]! + 1e-9;
    rows.push(r);
  }
  const chol = new CholeskyDecomposition(new Matrix(rows));
  const beta = chol.solve(Matrix.columnVector(Array.from(xty)));
  return Float64Array.from(beta.getColumn(0));
}

/**
 * Weighted ridge regression: minimises Σ wᵢ(yᵢ − xᵢβ)² + Σ λⱼβⱼ². X is row-major (n × p) in one
 * Float64Array; the normal equations are formed here and solved by Cholesky.
 */
export function ridgeSolve(
  x: Float64Array,
  n: number,
  p: number,
  y: ArrayLike<number>,
  penalty: ArrayLike<number>,
  weights?: ArrayLike<number>,
): Float64Array {
  return solveRidge(normalEquations(x, n, p, y, weights), penalty);
}
