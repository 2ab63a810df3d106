import { ShapeError } from '../errors.js';
import type { Rng } from '../tensor/random.js';
import { formatShape, sameShape, sizeOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { gradBuffer } from '../tensor/tensor.js';
import { outputGrad, record } from './graph.js';

/**
 * Differentiable tensor operations. Each op computes its result, then records a closure
 * that turns the result's gradient into its inputs' gradients, written right below.
 */

/** `t[k]` along the first axis: [n, ...rest] -> [...rest]. */
export function select(t: Tensor, k: number): Tensor {
  const n = t.shape[0]!;
  if (!Number.isInteger(k) || k < 0 || k >= n) {
    throw new ShapeError(`select: index ${k} out of range for a first axis of size ${n}`);
  }
  const inner = t.size / n;
  const out = new Tensor(t.data.slice(k * inner, (k + 1) * inner), t.shape.slice(1));
  record('select', [t], [out], () => {
    const g = outputGrad(out);
    const gt = gradBuffer(t);
    for (let i = 0; i < inner; i++) gt[k * inner + i]! += g[i]!;
  });
  return out;
}

/** Stacks equal-shaped tensors along a new first axis. */
export function stack(ts: readonly Tensor[]): Tensor {
  if (ts.length === 0) throw new ShapeError('stack: needs at least one tensor');
  const shape = ts[0]!.shape;
  for (const t of ts) {
    if (!sameShape(t.shape, shape)) {
      throw new ShapeError(`stack: shapes differ: ${formatShape(shape)} and ${formatShape(t.shape)}`);
    }
  }
  const inner = sizeOf(shape);
  const data = new Float32Array(inner * ts.length);
  ts.forEach((t, k) => data.set(t.data, k * inner));
  const out = new Tensor(data, [ts.length, ...shape]);
  record('stack', ts, [out], () => {
    const g = outputGrad(out);
    ts.forEach((t, k) => {
      if (!t.requiresGrad) return;
      const gt = gradBuffer(t);
      for (let i = 0; i < inner; i++) gt[i]! += g[k * inner + i]!;
    });
  });
  return out;
}

/** Concatenates along the last axis; all other axes must agree. */
export function concatLast(ts: readonly Tensor[]): Tensor {
  if (ts.length === 1) return ts[0]!;
  const lead = ts[0]!.shape.slice(0, -1);
  for (const t of ts) {
    if (!sameShape(t.shape.slice(0, -1), lead)) {
      throw new ShapeError(`concatLast: leading shapes differ: ${formatShape(ts[0]!.shape)} and ${formatShape(t.shape)}`);
    }
  }
  const rows = sizeOf(lead);
  const widths = ts.map((t) => t.shape[t.shape.length - 1]!);
  const total = widths.reduce((a, b) => a + b, 0);
  const data = new Float32Array(rows * total);
  let col = 0;
  ts.forEach((t, k) => {
    const w = widths[k]!;
    for (let r = 0; r < rows; r++) data.set(t.data.subarray(r * w, (r + 1) * w), r * total + col);
    col += w;
  });
  const out = new Tensor(data, [...lead, total]);
  record('concat', ts, [out], () => {
    const g = outputGrad(out);
    let c = 0;
    ts.forEach((t, k) => {
      const w = widths[k]!;
      if (t.requiresGrad) {
        const gt = gradBuffer(t);
        for (let r = 0; r < rows; r++) {
          for (let j = 0; j < w; j++) gt[r * w + j]! += g[r * total + c + j]!;
        }
      }
      c += w;
    });
  });
  return out;
}

/** Swaps the first two axes: [a, b, ...rest] -> [b, a, ...rest] (batch-first <-> time-major). */
export function swapAxes01(t: Tensor): Tensor {
  const [a, b] = t.shape as [number, number];
  const inner = t.size / (a * b || 1);
  const data = new Float32Array(t.size);
  for (let i = 0; i < a; i++) {
    for (let j = 0; j < b; j++) {
      data.set(t.data.subarray((i * b + j) * inner, (i * b + j + 1) * inner), (j * a + i) * inner);
    }
  }
  const out = new Tensor(data, [b, a, ...t.shape.slice(2)]);
  record('swapAxes01', [t], [out], () => {
    const g = outputGrad(out);
    const gt = gradBuffer(t);
    for (let i = 0; i < a; i++) {
      for (let j = 0; j < b; j++) {
        const src = (j * a + i) * inner;
        const dst = (i * b + j) * inner;
        for (let k = 0; k < inner; k++) gt[dst + k]! += g[src + k]!;
      }
    }
  });
  return out;
}

/**
 * Inverted dropout: zeroes each element with probability p and scales the rest by 1/(1-p),
 * so evaluation needs no rescaling. The mask comes from `rng`, so runs are reproducible.
 */
export function dropout(t: Tensor, p: number, rng: Rng): Tensor {
  if (p === 0) return t;
  const scale = 1 / (1 - p);
  const mask = new Float32Array(t.size);
  for (let i = 0; i < mask.length; i++) mask[i] = rng.random() < p ? 0 : scale;
  const data = new Float32Array(t.size);
  for (let i = 0; i < data.length; i++) data[i] = t.data[i]! * mask[i]!;
  const out = new Tensor(data, t.shape);
  record('dropout', [t], [out], () => {
    const g = outputGrad(out);
    const gt = gradBuffer(t);
    for (let i = 0; i < g.length; i++) gt[i]! += g[i]! * mask[i]!;
  });
  return out;
}

/** sum(t * weights) as a scalar: a linear loss, handy for tests and for seeding gradients. */
export function weightedSum(t: Tensor, weights: Float32Array): Tensor {
  if (weights.length !== t.size) {
    throw new ShapeError(`weightedSum: ${weights.length} weights for a tensor of ${t.size} elements`);
  }
  let s = 0;
  for (let i = 0; i < t.size; i++) s += t.data[i]! * weights[i]!;
  const out = new Tensor([s], []);
  record('weightedSum', [t], [out], () => {
    const g = outputGrad(out)[0]!;
    const gt = gradBuffer(t);
    for (let i = 0; i < gt.length; i++) gt[i]! += g * weights[i]!;
  });
  return out;
}

/** Sum of scalars. */
export function addScalars(ts: readonly Tensor[]): Tensor {
  let s = 0;
  for (const t of ts) s += t.data[0]!;
  const out = new Tensor([s], []);
  record('addScalars', ts, [out], () => {
    const g = outputGrad(out)[0]!;
    for (const t of ts) if (t.requiresGrad) gradBuffer(t)[0]! += g;
  });
  return out;
}

/** The same values with another shape of equal size, keeping the gradient path. */
export function reshape(t: Tensor, shape: readonly number[]): Tensor {
  if (sizeOf(shape) !== t.size) {
    throw new ShapeError(`reshape: cannot view ${formatShape(t.shape)} as ${formatShape(shape)}`);
  }
  const out = new Tensor(t.data, shape);
  record('reshape', [t], [out], () => {
    const g = outputGrad(out);
    const gt = gradBuffer(t);
    for (let i = 0; i < g.length; i++) gt[i]! += g[i]!;
  });
  return out;
}

/** Elementwise sum of two tensors of one shape. */
export function add(a: Tensor, b: Tensor): Tensor {
  if (!sameShape(a.shape, b.shape)) throw new ShapeError(`add: shapes differ: ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  const data = new Float32Array(a.size);
  for (let i = 0; i < data.length; i++) data[i] = a.data[i]! + b.data[i]!;
  const out = new Tensor(data, a.shape);
  record('add', [a, b], [out], () => {
    const g = outputGrad(out);
    for (const t of [a, b]) {
      if (!t.requiresGrad) continue;
      const gt = gradBuffer(t);
      for (let i = 0; i < g.length; i++) gt[i]! += g[i]!;
    }
  });
  return out;
}

/**
 * The last k steps of a batch-first [batch, steps, features] tensor, each row's steps laid
 * side by side: [batch, k * features] (what x[:, -k:].flatten(1) gives in PyTorch).
 */
export function lastStepsFlat(x: Tensor, k: number): Tensor {
  if (x.shape.length !== 3) throw new ShapeError(`lastStepsFlat: expected [batch, steps, features], got ${formatShape(x.shape)}`);
  const [B, T, F] = x.shape as [number, number, number];
  if (!Number.isInteger(k) || k < 1 || k > T) throw new ShapeError(`lastStepsFlat: cannot take the last ${k} of ${T} steps`);
  const width = k * F;
  const skip = (T - k) * F;
  const data = new Float32Array(B * width);
  for (let b = 0; b < B; b++) data.set(x.data.subarray(b * T * F + skip, (b + 1) * T * F), b * width);
  const out = new Tensor(data, [B, width]);
  record('lastStepsFlat', [x], [out], () => {
    const g = outputGrad(out);
    const gx = gradBuffer(x);
    for (let b = 0; b < B; b++) {
      for (let i = 0; i < width; i++) gx[b * T * F + skip + i]! += g[b * width + i]!;
    }
  });
  return out;
}
