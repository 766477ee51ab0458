import { CholeskyDecomposition, Matrix } from 'ml-matrix';

/**
 * Weighted ridge regression: minimises Σ wᵢ(yᵢ − xᵢβ)² + Σ λⱼβⱼ². X is row-major (n × p) in one
 * Float64Array. The normal equations are formed here (n·p² work, the cost that matters) and solved
 * with ml-matrix's Cholesky; a tiny jitter keeps rank-deficient designs solvable.
 */
export function ridgeSolve(
  x: Float64Array,
  n: number,
  p: number,
  y: ArrayLike<number>,
  penalty: ArrayLike<number>,
  weights?: ArrayLike<number>,
): Float64Array {
  const xtx = new Float64Array(p * p);
  const xty = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    const w = weights === undefined ? 1 : weights[i]!;
    if (w === 0) continue;
    const row = i * p;
    const yi = y[i]! * w;
    for (let a = 0; a < p; a++) {
      const xa = x[row + a]!;
      if (xa === 0) continue;
      xty[a] = xty[a]! + xa * yi;
      const wa = xa * w;
      for (let b = a; b < p; b++) xtx[a * p + b] = xtx[a * p + b]! + wa * x[row + b]!;
    }
  }
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
