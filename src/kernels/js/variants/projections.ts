import type { CellVariant, GemmFn, SequenceForwardArgs, SequenceWeights } from '../../types.js';
import { addColumnSums, addRowBias, gemm } from '../gemm.js';
import { layerNormBackwardRow, layerNormRows } from './layer-norm.js';

/**
 * The two matrix products of a variant cell, with what the variants add around them:
 * the variational input mask before x W_ih^T, the hidden mask before h W_hh^T, and layer
 * norm between each product and its bias. Forward and backward side by side.
 * `mm` is the matrix product to use: the selected backend's (WebAssembly) when it has one,
 * else the reference; everything else here is plain TypeScript.
 */

/** Saved input-side values: the masked input and the layer-norm statistics. */
export interface InputSide {
  /** [T, B, G] pre-activations from the input (after layer norm and b_ih) */
  readonly xg: Float32Array;
  /** [T, B, I] the input the product saw (masked), or args.x */
  readonly xm: Float32Array;
  readonly xhat: Float32Array | null;
  readonly rstd: Float32Array | null;
}

/** xg = LN(mask(x) W_ih^T) + b_ih for every step at once (hoisted out of the time loop). */
export function inputSide(args: SequenceForwardArgs, variant: CellVariant, G: number, mm: GemmFn = gemm): InputSide {
  const { T, B, I } = args.dims;
  const rows = T * B;
  let xm = args.x;
  const mask = variant.inputMask;
  if (mask) {
    xm = new Float32Array(args.x.length);
    for (let r = 0; r < rows; r++) {
      const mo = (r % B) * I;
      for (let k = 0; k < I; k++) xm[r * I + k] = args.x[r * I + k]! * mask[mo + k]!;
    }
  }
  const xg = new Float32Array(rows * G);
  mm(false, true, rows, G, I, 1, xm, 0, I, args.weights.wIh, 0, I, 0, xg, 0, G);
  const ln = variant.layerNorm;
  let xhat: Float32Array | null = null;
  let rstd: Float32Array | null = null;
  if (ln) {
    xhat = new Float32Array(rows * G);
    rstd = new Float32Array(rows);
    layerNormRows(xg, 0, rows, G, ln.ihWeight, ln.ihBias, xg, 0, xhat, 0, rstd, 0);
  }
  if (args.weights.bIh) addRowBias(xg, rows, G, args.weights.bIh);
  return { xg, xm, xhat, rstd };
}

/** Gradients of `inputSide` from dL/dxg of every step (dXG is overwritten). */
export function inputSideGrads(
  args: SequenceForwardArgs,
  variant: CellVariant,
  side: InputSide,
  dXG: Float32Array,
  G: number,
  mm: GemmFn = gemm,
): { dx: Float32Array; dWIh: Float32Array; dBIh: Float32Array | null; dLnW: Float32Array | null; dLnB: Float32Array | null } {
  const { T, B, I } = args.dims;
  const rows = T * B;
  let dBIh: Float32Array | null = null;
  if (args.weights.bIh) {
    dBIh = new Float32Array(G);
    addColumnSums(dXG, rows, G, dBIh);
  }
  const ln = variant.layerNorm;
  let dLnW: Float32Array | null = null;
  let dLnB: Float32Array | null = null;
  if (ln && side.xhat && side.rstd) {
    dLnW = new Float32Array(G);
    dLnB = new Float32Array(G);
    for (let r = 0; r < rows; r++) {
      layerNormBackwardRow(dXG, r * G, G, side.xhat, r * G, side.rstd[r]!, ln.ihWeight, dLnW, dLnB, dXG, r * G);
    }
  }
  const dx = new Float32Array(rows * I);
  mm(false, false, rows, I, G, 1, dXG, 0, G, args.weights.wIh, 0, I, 0, dx, 0, I);
  const dWIh = new Float32Array(G * I);
  mm(true, false, G, I, rows, 1, dXG, 0, G, side.xm, 0, I, 0, dWIh, 0, I);
  const mask = variant.inputMask;
  if (mask) for (let r = 0; r < rows; r++) for (let k = 0; k < I; k++) dx[r * I + k]! *= mask[(r % B) * I + k]!;
  return { dx, dWIh, dBIh, dLnW, dLnB };
}

/** h_{t-1} as W_hh sees it: times the hidden mask, into `out` ([B, P]). */
export function maskedHidden(h: Float32Array, hOff: number, mask: Float32Array | null, n: number, out: Float32Array): Float32Array {
  if (!mask) {
    out.set(h.subarray(hOff, hOff + n));
    return out;
  }
  for (let k = 0; k < n; k++) out[k] = h[hOff + k]! * mask[k]!;
  return out;
}

/**
 * hg[B, G] (only the first `rows` gate rows) = LN(hm W_hh^T) + b_hh for one step; saves the
 * layer-norm statistics of step t. Layer norm needs rows = G (the whole pre-activation).
 */
export function recurrentSide(
  hm: Float32Array,
  w: SequenceWeights,
  variant: CellVariant,
  B: number,
  P: number,
  G: number,
  rows: number,
  out: Float32Array,
  t: number,
  xhat: Float32Array | null,
  rstd: Float32Array | null,
  mm: GemmFn = gemm,
): void {
  mm(false, true, B, rows, P, 1, hm, 0, P, w.wHh, 0, P, 0, out, 0, G);
  const ln = variant.layerNorm;
  if (ln && xhat && rstd) layerNormRows(out, 0, B, G, ln.hhWeight, ln.hhBias, out, 0, xhat, t * B * G, rstd, t * B);
  if (w.bHh) for (let b = 0; b < B; b++) for (let j = 0; j < rows; j++) out[b * G + j]! += w.bHh[j]!;
}

/** Accumulators of the recurrent side's gradients over the backward time loop. */
export interface RecurrentGrads {
  readonly dWHh: Float32Array;
  readonly dBHh: Float32Array | null;
  readonly dLnW: Float32Array | null;
  readonly dLnB: Float32Array | null;
}

export function recurrentGrads(w: SequenceWeights, variant: CellVariant, G: number, P: number): RecurrentGrads {
  const ln = variant.layerNorm !== null;
  return {
    dWHh: new Float32Array(G * P),
    dBHh: w.bHh ? new Float32Array(G) : null,
    dLnW: ln ? new Float32Array(G) : null,
    dLnB: ln ? new Float32Array(G) : null,
  };
}

/**
 * Backward of `recurrentSide` for one step: dHG [B, G] (first `rows` rows used; overwritten)
 * is dL/dhg; accumulates the weight grads and ADDS dL/dh_{t-1} (through the mask) to dhPrev.
 */
export function recurrentSideGrads(
  dHG: Float32Array,
  hm: Float32Array,
  w: SequenceWeights,
  variant: CellVariant,
  B: number,
  P: number,
  G: number,
  rows: number,
  t: number,
  xhat: Float32Array | null,
  rstd: Float32Array | null,
  acc: RecurrentGrads,
  dhm: Float32Array,
  dhPrev: Float32Array,
  mm: GemmFn = gemm,
): void {
  if (acc.dBHh) for (let b = 0; b < B; b++) for (let j = 0; j < rows; j++) acc.dBHh[j]! += dHG[b * G + j]!;
  const ln = variant.layerNorm;
  if (ln && xhat && rstd && acc.dLnW && acc.dLnB) {
    for (let b = 0; b < B; b++) {
      layerNormBackwardRow(dHG, b * G, G, xhat, (t * B + b) * G, rstd[t * B + b]!, ln.hhWeight, acc.dLnW, acc.dLnB, dHG, b * G);
    }
  }
  mm(true, false, rows, P, B, 1, dHG, 0, G, hm, 0, P, 1, acc.dWHh, 0, P);
  mm(false, false, B, P, rows, 1, dHG, 0, G, w.wHh, 0, P, 0, dhm, 0, P);
  const mask = variant.hiddenMask;
  for (let k = 0; k < B * P; k++) dhPrev[k]! += mask ? dhm[k]! * mask[k]! : dhm[k]!;
}

/** Zoneout's d for element k of step t (a mask value while training, p at evaluation). */
export function zoneAt(masks: Float32Array | null, p: number, idx: number): number {
  return masks ? masks[idx]! : p;
}

/** Clipped value of a pre-activation, and whether the clip was inactive (so its derivative is 1). */
export function clipValue(a: number, clip: number): number {
  return a > clip ? clip : a < -clip ? -clip : a;
}
