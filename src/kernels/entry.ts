// The one entry point to the kernels: which backend runs (the selected one unless given),
// which of its kernels run and where the reference ones stand in. Backends run plain cells
// (and recurrent dropout masks where they say so); everything else is decided here.
import { getBackend } from './backend.js';
import { adamStep as referenceAdamStep } from './js/adam.js';
import { gemm as referenceGemm } from './js/gemm.js';
import { dropoutVariant, variantSequenceBackward, variantSequenceForward } from './js/variants/index.js';
import { checkTarget, placeOutput } from './output-target.js';
import type {
  AdamStepHyper,
  Backend,
  CellVariant,
  DropoutMasks,
  GemmFn,
  SequenceBackwardArgs,
  SequenceForwardArgs,
  SequenceForwardResult,
  VariantSequenceGrads,
} from './types.js';

/** Where a pass runs: the backend's plain kernels, or the reference variant kernels. */
type Route = { readonly on: 'backend'; readonly args: SequenceForwardArgs } | { readonly on: 'variant'; readonly args: SequenceForwardArgs };

/** The masks of a variant that is recurrent dropout and nothing else, or null. */
function dropoutOnly(v: CellVariant): DropoutMasks | null {
  const plain = v.peephole === null && v.layerNorm === null && !v.coupleInputForget && v.clip === Infinity && v.resetAfter && v.zoneout === null;
  return plain && (v.inputMask || v.hiddenMask) ? { input: v.inputMask, hidden: v.hiddenMask } : null;
}

/**
 * A pass with a cell variant runs on the reference variant kernels, unless the variant is
 * recurrent dropout alone and the backend applies dropout masks itself; dropout masks on a
 * backend without them run on the variant kernels too.
 */
function route(args: SequenceForwardArgs, backend: Backend): Route {
  const v = args.variant;
  if (v) {
    const masks = backend.dropoutMasks ? dropoutOnly(v) : null;
    if (!masks) return { on: 'variant', args };
    const { variant: _variant, ...plain } = args;
    return { on: 'backend', args: { ...plain, dropout: masks } };
  }
  if (args.dropout && !backend.dropoutMasks) return { on: 'variant', args: { ...args, variant: dropoutVariant(args.dropout) } };
  return { on: 'backend', args };
}

/**
 * One layer and direction forward over a whole sequence (see `Backend.sequenceForward`),
 * on `backend` (default: the selected one), cell variants included.
 *
 * @example
 * const r = sequenceForward({ mode: 'lstm', dims: { T, B, I, H, P: H }, weights, x, h0, c0, lengths: null,
 *   reverse: false, saveForBackward: true, trace: false });   // r.y [T, B, H]
 */
export function sequenceForward(args: SequenceForwardArgs, backend: Backend = getBackend()): SequenceForwardResult {
  checkTarget(args);
  const r = route(args, backend);
  return placeOutput(args, r.on === 'variant' ? variantSequenceForward(r.args, backend.gemm) : backend.sequenceForward(r.args));
}

/**
 * BPTT for a `sequenceForward` pass, on the same backend; the gradients of the variant's own
 * parameters under `variant` (null for plain cells).
 */
export function sequenceBackward(args: SequenceBackwardArgs, backend: Backend = getBackend()): VariantSequenceGrads {
  const r = route(args.forward, backend);
  const routed = { ...args, forward: r.args };
  return r.on === 'variant' ? variantSequenceBackward(routed, backend.gemm) : { ...backend.sequenceBackward(routed), variant: null };
}

/**
 * Independent passes (the directions of a bidirectional layer), each as `sequenceForward`:
 * at once where the backend can (`sequenceForwardMany`: inference passes on plain kernels).
 * Passes with an output target (`into`) leave their y there, whichever way they ran.
 */
export function sequenceForwardMany(list: readonly SequenceForwardArgs[], backend: Backend = getBackend()): SequenceForwardResult[] {
  const routes = list.map((a) => route(a, backend));
  const together = list.length > 1 && backend.sequenceForwardMany !== undefined && routes.every((r) => r.on === 'backend' && !r.args.saveForBackward);
  if (!together) return list.map((a) => sequenceForward(a, backend));
  list.forEach(checkTarget);
  return backend.sequenceForwardMany!(routes.map((r) => r.args)).map((r, i) => placeOutput(list[i]!, r));
}

/** The selected backend's matrix product (`GemmFn`), the reference one where it has none. */
export const gemm: GemmFn = (...args) => (getBackend().gemm ?? referenceGemm)(...args);

/** The selected backend's plain Adam update in place on p, m, v, the reference one where it has none. */
export function adamStep(p: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, h: AdamStepHyper): void {
  (getBackend().adamStep ?? referenceAdamStep)(p, grad, m, v, h);
}
