import { Tensor } from '../../src/tensor/tensor.js';

/** Softmax over the last axis in float64, the reference for exported Softmax outputs. */
export function softmaxLast(t: Tensor): Tensor {
  const V = t.shape[t.shape.length - 1]!;
  const out = new Float32Array(t.size);
  for (let r = 0; r < t.size / V; r++) {
    let max = -Infinity;
    for (let j = 0; j < V; j++) max = Math.max(max, t.data[r * V + j]!);
    let sum = 0;
    for (let j = 0; j < V; j++) sum += Math.exp(t.data[r * V + j]! - max);
    for (let j = 0; j < V; j++) out[r * V + j] = Math.exp(t.data[r * V + j]! - max) / sum;
  }
  return new Tensor(out, [...t.shape]);
}

/** Argmax of each row of the last axis. */
export function argmaxLast(t: Tensor): number[] {
  const V = t.shape[t.shape.length - 1]!;
  return Array.from({ length: t.size / V }, (_, r) => {
    let best = 0;
    for (let j = 1; j < V; j++) if (t.data[r * V + j]! > t.data[r * V + best]!) best = j;
    return best;
  });
}
