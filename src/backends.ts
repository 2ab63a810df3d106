/**
 * For writing or checking a kernel backend: the registry, the reference JavaScript backend
 * (the oracle every fast backend is tested against), the kernels' argument types, and the
 * runner of PyTorch reference cases. Most users need none of it: the root entry picks the
 * WASM backend by itself.
 *
 * @example
 * import { registerBackend, jsBackend } from 'recur-nn/backends';
 * import { setBackend } from 'recur-nn';
 *
 * registerBackend({ ...jsBackend, name: 'mine' });   // override kernels one by one
 * setBackend('mine');
 *
 * @module
 */
export { registerBackend } from './kernels/backend.js';
export { jsBackend } from './kernels/js/index.js';
export type {
  AdamStepFn,
  AdamStepHyper,
  DropoutMasks,
  GemmFn,
  OutputTarget,
  SequenceBackwardArgs,
  SequenceDims,
  SequenceForwardArgs,
  SequenceForwardResult,
  SequenceGrads,
  SequenceTrace,
  SequenceWeights,
  WeightGradTargets,
} from './kernels/types.js';
export type { KernelVariant } from './kernels/wasm/module.js';
export {
  parseReferenceCase,
  runReferenceCase,
  type ReferenceCase,
  type ReferenceResult,
  type Comparison,
  type JsonTensor,
  type ReferenceConfig,
} from './io/pytorch-reference.js';
