import type { CellVariant, DropoutMasks, GemmFn, SequenceBackwardArgs, SequenceForwardArgs, SequenceForwardResult, VariantSequenceGrads } from '../../types.js';
import { gruVariantBackward, gruVariantForward } from './gru-variants.js';
import { lstmVariantBackward, lstmVariantForward } from './lstm-variants.js';
import { rnnVariantBackward, rnnVariantForward } from './rnn-variants.js';

/**
 * The entry autograd calls for a pass with a cell variant (args.variant set). These reference
 * kernels are the only ones that compute variants other than recurrent dropout (which the
 * WebAssembly backend fuses), so those layers run here whatever backend is selected
 * (see docs/variants.md). Only their
 * matrix products use `mm`, the selected backend's gemm when it has one.
 */
export function variantSequenceForward(args: SequenceForwardArgs, mm?: GemmFn): SequenceForwardResult {
  const v = args.variant;
  if (!v) throw new Error('variantSequenceForward: args.variant is missing');
  if (args.weights.wHr) throw new Error('variantSequenceForward: cell variants do not support a projected LSTM');
  if (args.mode === 'lstm') return lstmVariantForward(args, v, mm);
  if (args.mode === 'gru') return gruVariantForward(args, v, mm);
  return rnnVariantForward(args, v, mm);
}

/** Backpropagation through time for `variantSequenceForward`. */
export function variantSequenceBackward(args: SequenceBackwardArgs, mm?: GemmFn): VariantSequenceGrads {
  const v = args.forward.variant;
  if (!v) throw new Error('variantSequenceBackward: forward.variant is missing');
  if (args.forward.mode === 'lstm') return lstmVariantBackward(args, v, mm);
  if (args.forward.mode === 'gru') return gruVariantBackward(args, v, mm);
  return rnnVariantBackward(args, v, mm);
}

/** The variant that is recurrent dropout with these masks and nothing else (a plain cell otherwise). */
export function dropoutVariant(m: DropoutMasks): CellVariant {
  return { peephole: null, coupleInputForget: false, clip: Infinity, resetAfter: true, layerNorm: null, inputMask: m.input, hiddenMask: m.hidden, zoneout: null };
}
