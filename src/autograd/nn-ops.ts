import { ShapeError } from '../errors.js';
import { gemm } from '../kernels/entry.js';
import { addColumnSums, addRowBias } from '../kernels/js/gemm.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { gradBuffer } from '../tensor/tensor.js';
import { outputGrad, record } from './graph.js';

/**
 * y = x W^T + b over the last axis: x [..., in], W [out, in], b [out] -> y [..., out]
 * (torch.nn.functional.linear).
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  const [out, inF] = weight.shape as [number, number];
  if (weight.rank !== 2) throw new ShapeError(`linear: weight must be [out, in], got ${formatShape(weight.shape)}`);
  if (bias && bias.size !== out) throw new ShapeError(`linear: bias has ${bias.size} elements, the weight has ${out} outputs`);
  const k = x.shape[x.shape.length - 1];
  if (k !== inF) {
    throw new ShapeError(`linear: input has ${k} features in its last axis (shape ${formatShape(x.shape)}), the weight expects ${inF}`);
  }
  const n = x.size / inF;
  const y = new Float32Array(n * out);
  gemm(false, true, n, out, inF, 1, x.data, 0, inF, weight.data, 0, inF, 0, y, 0, out);
  if (bias) addRowBias(y, n, out, bias.data);
  const result = new Tensor(y, [...x.shape.slice(0, -1), out]);
  record('linear', [x, weight, bias], [result], () => {
    const g = outputGrad(result);
    if (x.requiresGrad) gemm(false, false, n, inF, out, 1, g, 0, out, weight.data, 0, inF, 1, gradBuffer(x), 0, inF);
    if (weight.requiresGrad) gemm(true, false, out, inF, n, 1, g, 0, out, x.data, 0, inF, 1, gradBuffer(weight), 0, inF);
    if (bias?.requiresGrad) addColumnSums(g, n, out, gradBuffer(bias));
  });
  return result;
}

/** Rows of `weight` [num, dim] picked by integer ids: [...ids.shape, dim] (torch.nn.functional.embedding). */
export function embedding(ids: Int32Array, idsShape: readonly number[], weight: Tensor): Tensor {
  const [num, dim] = weight.shape as [number, number];
  const out = new Float32Array(ids.length * dim);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (!(id >= 0 && id < num)) throw new ShapeError(`embedding: id ${id} at position ${i} is outside 0..${num - 1}`);
    out.set(weight.data.subarray(id * dim, (id + 1) * dim), i * dim);
  }
  const result = new Tensor(out, [...idsShape, dim]);
  record('embedding', [weight], [result], () => {
    const g = outputGrad(result);
    const gw = gradBuffer(weight);
    for (let i = 0; i < ids.length; i++) {
      const src = i * dim;
      const dst = ids[i]! * dim;
      for (let j = 0; j < dim; j++) gw[dst + j]! += g[src + j]!;
    }
  });
  return result;
}

/**
 * Layer normalisation over the last axis with gain and bias (Ba et al. 2016;
 * torch.nn.LayerNorm with eps 1e-5 and the biased variance).
 */
export function layerNorm(x: Tensor, gain: Tensor | null, bias: Tensor | null, eps = 1e-5): Tensor {
  const d = x.shape[x.shape.length - 1]!;
  if ((gain && gain.size !== d) || (bias && bias.size !== d)) {
    throw new ShapeError(`layerNorm: gain/bias must have ${d} elements (the last axis of ${formatShape(x.shape)})`);
  }
  const rows = x.size / d;
  const xhat = new Float32Array(x.size);
  const invStd = new Float32Array(rows);
  const y = new Float32Array(x.size);
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    let mean = 0;
    for (let j = 0; j < d; j++) mean += x.data[o + j]!;
    mean /= d;
    let v = 0;
    for (let j = 0; j < d; j++) v += (x.data[o + j]! - mean) ** 2;
    const inv = 1 / Math.sqrt(v / d + eps);
    invStd[r] = inv;
    for (let j = 0; j < d; j++) {
      const xh = (x.data[o + j]! - mean) * inv;
      xhat[o + j] = xh;
      y[o + j] = xh * (gain ? gain.data[j]! : 1) + (bias ? bias.data[j]! : 0);
    }
  }
  const result = new Tensor(y, x.shape);
  record('layerNorm', [x, gain, bias], [result], () => {
    const g = outputGrad(result);
    const gg = gain?.requiresGrad ? gradBuffer(gain) : null;
    const gb = bias?.requiresGrad ? gradBuffer(bias) : null;
    const gx = x.requiresGrad ? gradBuffer(x) : null;
    for (let r = 0; r < rows; r++) {
      const o = r * d;
      // dx = inv/d * (d*dxh - sum(dxh) - xhat*sum(dxh*xhat)), dxh = g * gain
      let s1 = 0;
      let s2 = 0;
      for (let j = 0; j < d; j++) {
        const dxh = g[o + j]! * (gain ? gain.data[j]! : 1);
        s1 += dxh;
        s2 += dxh * xhat[o + j]!;
        if (gg) gg[j]! += g[o + j]! * xhat[o + j]!;
        if (gb) gb[j]! += g[o + j]!;
      }
      if (gx) {
        const inv = invStd[r]!;
        for (let j = 0; j < d; j++) {
          const dxh = g[o + j]! * (gain ? gain.data[j]! : 1);
          gx[o + j]! += (inv / d) * (d * dxh - s1 - xhat[o + j]! * s2);
        }
      }
    }
  });
  return result;
}

/** Picks time step t of a time-major [T, B, F] tensor: [B, F]. */
export function timeStep(x: Tensor, t: number): Tensor {
  const [T, B, F] = x.shape as [number, number, number];
  if (!Number.isInteger(t) || t < 0 || t >= T) throw new ShapeError(`timeStep: step ${t} outside 0..${T - 1}`);
  const out = new Tensor(x.data.slice(t * B * F, (t + 1) * B * F), [B, F]);
  record('timeStep', [x], [out], () => {
    const g = outputGrad(out);
    const gx = gradBuffer(x);
    for (let i = 0; i < g.length; i++) gx[t * B * F + i]! += g[i]!;
  });
  return out;
}
