import type { Backend, SequenceBackwardArgs, SequenceForwardArgs } from '../types.js';
import { gruBackward, gruForward } from './gru.js';
import { lstmBackward, lstmForward } from './lstm.js';
import { rnnBackward, rnnForward } from './rnn.js';
import { dropoutVariant, variantSequenceBackward, variantSequenceForward } from './variants/index.js';

/**
 * The reference backend: plain TypeScript, float64 sums, written for clarity. It runs
 * everywhere and is the oracle every faster backend is tested against.
 */
export const jsBackend: Backend = {
  name: 'js',
  sequenceForward(args: SequenceForwardArgs) {
    // Dropout masks (autograd sends them only to backends with dropoutMasks): the variant kernels.
    if (args.dropout) return variantSequenceForward({ ...args, variant: dropoutVariant(args.dropout) });
    switch (args.mode) {
      case 'lstm':
        return lstmForward(args);
      case 'gru':
        return gruForward(args);
      default:
        return rnnForward(args);
    }
  },
  sequenceBackward(args: SequenceBackwardArgs) {
    const fa = args.forward;
    if (fa.dropout) return variantSequenceBackward({ ...args, forward: { ...fa, variant: dropoutVariant(fa.dropout) } });
    switch (args.forward.mode) {
      case 'lstm':
        return lstmBackward(args);
      case 'gru':
        return gruBackward(args);
      default:
        return rnnBackward(args);
    }
  },
};
