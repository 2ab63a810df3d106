/**
 * Row-wise layer normalisation for the layer-norm cells (Ba et al. 2016):
 * y = (x - mean) / sqrt(var + eps) * gain + bias, statistics over each row of n values.
 * The backward pass needs only the normalised row x^ and 1/sqrt(var + eps).
 */

/** PyTorch's nn.LayerNorm default. */
export const LN_EPS = 1e-5;

/**
 * Normalises `rows` rows of `n` values of `src` (from srcOff) into `dst` (from dstOff, may alias
 * src), saving x^ into `xhat` at xhatOff and 1/std into `rstd` at rstdOff (one per row).
 */
export function layerNormRows(
  src: Float32Array,
  srcOff: number,
  rows: number,
  n: number,
  gain: Float32Array,
  bias: Float32Array,
  dst: Float32Array,
  dstOff: number,
  xhat: Float32Array,
  xhatOff: number,
  rstd: Float32Array,
  rstdOff: number,
): void {
  for (let r = 0; r < rows; r++) {
    const so = srcOff + r * n;
    let mean = 0;
    for (let j = 0; j < n; j++) mean += src[so + j]!;
    mean /= n;
    let v = 0;
    for (let j = 0; j < n; j++) {
      const d = src[so + j]! - mean;
      v += d * d;
    }
    const rs = 1 / Math.sqrt(v / n + LN_EPS);
    rstd[rstdOff + r] = rs;
    const xo = xhatOff + r * n;
    const d0 = dstOff + r * n;
    for (let j = 0; j < n; j++) {
      const xh = (src[so + j]! - mean) * rs;
      xhat[xo + j] = xh;
      dst[d0 + j] = xh * gain[j]! + bias[j]!;
    }
  }
}

/**
 * Backward of one normalised row: given dL/dy (n values at dyOff), writes dL/dx at dxOff
 * (may alias dy) and accumulates the gain and bias gradients.
 *   dx = rstd * (dxh - mean(dxh) - x^ * mean(dxh * x^)),  dxh = dy * gain
 */
export function layerNormBackwardRow(
  dy: Float32Array,
  dyOff: number,
  n: number,
  xhat: Float32Array,
  xhatOff: number,
  rstd: number,
  gain: Float32Array,
  dGain: Float32Array,
  dBias: Float32Array,
  dx: Float32Array,
  dxOff: number,
): void {
  let m1 = 0;
  let m2 = 0;
  for (let j = 0; j < n; j++) {
    const g = dy[dyOff + j]!;
    const xh = xhat[xhatOff + j]!;
    dGain[j]! += g * xh;
    dBias[j]! += g;
    const dxh = g * gain[j]!;
    m1 += dxh;
    m2 += dxh * xh;
  }
  m1 /= n;
  m2 /= n;
  for (let j = 0; j < n; j++) {
    const xh = xhat[xhatOff + j]!;
    dx[dxOff + j] = rstd * (dy[dyOff + j]! * gain[j]! - m1 - xh * m2);
  }
}
