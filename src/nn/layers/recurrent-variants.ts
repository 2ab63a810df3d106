import type { VariantConfig, VariantParams } from '../../autograd/recurrent.js';
import type { ZoneoutMasks } from '../../kernels/types.js';
import type { Rng } from '../../tensor/random.js';
import { Tensor } from '../../tensor/tensor.js';
import type { ResolvedRecurrentOptions } from './recurrent-options.js';

/**
 * The parameters and per-pass masks of the cell variants (peepholes, layer norm, recurrent
 * dropout, zoneout). Parameter names follow PyTorch's style, with the layer suffix `_l{k}`
 * (and `_reverse`):
 *   weight_p_l{k}       [3H]  LSTM peepholes, order i, f, o (ONNX P is i, o, f); zeros at
 *                             initialisation, so a fresh peephole LSTM computes the plain one
 *   ln_ih_weight_l{k}   [G*H] layer-norm gain on x W_ih^T (ones), ln_ih_bias_l{k} (zeros)
 *   ln_hh_weight_l{k}   [G*H] layer-norm gain on h W_hh^T (ones), ln_hh_bias_l{k} (zeros)
 *   ln_c_weight_l{k}    [H]   LSTM layer-norm gain on c_t (ones), ln_c_bias_l{k} (zeros)
 * G is 4 for LSTM, 3 for GRU.
 */
export function addVariantParams(
  o: ResolvedRecurrentOptions,
  sfx: string,
  add: (name: string, t: Tensor) => Tensor,
): VariantParams | undefined {
  if (!o.peephole && !o.layerNorm) return undefined;
  const H = o.hiddenSize;
  const G = (o.mode === 'lstm' ? 4 : 3) * H;
  const filled = (name: string, n: number, value: number): Tensor => {
    const t = Tensor.zeros([n]);
    t.data.fill(value);
    return add(name + sfx, t);
  };
  const ln = o.layerNorm;
  const lstmLn = ln && o.mode === 'lstm';
  return {
    peephole: o.peephole ? filled('weight_p', 3 * H, 0) : null,
    lnIhWeight: ln ? filled('ln_ih_weight', G, 1) : null,
    lnIhBias: ln ? filled('ln_ih_bias', G, 0) : null,
    lnHhWeight: ln ? filled('ln_hh_weight', G, 1) : null,
    lnHhBias: ln ? filled('ln_hh_bias', G, 0) : null,
    lnCWeight: lstmLn ? filled('ln_c_weight', H, 1) : null,
    lnCBias: lstmLn ? filled('ln_c_bias', H, 0) : null,
  };
}

/** Sizes of one pass, for drawing its masks. */
export interface PassShape {
  readonly T: number;
  readonly B: number;
  /** features of this layer's input */
  readonly I: number;
  /** size of h */
  readonly P: number;
  readonly H: number;
}

/**
 * The variant part of one pass, or undefined when the plain cell computes exactly this pass
 * (so it stays on the selected, possibly WebAssembly, backend): recurrent dropout only while
 * training, zoneout's expectation at evaluation.
 */
export function passVariant(o: ResolvedRecurrentOptions, training: boolean, rng: Rng, s: PassShape): VariantConfig | undefined {
  if (plainCellComputes(o, training)) return undefined;
  const dropping = training && o.recurrentDropout > 0;
  return {
    coupleInputForget: o.coupleInputForget,
    clip: o.clip ?? Infinity,
    resetAfter: o.resetAfter,
    inputMask: dropping ? dropoutMask(s.B * s.I, o.recurrentDropout, rng) : null,
    hiddenMask: dropping ? dropoutMask(s.B * s.P, o.recurrentDropout, rng) : null,
    zoneout: o.zoneout > 0 ? zoneoutMasks(o, training, rng, s) : null,
  };
}

/**
 * Whether the plain cell computes this layer's passes exactly (no variant in effect), so plain
 * kernels, including the prepared streaming-step kernels, may run it.
 */
export function plainCellComputes(o: ResolvedRecurrentOptions, training: boolean): boolean {
  const structural = o.peephole || o.coupleInputForget || o.clip !== null || !o.resetAfter || o.layerNorm;
  return !structural && !(training && o.recurrentDropout > 0) && o.zoneout === 0;
}

/** Inverted dropout: 0 with probability p, else 1/(1-p), so the expectation is unchanged. */
function dropoutMask(n: number, p: number, rng: Rng): Float32Array {
  const scale = 1 / (1 - p);
  const m = new Float32Array(n);
  for (let k = 0; k < n; k++) m[k] = rng.random() < p ? 0 : scale;
  return m;
}

/** Training: fresh 0/1 masks per step and unit (1 = keep the previous value); evaluation: d = p. */
function zoneoutMasks(o: ResolvedRecurrentOptions, training: boolean, rng: Rng, s: PassShape): ZoneoutMasks {
  const p = o.zoneout;
  if (!training) return { h: null, c: null, p };
  const draw = (n: number): Float32Array => {
    const m = new Float32Array(n);
    for (let k = 0; k < n; k++) m[k] = rng.random() < p ? 1 : 0;
    return m;
  };
  return { h: draw(s.T * s.B * s.P), c: o.mode === 'lstm' ? draw(s.T * s.B * s.H) : null, p };
}
