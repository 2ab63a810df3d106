// Pure data logic of the visualiser (no DOM, no recur): scales, surprise, unit ordering.
// Kept free of imports so Node tests can check it directly (test/web/analysis.test.ts).

/**
 * Symmetric log: sign(v)·log(1 + |v|/knee). Linear near 0, logarithmic beyond the knee, so
 * a cell state of ±0.5 and one of ±90 both stay readable on one fixed scale.
 * @example symlog(0) === 0; symlog(-3, 1) === -Math.log(4)
 */
export function symlog(v: number, knee = 1): number {
  return Math.sign(v) * Math.log1p(Math.abs(v) / knee);
}

/** The inverse of `symlog`, for legend ticks. */
export function symlogInverse(y: number, knee = 1): number {
  return Math.sign(y) * knee * Math.expm1(Math.abs(y));
}

/**
 * Surprise in bits at each step: −log2 P(the character that actually comes next).
 * probs is [T, V] time-major; ids the T character ids read. The last step has no next
 * character: NaN there.
 * @example surpriseBits(Float32Array.of(0.5, 0.5, 0.25, 0.75), Int32Array.of(0, 1), 2) -> [1, NaN]
 */
export function surpriseBits(probs: Float32Array, ids: ArrayLike<number>, V: number): number[] {
  const T = ids.length;
  return Array.from({ length: T }, (_, t) => (t + 1 < T ? -Math.log2(Math.max(1e-12, probs[t * V + ids[t + 1]!]!)) : NaN));
}

/** Variance over time of each unit of data [T, H]. */
export function unitVariance(data: Float32Array, T: number, H: number): number[] {
  const out: number[] = [];
  for (let u = 0; u < H; u++) {
    let s = 0;
    let ss = 0;
    for (let t = 0; t < T; t++) {
      const v = data[t * H + u]!;
      s += v;
      ss += v * v;
    }
    const m = s / Math.max(1, T);
    out.push(Math.max(0, ss / Math.max(1, T) - m * m));
  }
  return out;
}

/** Pearson correlation of units a and b over time (0 when either is flat). */
function correlation(data: Float32Array, T: number, H: number, a: number, b: number): number {
  let sa = 0;
  let sb = 0;
  for (let t = 0; t < T; t++) {
    sa += data[t * H + a]!;
    sb += data[t * H + b]!;
  }
  const ma = sa / T;
  const mb = sb / T;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let t = 0; t < T; t++) {
    const x = data[t * H + a]! - ma;
    const y = data[t * H + b]! - mb;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

/**
 * Orders units so that units moving together sit together: the `keep` most active units
 * (by variance), chained greedily from the most active, each next unit the one most
 * correlated (|r|: units that move together or against each other) with the one placed
 * last. Flat units (no variance) go last.
 * Returns unit indices, most active first.
 * @example orderUnits(data, T, H, 24) -> [17, 40, 3, ...] (24 indices)
 */
export function orderUnits(data: Float32Array, T: number, H: number, keep = H): number[] {
  const variance = unitVariance(data, T, H);
  const pool = variance
    .map((v, u) => ({ u, v }))
    .sort((x, y) => y.v - x.v || x.u - y.u)
    .slice(0, Math.max(1, Math.min(H, keep)))
    .map((x) => x.u);
  const order = [pool.shift()!];
  while (pool.length > 0) {
    const last = order[order.length - 1]!;
    let best = 0;
    let bestR = -Infinity;
    pool.forEach((u, i) => {
      const r = variance[u]! > 0 ? Math.abs(correlation(data, T, H, last, u)) : -1;
      if (r > bestR) [best, bestR] = [i, r];
    });
    order.push(pool.splice(best, 1)[0]!);
  }
  return order;
}

/**
 * How well one unit alone tells the classes apart: leave-nothing-out nearest-class-mean
 * accuracy of values [N, H] (row-major) against labels in 0..classes-1, for every unit.
 * @example decodingAccuracy(Float32Array.of(0, 1, 0, 1), Int32Array.of(0, 0), 2, 2) -> [1, 0.5]
 */
export function decodingAccuracy(values: Float32Array, labels: ArrayLike<number>, H: number, classes: number): number[] {
  const N = labels.length;
  const out: number[] = [];
  for (let u = 0; u < H; u++) {
    const sum = new Float64Array(classes);
    const count = new Float64Array(classes);
    for (let n = 0; n < N; n++) {
      sum[labels[n]!]! += values[n * H + u]!;
      count[labels[n]!]! += 1;
    }
    const means = Array.from(sum, (s, k) => (count[k]! > 0 ? s / count[k]! : NaN));
    let hits = 0;
    for (let n = 0; n < N; n++) {
      const v = values[n * H + u]!;
      let best = -1;
      for (let k = 0; k < classes; k++) {
        if (!Number.isFinite(means[k]!)) continue;
        if (best < 0 || Math.abs(v - means[k]!) < Math.abs(v - means[best]!)) best = k;
      }
      if (best === labels[n]) hits++;
    }
    out.push(N > 0 ? hits / N : 0);
  }
  return out;
}

/** The k units with the best decoding accuracy, best first (ties: lower index first). */
export function bestUnits(accuracy: readonly number[], k: number): number[] {
  return accuracy
    .map((a, u) => ({ a, u }))
    .sort((x, y) => y.a - x.a || x.u - y.u)
    .slice(0, k)
    .map((x) => x.u);
}

/**
 * dL/dc_t of an LSTM from its trace: the gradient that flows along the cell-state path.
 * dc_t = dh_t ⊙ o_t ⊙ (1 − tanh² c_t) + dc_{t+1} ⊙ f_{t+1}, with dh_t the total dL/dh_t
 * (recur's gradH). All arrays [T, B, H]; returns [T, B, H].
 */
export function cellStateGrad(gradH: Float32Array, o: Float32Array, f: Float32Array, c: Float32Array, T: number, BH: number): Float32Array {
  const dc = new Float32Array(T * BH);
  for (let t = T - 1; t >= 0; t--) {
    for (let k = 0; k < BH; k++) {
      const i = t * BH + k;
      const th = Math.tanh(c[i]!);
      const carried = t + 1 < T ? dc[i + BH]! * f[i + BH]! : 0;
      dc[i] = gradH[i]! * o[i]! * (1 - th * th) + carried;
    }
  }
  return dc;
}

/** Mean over the batch of the L2 norm over units, for each step of [T, B, H]. */
export function stepNorms(g: Float32Array, T: number, B: number, H: number): number[] {
  return Array.from({ length: T }, (_, t) => {
    let total = 0;
    for (let b = 0; b < B; b++) {
      let sq = 0;
      for (let k = 0; k < H; k++) sq += g[(t * B + b) * H + k]! ** 2;
      total += Math.sqrt(sq);
    }
    return total / B;
  });
}

/** A window of `width` steps around the cursor t, clamped to 0..T-1: [start, end). */
export function windowAround(t: number, T: number, width: number): [number, number] {
  const w = Math.max(1, Math.min(T, width));
  const start = Math.max(0, Math.min(T - w, t - Math.floor(w / 2)));
  return [start, start + w];
}

/**
 * How much a state depends on which variant of a sequence was read: for data [T, B, H]
 * (B variants differing in one input), the mean over units of max − min across variants.
 * 0 where the variants agree (before the difference, or once it is forgotten).
 * @example variantSpread(Float32Array.of(0, 0, 1, 3), 2, 2, 1) -> [0, 2]
 */
export function variantSpread(data: Float32Array, T: number, B: number, H: number): number[] {
  return Array.from({ length: T }, (_, t) => {
    let sum = 0;
    for (let u = 0; u < H; u++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let b = 0; b < B; b++) {
        const v = data[(t * B + b) * H + u]!;
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      sum += hi - lo;
    }
    return sum / H;
  });
}
