// Matrix kernels on byte pointers into the shared memory. B operands are pre-packed into
// contiguous 16-column panels (K x 16, zero-padded): row-major B with a large stride
// aliases in cache, panels stream linearly. Register tiles are 2 x 16 (8 accumulators),
// the largest that does not spill; one-row tails use 1 x 64 (row4) and 1 x 32 for more
// independent chains and weight streams.

// Staging for a partial last panel (N not a multiple of 16).
let stage: usize = memory.data(64, 16);
// 64 zero floats: row4's starting values when there is no bias.
const zeros: usize = memory.data(256, 16);
// row4's output when the old C is to be added.
let stage4: usize = memory.data(256, 16);

/**
 * Moves the two staging buffers to 320 bytes at `at` (16-byte aligned). Threads that share
 * one memory (the shared build) each call it with their own: globals belong to an instance,
 * static data to the memory.
 */
export function setStaging(at: usize): void {
  stage = at;
  stage4 = at + 64;
}

// c + x * b. The relaxed-SIMD build fuses it (one rounding; 1.4-1.5x the GEMM speed on
// Zen 3, where separate mul and add saturate the front end); the plain build rounds twice.
// Every tile uses it the same way, so the tiles still agree bit for bit within a build.
@inline function madd(x: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(x, b, c);
  return f32x4.add(c, f32x4.mul(x, b));
}

/**
 * Stores the 4 x 4 transpose of rows a, b, e, g (4 floats each) as 4 rows at dst, dst + stride,
 * dst + 2 stride, dst + 3 stride: two rounds of shuffles, no scalar moves.
 */
@inline function store4x4T(a: v128, b: v128, e: v128, g: v128, dst: usize, stride: usize): void {
  const ab0 = v128.shuffle<i32>(a, b, 0, 4, 1, 5), ab1 = v128.shuffle<i32>(a, b, 2, 6, 3, 7);
  const eg0 = v128.shuffle<i32>(e, g, 0, 4, 1, 5), eg1 = v128.shuffle<i32>(e, g, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<i64>(ab0, eg0, 0, 2));
  v128.store(dst + stride, v128.shuffle<i64>(ab0, eg0, 1, 3));
  v128.store(dst + 2 * stride, v128.shuffle<i64>(ab1, eg1, 0, 2));
  v128.store(dst + 3 * stride, v128.shuffle<i64>(ab1, eg1, 1, 3));
}

/**
 * Packs B (K x N, element (k, n) at src[k*ks + n*ns], strides in floats) into panels at dst.
 * Full panels move as vectors: four loads and stores per k when rows are contiguous (ns = 1),
 * 4 x 4 register transposes when columns are (ks = 1, a transposed weight); the rest, and
 * partial panels, element by element. The packed bytes are the same either way.
 */
export function pack(src: usize, ks: i32, ns: i32, K: i32, N: i32, dst: usize): void {
  const panels = (N + 15) >> 4;
  let out = dst;
  for (let p = 0; p < panels; p++) {
    const n0 = p << 4;
    const nc = min(16, N - n0);
    const base0 = src + ((<usize>n0 * <usize>ns) << 2);
    if (nc == 16 && ns == 1) {
      const kStep = <usize>ks << 2;
      for (let k = 0; k < K; k++) {
        const b = base0 + <usize>k * kStep;
        v128.store(out, v128.load(b));
        v128.store(out, v128.load(b, 16), 16);
        v128.store(out, v128.load(b, 32), 32);
        v128.store(out, v128.load(b, 48), 48);
        out += 64;
      }
      continue;
    }
    if (nc == 16 && ks == 1) {
      // Column n0 + j is contiguous in k: 4 k's of 4 columns at a time, transposed in registers.
      const col = <usize>ns << 2;
      let k = 0;
      for (; k + 4 <= K; k += 4) {
        for (let q = 0; q < 4; q++) {
          const c0 = base0 + (<usize>(q << 2) * col) + (<usize>k << 2);
          store4x4T(v128.load(c0), v128.load(c0 + col), v128.load(c0 + 2 * col), v128.load(c0 + 3 * col), out + (<usize>q << 4), 64);
        }
        out += 256;
      }
      for (; k < K; k++) {
        const b = base0 + (<usize>k << 2);
        for (let j = 0; j < 16; j++) {
          store<f32>(out, load<f32>(b + <usize>j * col));
          out += 4;
        }
      }
      continue;
    }
    for (let k = 0; k < K; k++) {
      const base = base0 + ((<usize>k * <usize>ks) << 2);
      const step = <usize>ns << 2;
      for (let j = 0; j < 16; j++) {
        store<f32>(out, j < nc ? load<f32>(base + <usize>j * step) : 0);
        out += 4;
      }
    }
  }
}

/** Bytes that `pack` writes for a K x N operand. */
export function packedBytes(K: i32, N: i32): i32 {
  return ((N + 15) >> 4) * K * 64;
}

@inline function storeRow(c: usize, nc: i32, acc: i32, v0: v128, v1: v128, v2: v128, v3: v128): void {
  if (nc == 16) {
    if (acc) {
      v0 = f32x4.add(v0, v128.load(c));
      v1 = f32x4.add(v1, v128.load(c, 16));
      v2 = f32x4.add(v2, v128.load(c, 32));
      v3 = f32x4.add(v3, v128.load(c, 48));
    }
    v128.store(c, v0);
    v128.store(c, v1, 16);
    v128.store(c, v2, 32);
    v128.store(c, v3, 48);
    return;
  }
  v128.store(stage, v0);
  v128.store(stage, v1, 16);
  v128.store(stage, v2, 32);
  v128.store(stage, v3, 48);
  for (let j = 0; j < nc; j++) {
    const o = c + (<usize>j << 2);
    const v = load<f32>(stage + (<usize>j << 2));
    store<f32>(o, acc ? v + load<f32>(o) : v);
  }
}

// Two rows of A against one panel.
@inline function tile2(a: usize, lda: i32, K: i32, panel: usize, c: usize, ldc: i32, nc: i32, bias: usize, acc: i32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
  if (bias) {
    c00 = v128.load(bias);
    c01 = v128.load(bias, 16);
    c02 = v128.load(bias, 32);
    c03 = v128.load(bias, 48);
  }
  let c10 = c00, c11 = c01, c12 = c02, c13 = c03;
  const a1 = a + (<usize>lda << 2);
  let bq = panel;
  for (let k = 0; k < K; k++) {
    const ko = <usize>k << 2;
    const x0 = v128.load32_splat(a + ko);
    const x1 = v128.load32_splat(a1 + ko);
    const b0 = v128.load(bq);
    const b1 = v128.load(bq, 16);
    const b2 = v128.load(bq, 32);
    const b3 = v128.load(bq, 48);
    c00 = madd(x0, b0, c00);
    c01 = madd(x0, b1, c01);
    c02 = madd(x0, b2, c02);
    c03 = madd(x0, b3, c03);
    c10 = madd(x1, b0, c10);
    c11 = madd(x1, b1, c11);
    c12 = madd(x1, b2, c12);
    c13 = madd(x1, b3, c13);
    bq += 64;
  }
  storeRow(c, nc, acc, c00, c01, c02, c03);
  storeRow(c + (<usize>ldc << 2), nc, acc, c10, c11, c12, c13);
}

// One row of A against two full panels (the batch-1 path).
@inline function tile1x2(a: usize, K: i32, panelBytes: usize, panel: usize, c: usize, bias: usize, acc: i32, nc2: i32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
  let c10 = c00, c11 = c00, c12 = c00, c13 = c00;
  if (bias) {
    c00 = v128.load(bias);
    c01 = v128.load(bias, 16);
    c02 = v128.load(bias, 32);
    c03 = v128.load(bias, 48);
    c10 = v128.load(bias, 64);
    c11 = v128.load(bias, 80);
    c12 = v128.load(bias, 96);
    c13 = v128.load(bias, 112);
  }
  let bq = panel;
  const bq2 = panelBytes;
  for (let k = 0; k < K; k++) {
    const x0 = v128.load32_splat(a + (<usize>k << 2));
    c00 = madd(x0, v128.load(bq), c00);
    c01 = madd(x0, v128.load(bq, 16), c01);
    c02 = madd(x0, v128.load(bq, 32), c02);
    c03 = madd(x0, v128.load(bq, 48), c03);
    const bn = bq + bq2;
    c10 = madd(x0, v128.load(bn), c10);
    c11 = madd(x0, v128.load(bn, 16), c11);
    c12 = madd(x0, v128.load(bn, 32), c12);
    c13 = madd(x0, v128.load(bn, 48), c13);
    bq += 64;
  }
  storeRow(c, 16, acc, c00, c01, c02, c03);
  storeRow(c + 64, nc2, acc, c10, c11, c12, c13);
}

// One row of A against four full panels (the batch-1 path): four weight streams in flight
// instead of two keep more misses outstanding when the weights come from L3 (W_hh of
// hidden 256 is 1 MB, L2 512 KB on Zen 3): 1.4x the speed of tile1x2 there, measured.
// It writes its 64 sums and never adds the old C itself: with a bias start and that final
// sum in the same function, V8 ran the loop no faster than tile1x2 (measured; either one
// alone was fine), so `oddRow` adds C.
function row4(a: usize, K: i32, panelBytes: usize, panel: usize, c: usize, bias: usize): void {
  // Start from the bias, or from zeros, with the same loads either way.
  const b = bias ? bias : zeros;
  let c00 = v128.load(b), c01 = v128.load(b, 16), c02 = v128.load(b, 32), c03 = v128.load(b, 48);
  let c10 = v128.load(b, 64), c11 = v128.load(b, 80), c12 = v128.load(b, 96), c13 = v128.load(b, 112);
  let c20 = v128.load(b, 128), c21 = v128.load(b, 144), c22 = v128.load(b, 160), c23 = v128.load(b, 176);
  let c30 = v128.load(b, 192), c31 = v128.load(b, 208), c32 = v128.load(b, 224), c33 = v128.load(b, 240);
  let bq = panel;
  for (let k = 0; k < K; k++) {
    const x0 = v128.load32_splat(a + (<usize>k << 2));
    c00 = madd(x0, v128.load(bq), c00);
    c01 = madd(x0, v128.load(bq, 16), c01);
    c02 = madd(x0, v128.load(bq, 32), c02);
    c03 = madd(x0, v128.load(bq, 48), c03);
    const b1 = bq + panelBytes;
    c10 = madd(x0, v128.load(b1), c10);
    c11 = madd(x0, v128.load(b1, 16), c11);
    c12 = madd(x0, v128.load(b1, 32), c12);
    c13 = madd(x0, v128.load(b1, 48), c13);
    const b2 = b1 + panelBytes;
    c20 = madd(x0, v128.load(b2), c20);
    c21 = madd(x0, v128.load(b2, 16), c21);
    c22 = madd(x0, v128.load(b2, 32), c22);
    c23 = madd(x0, v128.load(b2, 48), c23);
    const b3 = b2 + panelBytes;
    c30 = madd(x0, v128.load(b3), c30);
    c31 = madd(x0, v128.load(b3, 16), c31);
    c32 = madd(x0, v128.load(b3, 32), c32);
    c33 = madd(x0, v128.load(b3, 48), c33);
    bq += 64;
  }
  v128.store(c, c00); v128.store(c, c01, 16); v128.store(c, c02, 32); v128.store(c, c03, 48);
  v128.store(c, c10, 64); v128.store(c, c11, 80); v128.store(c, c12, 96); v128.store(c, c13, 112);
  v128.store(c, c20, 128); v128.store(c, c21, 144); v128.store(c, c22, 160); v128.store(c, c23, 176);
  v128.store(c, c30, 192); v128.store(c, c31, 208); v128.store(c, c32, 224); v128.store(c, c33, 240);
}

@inline function tile1(a: usize, K: i32, panel: usize, c: usize, nc: i32, bias: usize, acc: i32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
  if (bias) {
    c00 = v128.load(bias);
    c01 = v128.load(bias, 16);
    c02 = v128.load(bias, 32);
    c03 = v128.load(bias, 48);
  }
  let bq = panel;
  for (let k = 0; k < K; k++) {
    const x0 = v128.load32_splat(a + (<usize>k << 2));
    c00 = madd(x0, v128.load(bq), c00);
    c01 = madd(x0, v128.load(bq, 16), c01);
    c02 = madd(x0, v128.load(bq, 32), c02);
    c03 = madd(x0, v128.load(bq, 48), c03);
    bq += 64;
  }
  storeRow(c, nc, acc, c00, c01, c02, c03);
}

// Cache blocking for the big whole-sequence products (K = T*B in the weight gradients):
// a KC-deep slice of a panel stays in L1 and an MC x KC block of A in L2.
const KC = 256;
const MC = 128;

/**
 * C[M, N] (row stride ldc) = A[M, K] (row stride lda) x packed B, plus bias[N] when
 * bias != 0, plus the old C when acc != 0. Bias must be readable up to a multiple of 16.
 */
export function gemm(a: usize, lda: i32, M: i32, K: i32, bp: usize, N: i32, c: usize, ldc: i32, bias: usize, acc: i32): void {
  if (K <= KC && M <= MC) {
    block(a, lda, M, K, K, bp, N, c, ldc, bias, acc);
    return;
  }
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(KC, K - k0);
    for (let m0 = 0; m0 < M; m0 += MC) {
      block(
        a + ((<usize>m0 * <usize>lda + <usize>k0) << 2), lda, min(MC, M - m0), kc, K,
        bp + (<usize>k0 << 6), N, c + ((<usize>m0 * <usize>ldc) << 2), ldc,
        k0 == 0 ? bias : 0, k0 == 0 ? acc : 1,
      );
    }
  }
}

// One block: K-deep slice of A rows against every panel; panels are Kfull x 16.
function block(a: usize, lda: i32, M: i32, K: i32, Kfull: i32, bp: usize, N: i32, c: usize, ldc: i32, bias: usize, acc: i32): void {
  const panels = (N + 15) >> 4;
  const panelBytes = <usize>Kfull << 6;
  const pairs = M & ~1;
  for (let p = 0; p < panels; p++) {
    const n0 = p << 4;
    const nc = min(16, N - n0);
    const panel = bp + <usize>p * panelBytes;
    const bo = bias ? bias + (<usize>n0 << 2) : 0;
    for (let m = 0; m < pairs; m += 2) {
      tile2(a + ((<usize>m * <usize>lda) << 2), lda, K, panel, c + ((<usize>m * <usize>ldc + <usize>n0) << 2), ldc, nc, bo, acc);
    }
  }
  if (pairs == M) return;
  oddRow(a + ((<usize>pairs * <usize>lda) << 2), K, panelBytes, bp, N, c + ((<usize>pairs * <usize>ldc) << 2), bias, acc);
}

// A single row of A against every panel: four full panels at a time, then two, then one.
// Each output column sums in the same order as in tile2, so a row gives bit-identical
// results whichever tile computes it (batch chunks of any size agree).
function oddRow(a1: usize, K: i32, panelBytes: usize, bp: usize, N: i32, c1: usize, bias: usize, acc: i32): void {
  const panels = (N + 15) >> 4;
  let p = 0;
  for (; (p + 4) << 4 <= N; p += 4) {
    const n0 = p << 4;
    const o = c1 + (<usize>n0 << 2);
    row4(a1, K, panelBytes, bp + <usize>p * panelBytes, acc ? stage4 : o, bias ? bias + (<usize>n0 << 2) : 0);
    // (sum) + old C, the same single rounding as storeRow's.
    if (acc) for (let j = 0; j < 256; j += 16) v128.store(o + j, f32x4.add(v128.load(stage4 + j), v128.load(o + j)));
  }
  for (; p + 2 <= panels; p += 2) {
    const n0 = p << 4;
    tile1x2(a1, K, panelBytes, bp + <usize>p * panelBytes, c1 + (<usize>n0 << 2), bias ? bias + (<usize>n0 << 2) : 0, acc, min(16, N - n0 - 16));
  }
  if (p < panels) {
    const n0 = p << 4;
    tile1(a1, K, bp + <usize>p * panelBytes, c1 + (<usize>n0 << 2), min(16, N - n0), bias ? bias + (<usize>n0 << 2) : 0, acc);
  }
}

/**
 * dst[cols, rows] = src[rows, cols]^T, in 16 x 16 blocks to stay in cache, each made of 4 x 4
 * register transposes (shuffles), 3-4x the scalar loop; partial blocks go element by element.
 */
export function transpose(src: usize, rows: i32, cols: i32, dst: usize): void {
  const sRow = <usize>cols << 2;
  const dRow = <usize>rows << 2;
  for (let r0 = 0; r0 < rows; r0 += 16) {
    const r1 = min(rows, r0 + 16);
    for (let c0 = 0; c0 < cols; c0 += 16) {
      const c1 = min(cols, c0 + 16);
      if (r1 - r0 == 16 && c1 - c0 == 16) {
        for (let r = r0; r < r1; r += 4) {
          for (let c = c0; c < c1; c += 4) {
            const s = src + <usize>r * sRow + (<usize>c << 2);
            store4x4T(v128.load(s), v128.load(s + sRow), v128.load(s + 2 * sRow), v128.load(s + 3 * sRow), dst + <usize>c * dRow + (<usize>r << 2), dRow);
          }
        }
        continue;
      }
      for (let r = r0; r < r1; r++) {
        for (let c = c0; c < c1; c++) {
          store<f32>(dst + ((<usize>c * <usize>rows + <usize>r) << 2), load<f32>(src + ((<usize>r * <usize>cols + <usize>c) << 2)));
        }
      }
    }
  }
}

/** dst[j] = sum over rows of src[i, j] (bias gradients), row by row so memory streams. */
export function colsum(src: usize, rows: i32, cols: i32, dst: usize): void {
  memory.fill(dst, 0, <usize>cols << 2);
  const v4 = cols & ~3;
  for (let i = 0; i < rows; i++) {
    const row = src + ((<usize>i * <usize>cols) << 2);
    let j = 0;
    for (; j < v4; j += 4) {
      const o = <usize>j << 2;
      v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(row + o)));
    }
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      store<f32>(dst + o, load<f32>(dst + o) + load<f32>(row + o));
    }
  }
}

/** dst[t, b, :] = src[t, b, :] * mask[b, :] for [T, B, w] rows (dropout masks; dst may be src). */
export function maskRows(src: usize, T: i32, B: i32, w: i32, mask: usize, dst: usize): void {
  const row = <usize>w << 2;
  const v4 = <usize>(w & ~3) << 2;
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      const r = <usize>t * <usize>B + <usize>b;
      const s = src + r * row;
      const d = dst + r * row;
      const m = mask + <usize>b * row;
      let o: usize = 0;
      for (; o < v4; o += 16) v128.store(d + o, f32x4.mul(v128.load(s + o), v128.load(m + o)));
      for (; o < row; o += 4) store<f32>(d + o, load<f32>(s + o) * load<f32>(m + o));
    }
  }
}

/** dst[n] += src[n] */
export function addTo(dst: usize, src: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
  }
}

/** 1 when the n floats at a and b are the same bits (NaNs, signed zeros included), else 0. */
export function sameBits(a: usize, b: usize, n: i32): i32 {
  const bytes = <usize>n << 2;
  let o: usize = 0;
  // 64 bytes per test: one branch per four vectors (the loop is branch-bound otherwise; it
  // runs over every weight on every call, 1.3 MB at hidden 256).
  for (; o + 64 <= bytes; o += 64) {
    const d0 = v128.or(v128.xor(v128.load(a + o), v128.load(b + o)), v128.xor(v128.load(a + o, 16), v128.load(b + o, 16)));
    const d1 = v128.or(v128.xor(v128.load(a + o, 32), v128.load(b + o, 32)), v128.xor(v128.load(a + o, 48), v128.load(b + o, 48)));
    if (v128.any_true(v128.or(d0, d1))) return 0;
  }
  for (; o + 16 <= bytes; o += 16) {
    if (v128.any_true(v128.xor(v128.load(a + o), v128.load(b + o)))) return 0;
  }
  for (; o < bytes; o += 4) {
    if (load<u32>(a + o) != load<u32>(b + o)) return 0;
  }
  return 1;
}
