import type { GemmFn } from '../types.js';

/**
 * Reference matrix product on row-major arrays with leading dimensions, BLAS-style:
 * C[m, n] = alpha * op(A)[m, k] * op(B)[k, n] + beta * C, where op transposes when asked.
 * Sums run in float64 so the reference is at least as accurate as any fast kernel.
 * A transpose is a change of strides, never a copy.
 */
export const gemm: GemmFn = (transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc) => {
  if (m === 0 || n === 0) return;
  // Strides of op(A)[i, p] and op(B)[p, j].
  const aI = transA ? 1 : lda;
  const aP = transA ? lda : 1;
  const bP = transB ? 1 : ldb;
  const bJ = transB ? ldb : 1;
  if (bP === 1) {
    // Dot products along contiguous rows of B (the x W^T case).
    for (let i = 0; i < m; i++) {
      const ai = aOff + i * aI;
      const ci = cOff + i * ldc;
      for (let j = 0; j < n; j++) {
        const bj = bOff + j * bJ;
        let s = 0;
        for (let p = 0; p < k; p++) s += a[ai + p * aP]! * b[bj + p]!;
        c[ci + j] = alpha * s + (beta === 0 ? 0 : beta * c[ci + j]!);
      }
    }
    return;
  }
  // B rows contiguous along j: accumulate whole rows of C (axpy form) in float64.
  const acc = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    acc.fill(0);
    const ai = aOff + i * aI;
    for (let p = 0; p < k; p++) {
      const av = a[ai + p * aP]!;
      if (av === 0) continue;
      const bp = bOff + p * bP;
      for (let j = 0; j < n; j++) acc[j]! += av * b[bp + j]!;
    }
    const ci = cOff + i * ldc;
    for (let j = 0; j < n; j++) c[ci + j] = alpha * acc[j]! + (beta === 0 ? 0 : beta * c[ci + j]!);
  }
};

/** out[j] += sum_i a[i, j] for a [rows, cols]: bias gradients. */
export function addColumnSums(a: Float32Array, rows: number, cols: number, out: Float32Array): void {
  for (let i = 0; i < rows; i++) {
    const off = i * cols;
    for (let j = 0; j < cols; j++) out[j]! += a[off + j]!;
  }
}

/** Adds `bias` [cols] to every row of `a` [rows, cols]. */
export function addRowBias(a: Float32Array, rows: number, cols: number, bias: Float32Array): void {
  for (let i = 0; i < rows; i++) {
    const off = i * cols;
    for (let j = 0; j < cols; j++) a[off + j]! += bias[j]!;
  }
}
