import { gemm as jsGemm } from '../js/gemm.js';
import type { GemmFn } from '../types.js';
import type { Arena } from './arena.js';
import { packedFloats } from './calls.js';
import type { KernelExports } from './module.js';

// Below this many multiply-adds the copies cost more than the reference's loops.
const SMALL = 32 * 32 * 32;
// The kernel's K block (assembly/gemm.ts KC): up to this depth it adds the old C once, to
// the finished sum, as the loop below does, so the two agree bit for bit.
const KC = 256;

/**
 * The BLAS-style product of the Backend interface on the SIMD kernels: op(A) is copied in
 * row-major (a transposed A by the kernels' transpose), op(B) packed into panels (a
 * transpose is just the packing strides), and alpha/beta applied while copying C out; a
 * plain accumulation (alpha 1, beta 1: gradients adding up) is added by the kernel itself.
 */
export function makeWasmGemm(k: KernelExports, arena: Arena): GemmFn {
  return (transA, transB, m, n, kk, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc) => {
    if (m === 0 || n === 0) return;
    if (kk === 0 || m * n * kk < SMALL) {
      jsGemm(transA, transB, m, n, kk, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
      return;
    }
    const bSpan = transB ? (n - 1) * ldb + kk : (kk - 1) * ldb + n;
    const accumulate = alpha === 1 && beta === 1 && kk <= KC;
    arena.begin();
    const pA = arena.take(m * kk);
    const pAt = transA ? arena.take(kk * m) : 0;
    const pB = arena.take(bSpan);
    const pBP = arena.take(packedFloats(kk, n));
    const pC = arena.take(m * n);
    const mem = arena.commit();
    const fa = pA >> 2;
    if (transA) {
      // A is stored as kk rows of m (stride lda): in as they are, then transposed in WASM.
      const ft = pAt >> 2;
      if (lda === m) mem.set(a.subarray(aOff, aOff + kk * m), ft);
      else for (let p = 0; p < kk; p++) mem.set(a.subarray(aOff + p * lda, aOff + p * lda + m), ft + p * m);
      k.transpose(pAt, kk, m, pA);
    } else if (lda === kk) mem.set(a.subarray(aOff, aOff + m * kk), fa);
    else for (let i = 0; i < m; i++) mem.set(a.subarray(aOff + i * lda, aOff + i * lda + kk), fa + i * kk);
    mem.set(b.subarray(bOff, bOff + bSpan), pB >> 2);
    k.pack(pB, transB ? 1 : ldb, transB ? ldb : 1, kk, n, pBP);
    const fc = pC >> 2;
    if (accumulate) for (let i = 0; i < m; i++) mem.set(c.subarray(cOff + i * ldc, cOff + i * ldc + n), fc + i * n);
    k.gemm(pA, kk, m, kk, pBP, n, pC, n, 0, accumulate ? 1 : 0);
    const view = arena.f32();
    for (let i = 0; i < m; i++) {
      const src = fc + i * n;
      const dst = cOff + i * ldc;
      if (accumulate || (beta === 0 && alpha === 1)) c.set(view.subarray(src, src + n), dst);
      else if (beta === 0) for (let j = 0; j < n; j++) c[dst + j] = alpha * view[src + j]!;
      else for (let j = 0; j < n; j++) c[dst + j] = alpha * view[src + j]! + beta * c[dst + j]!;
    }
  };
}
