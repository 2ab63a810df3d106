import { OptionError } from '../../errors.js';
import { jsBackend } from '../js/index.js';
import type { Backend, SequenceBackwardArgs, SequenceForwardArgs, StepKernel, StepKernelOptions } from '../types.js';
import { makeWasmAdam } from './adam.js';
import { Arena } from './arena.js';
import { wasmBackward } from './backward.js';
import { wasmForward } from './forward.js';
import { makeWasmGemm } from './gemm.js';
import { loadKernelsSync, simdSupported, type KernelInstance, type KernelVariant } from './module.js';
import { PackCache } from './pack-cache.js';
import { isHeldSave, SavedStore, type HeldSave, type SavedHandle } from './saved.js';
import { prepareStepKernel } from './step.js';

/** The single-thread kernels on one instance, with the store of its saved passes. */
export interface SingleBackend extends Backend {
  prepareStep(o: StepKernelOptions): StepKernel;
  /** Frees saved passes by id (a worker's, once the thread holding their handles drops them). */
  releaseSaved(ids: readonly number[]): void;
  readonly saved: SavedStore;
  readonly packCache: PackCache | null;
  readonly memoryBytes: number;
}

export interface SingleOptions {
  /**
   * Saved passes are freed when their handle is collected (default; handles stay in this
   * thread). A pool worker's handles go to another thread, which sends their releases.
   */
  tracked?: boolean;
  /** Bytes of kernel memory for saved passes before the oldest move out to JS arrays. */
  savedBudget?: number;
  /**
   * Keep packed weights between calls (default). Off in pool workers, whose weights arrive
   * as fresh copies with every job.
   */
  packCache?: boolean;
}

/** Cell variants run on the reference variant kernels, which kernels/entry.ts picks. */
function plainOnly(args: SequenceForwardArgs): void {
  if (args.variant) {
    throw new OptionError('wasm backend: it runs plain cells (with dropout masks); run passes with a cell variant through kernels/entry.ts sequenceForward, which sends them to the reference variant kernels');
  }
}

/** The single-thread WASM backend on `inst` (what the threaded backend and each pool worker run). */
export function makeSingle(inst: KernelInstance, { tracked = true, savedBudget, packCache = true }: SingleOptions = {}): SingleBackend {
  const arena = new Arena(inst);
  const store = new SavedStore(arena, savedBudget);
  const k = inst.exports;
  const cache = packCache ? new PackCache(arena) : null;
  return {
    name: 'wasm',
    gemm: makeWasmGemm(k, arena),
    adamStep: makeWasmAdam(k, arena),
    sequenceForward(args: SequenceForwardArgs) {
      plainOnly(args);
      // Nothing to run (the kernels want T, B >= 1): the reference returns the initial state
      // as it is (no step reads a dropout mask).
      if (args.dims.T === 0 || args.dims.B === 0) return jsBackend.sequenceForward({ ...args, dropout: undefined });
      return wasmForward(k, arena, store, cache, args, tracked);
    },
    sequenceBackward(args: SequenceBackwardArgs) {
      plainOnly(args.forward);
      const { T, B } = args.forward.dims;
      if (T === 0 || B === 0) return jsBackend.sequenceBackward({ ...args, forward: { ...args.forward, dropout: undefined } });
      const grads = wasmBackward(k, arena, store, cache, args);
      // Like PyTorch's saved tensors: freed once backward has used them.
      const saved = args.result.saved as SavedHandle | HeldSave;
      if (isHeldSave(saved)) saved.arrays = null;
      else store.release(saved.savedId);
      return grads;
    },
    prepareStep: (options) => prepareStepKernel(k, arena, options),
    dropoutMasks: true,
    releaseSaved: (ids) => ids.forEach((id) => store.release(id)),
    saved: store,
    packCache: cache,
    get memoryBytes() {
      return inst.memory.buffer.byteLength;
    },
  };
}

/** A separate single-thread instance (what each pool worker runs); null without SIMD. */
export function singleThreadBackend(variant?: KernelVariant, options?: SingleOptions): SingleBackend | null {
  return simdSupported() ? makeSingle(loadKernelsSync(variant), options) : null;
}
