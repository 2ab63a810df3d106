/**
 * recur: recurrent neural networks (RNN, LSTM, GRU) for Node and the browser, with
 * PyTorch's formulas, gate order, parameter names and layouts, and exact gradients.
 *
 * @example
 * import { lstm, Tensor, weightedSum } from 'recur';
 *
 * const layer = lstm({ inputSize: 3, hiddenSize: 8, numLayers: 2, seed: 42 });
 * const x = new Tensor(new Float32Array(5 * 2 * 3).fill(0.1), [5, 2, 3]); // [seq, batch, features]
 * const { output, state } = layer.forward(x);    // output [5, 2, 8]; state.h, state.c [2, 2, 8]
 * weightedSum(output, new Float32Array(output.size).fill(1)).backward();
 * layer.stateDict().weight_ih_l0.grad;             // dL/dW, PyTorch layout
 *
 * @module
 */

// Tensors and randomness
export { Tensor, checkFinite, type TensorData, type GradNode } from './tensor/tensor.js';
export { Rng } from './tensor/random.js';
export { sizeOf, formatShape } from './tensor/shape.js';

// Errors (each has a stable `code`)
export { RecurError, ShapeError, OptionError, StateDictError, FormatError, NonFiniteError } from './errors.js';

// Autograd
export { noGrad, isGradEnabled } from './autograd/graph.js';
export { Module, type StateDict, type TensorLike } from './autograd/module.js';
export { select, stack, concatLast, swapAxes01, dropout, reshape, weightedSum, addScalars } from './autograd/ops.js';

// Cells (one step) and layers (whole sequences)
export { lstmCell, type LstmCellState } from './cells/lstm.js';
export { gruCell } from './cells/gru.js';
export { rnnCell, type RnnCellOptions } from './cells/rnn.js';
export { RecurrentCell, type CellOptions, type CellState } from './cells/cell.js';
export { rnn, lstm, gru } from './layers/factories.js';
export {
  RecurrentLayer,
  type RecurrentState,
  type LstmState,
  type ForwardOptions,
  type ForwardResult,
  type DirectionTrace,
} from './layers/recurrent.js';
export type { RecurrentOptions, RnnOptions, LstmOptions, GruOptions } from './layers/recurrent-options.js';

// Kernel backends
export { getBackend, setBackend, registerBackend, listBackends } from './kernels/backend.js';
export { jsBackend } from './kernels/js/index.js';
export type { Backend, CellMode } from './kernels/types.js';

// Interop
export {
  parseReferenceCase,
  runReferenceCase,
  type ReferenceCase,
  type ReferenceResult,
} from './io/pytorch-reference.js';
