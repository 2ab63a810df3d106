// The Backend gemm (dense layers) on every backend, the reference included, against a naive
// float64 triple loop: transposes, leading dimensions, offsets, alpha and beta, small and
// blocked sizes; C outside the product's rows and columns stays untouched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelVariant, loadKernelsSync } from '../../src/kernels/wasm/module.js';
import { jsBackend } from '../../src/kernels/js/index.js';
import { gemm as refGemm } from '../../src/kernels/js/gemm.js';
import { singleThreadBackend } from '../../src/kernels/wasm/single.js';
import { wasmBackendSync } from '../../src/kernels/wasm/index.js';
import { assertClose, seeded } from './helpers.js';

// The default WASM build (relaxed SIMD here) and the plain SIMD128 one.
const backends = [{ ...jsBackend, gemm: refGemm }, wasmBackendSync()!, { ...singleThreadBackend('simd128')!, name: 'wasm-simd128' }];

/** C = alpha op(A) op(B) + beta C by the definition, in float64, element by element. */
function naiveGemm(transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number, a: Float32Array, aOff: number, lda: number, b: Float32Array, bOff: number, ldb: number, beta: number, c: Float32Array, cOff: number, ldc: number): Float64Array {
  const out = Float64Array.from(c);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[aOff + (transA ? p * lda + i : i * lda + p)]! * b[bOff + (transB ? j * ldb + p : p * ldb + j)]!;
      out[cOff + i * ldc + j] = alpha * s + beta * c[cOff + i * ldc + j]!;
    }
  }
  return out;
}
// [3, 70, 300] and [1, 200, 300]: one-row tiles of four panels, with the old C added after a K block.
const sizes = [[3, 5, 2], [33, 47, 40], [70, 17, 300], [1, 130, 64], [129, 20, 257], [3, 70, 300], [1, 200, 300]] as const;

for (const backend of backends) {
  test(`gemm on ${backend.name} matches a float64 triple loop`, () => {
    const r = seeded(3);
    const gemm = backend.gemm!;
    for (const [m, n, k] of sizes) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          for (const [alpha, beta] of [[1, 0], [1, 1], [0.5, 1], [2, -0.25]] as const) {
            const lda = (transA ? m : k) + 3;
            const ldb = (transB ? k : n) + 1;
            const ldc = n + 2;
            const aOff = 5;
            const bOff = 2;
            const cOff = 7;
            const a = Float32Array.from({ length: aOff + (transA ? k : m) * lda }, () => r());
            const b = Float32Array.from({ length: bOff + (transB ? n : k) * ldb }, () => r());
            const c0 = Float32Array.from({ length: cOff + m * ldc }, () => r());
            const got = Float32Array.from(c0);
            const want = Float32Array.from(naiveGemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c0, cOff, ldc));
            gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, got, cOff, ldc);
            // Sums of k terms of size ~1: float32 error grows like sqrt(k) ulps.
            assertClose(`${backend.name} m${m} n${n} k${k} tA${transA} tB${transB} a${alpha} b${beta}`, got, want, 1e-5 * Math.sqrt(k) * 4);
          }
        }
      }
    }
  });
}

for (const backend of backends.slice(1)) {
  test(`gemm on ${backend.name}: adding into C (alpha 1, beta 1) gives the product plus the old C, one rounding, bit for bit; a transposed A the same, contiguous or strided`, () => {
    const r = seeded(11);
    const gemm = backend.gemm!;
    // k 64 and 256: the kernel adds the old C itself; k 300: added while copying out (all
    // above the size the reference loops take, whose sums are float64).
    for (const [m, n, k] of [[40, 48, 64], [1, 200, 256], [33, 20, 300]] as const) {
      for (const pad of [0, 3]) {
        const lda = m + pad; // A transposed: k rows of m
        const a = Float32Array.from({ length: k * lda }, () => r());
        const b = Float32Array.from({ length: k * n }, () => r());
        const c0 = Float32Array.from({ length: m * n }, () => r());
        const product = new Float32Array(m * n);
        gemm(true, false, m, n, k, 1, a, 0, lda, b, 0, n, 0, product, 0, n);
        const got = Float32Array.from(c0);
        gemm(true, false, m, n, k, 1, a, 0, lda, b, 0, n, 1, got, 0, n);
        assert.deepEqual(got, Float32Array.from(product, (v, i) => v + c0[i]!), `m${m} n${n} k${k} lda${lda}: product + C`);
        // The same A stored untransposed (m rows of k): the same bits.
        const aRows = Float32Array.from({ length: m * k }, (_, i) => a[(i % k) * lda + Math.floor(i / k)]!);
        const plain = new Float32Array(m * n);
        gemm(false, false, m, n, k, 1, aRows, 0, k, b, 0, n, 0, plain, 0, n);
        assert.deepEqual(product, plain, `m${m} n${n} k${k} lda${lda}: transposed A in WASM = A stored as rows`);
      }
    }
  });
}

test('pack writes the panel layout exactly, for contiguous rows, contiguous columns and general strides', () => {
  const { exports: k, memory } = loadKernelsSync(kernelVariant());
  memory.grow(4);
  const r = seeded(8);
  // K not a multiple of 4 (the transposed path's tail) and N with a partial last panel.
  for (const [K, N] of [[1, 1], [7, 16], [9, 33], [64, 48], [130, 70]] as const) {
    for (const [ks, ns] of [[N + 3, 1], [1, K + 2], [N * 2 + 1, 2]] as const) {
      const span = (K - 1) * ks + (N - 1) * ns + 1;
      const src = Float32Array.from({ length: span }, () => r());
      const view = new Float32Array(memory.buffer);
      const at = 1024;
      const out = at + span * 4 + 64;
      view.set(src, at >> 2);
      const bytes = Math.ceil(N / 16) * K * 64;
      view.fill(NaN, out >> 2, (out + bytes) >> 2);
      k.pack(at, ks, ns, K, N, out);
      const got = new Float32Array(memory.buffer, out, bytes >> 2);
      const want = new Float32Array(bytes >> 2);
      for (let p = 0; p * 16 < N; p++) {
        for (let kk = 0; kk < K; kk++) {
          for (let j = 0; j < 16; j++) want[(p * K + kk) * 16 + j] = p * 16 + j < N ? src[kk * ks + (p * 16 + j) * ns]! : 0;
        }
      }
      assert.deepEqual(got, want, `K ${K} N ${N} ks ${ks} ns ${ns}`);
    }
  }
});
