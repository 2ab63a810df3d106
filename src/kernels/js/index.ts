import type { Backend, SequenceBackwardArgs, SequenceForwardArgs } from '../types.js';
import { gruBackward, gruForward } from './gru.js';
import { lstmBackward, lstmForward } from './lstm.js';
import { rnnBackward, rnnForward } from './rnn.js';

/**
 * The reference backend: plain TypeScript, float64 sums, written for clarity. It runs
 * everywhere and is the oracle every faster backend is tested against.
 */
export const jsBackend: Backend = {
  name: 'js',
  sequenceForward(args: SequenceForwardArgs) {
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
