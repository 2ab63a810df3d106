import { gemm as jsGemm } from '../js/gemm.js';
import type { GemmFn } from '../types.js';
import type { Arena } from './arena.js';
import { packedFloats } from './calls.js';
import type { KernelExports } from './module.js';

// Below this many multiply-adds the copies cost more than the reference's loops.
const SMALL = 32 * 32 * 32;

/**
 * The BLAS-style product of the Backend interface on the SIMD kernels: op(A) is copied in
 * row-major, op(B) packed into panels (a transpose is just the packing strides), and
 * alpha/beta applied while copying C out.
 */
export function makeWasmGemm(k: KernelExports, arena: Arena): GemmFn {
  return (transA, transB, m, n, kk, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc) => {
    if (m === 0 || n === 0) return;
    if (kk === 0 || m * n * kk < SMALL) {
      jsGemm(transA, transB, m, n, kk, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
      return;
    }
    const bSpan = transB ? (n - 1) * ldb + kk : (kk - 1) * ldb + n;
    arena.begin();
    const pA = arena.take(m * kk);
    const pB = arena.take(bSpan);
    const pBP = arena.take(packedFloats(kk, n));
    const pC = arena.take(m * n);
    const mem = arena.commit();
    const fa = pA >> 2;
    if (!transA && lda === kk) mem.set(a.subarray(aOff, aOff + m * kk), fa);
    else {
      for (let i = 0; i < m; i++) {
        const row = fa + i * kk;
        if (transA) for (let p = 0; p < kk; p++) mem[row + p] = a[aOff + p * lda + i]!;
        else mem.set(a.subarray(aOff + i * lda, aOff + i * lda + kk), row);
      }
    }
    mem.set(b.subarray(bOff, bOff + bSpan), pB >> 2);
    k.pack(pB, transB ? 1 : ldb, transB ? ldb : 1, kk, n, pBP);
    k.gemm(pA, kk, m, kk, pBP, n, pC, n, 0, 0);
    const view = arena.f32();
    const fc = pC >> 2;
    for (let i = 0; i < m; i++) {
      const src = fc + i * n;
      const dst = cOff + i * ldc;
      if (beta === 0) {
        if (alpha === 1) c.set(view.subarray(src, src + n), dst);
        else for (let j = 0; j < n; j++) c[dst + j] = alpha * view[src + j]!;
      } else {
        for (let j = 0; j < n; j++) c[dst + j] = alpha * view[src + j]! + beta * c[dst + j]!;
      }
    }
  };
}
