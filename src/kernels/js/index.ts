import { OptionError } from '../../errors.js';
import type { Backend, CellMode, SequenceBackwardArgs, SequenceForwardArgs } from '../types.js';
import { gruBackward, gruForward } from './gru.js';
import { lstmBackward, lstmForward } from './lstm.js';
import { rnnBackward, rnnForward } from './rnn.js';

/** The reference kernels of each cell. */
const CELLS: Record<CellMode, Pick<Backend, 'sequenceForward' | 'sequenceBackward'>> = {
  rnn_tanh: { sequenceForward: rnnForward, sequenceBackward: rnnBackward },
  rnn_relu: { sequenceForward: rnnForward, sequenceBackward: rnnBackward },
  lstm: { sequenceForward: lstmForward, sequenceBackward: lstmBackward },
  gru: { sequenceForward: gruForward, sequenceBackward: gruBackward },
};

/** Variants and dropout masks are the variant kernels' (js/variants), which kernels/entry.ts picks. */
function plainOnly(args: SequenceForwardArgs): void {
  if (args.variant || args.dropout) {
    throw new OptionError(
      `js backend: it runs plain cells; run passes with ${args.variant ? 'a cell variant' : 'dropout masks'} through kernels/entry.ts sequenceForward, which sends them to the reference variant kernels`,
    );
  }
}

/**
 * The reference backend: plain TypeScript, float64 sums, written for clarity. It runs
 * everywhere and is the oracle every faster backend is tested against.
 */
export const jsBackend: Backend = {
  name: 'js',
  sequenceForward(args: SequenceForwardArgs) {
    plainOnly(args);
    return CELLS[args.mode].sequenceForward(args);
  },
  sequenceBackward(args: SequenceBackwardArgs) {
    plainOnly(args.forward);
    return CELLS[args.forward.mode].sequenceBackward(args);
  },
};
