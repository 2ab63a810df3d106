import { OptionError } from '../../errors.js';
import type { Backend, StepKernel, StepKernelOptions } from '../types.js';
import { kernelVariant, loadKernelsSync, simdSupported, type KernelInstance, type KernelVariant } from './module.js';
import { compileKernels } from './kernel-files.js';
import { makeSingle } from './single.js';
import { defaultThreads } from './env.js';
import type { ThreadPolicy } from './threads/plan.js';
import { ThreadedRunner } from './threads/threaded.js';

export { simdSupported, type KernelVariant } from './module.js';
export type { ThreadPolicy } from './threads/plan.js';

/** The WASM backend, plus the streaming fast path and the thread setting. */
export interface WasmBackend extends Backend {
  /**
   * Packs one layer's weights once into the kernel memory and returns a kernel that runs one
   * step for a fixed batch with no allocation; call `refresh()` after the weights change.
   */
  prepareStep(options: StepKernelOptions): StepKernel;
  /**
   * Threads for large passes. Default: the core count in Node (RECUR_THREADS overrides);
   * in browsers `navigator.hardwareConcurrency` inside a dedicated worker of a
   * cross-origin-isolated page, else 1; capped at 8. Passes are split by batch rows; at
   * inference the directions of a bidirectional layer also run at once, and passes of 1-7
   * sequences are split by hidden units (hidden size a multiple of 16 per thread, no
   * projection) on a shared memory. Results do not depend on it beyond float32 summation
   * order in the weight gradients. `policy` tunes when a pass is split.
   *
   * Where workers cannot run, any count is accepted and passes run on this thread: a page's
   * main thread (it may not block), a page without cross-origin isolation (no
   * SharedArrayBuffer; serve it with `Cross-Origin-Opener-Policy: same-origin` and
   * `Cross-Origin-Embedder-Policy: require-corp`), or workers that fail to load. It never
   * throws for these and never hangs. Browser workers start only once the calling worker's
   * event loop turns, so await `startThreads()` before a synchronous run of passes.
   *
   * @example
   * backend.setThreads(2);                  // in a dedicated worker of an isolated page
   * await backend.startThreads();           // 2 once the workers have loaded, 1 if they cannot
   */
  setThreads(threads: number, policy?: Partial<ThreadPolicy>): void;
  readonly threads: number;
  /**
   * Starts the worker pool now (instead of on the first large pass) and resolves once it has
   * loaded, with the threads a large pass will use: 1 where workers are unavailable.
   */
  startThreads(): Promise<number>;
  /**
   * Which build of the kernels runs: 'relaxed' (fused multiply-add in the GEMM, where the
   * runtime has relaxed SIMD) or 'simd128'. RECUR_WASM=simd128 forces the plain one.
   */
  readonly variant: KernelVariant;
  /** Bytes of this thread's WebAssembly memory (it grows to the largest pass and is reused). */
  readonly memoryBytes: number;
  /** Worker threads alive in the pool and ready for jobs (0 until one is started). */
  readonly liveWorkers: number;
}

/** The threaded backend on `inst`: passes split across workers by threads/threaded.ts, the rest on one thread. */
function makeBackend(inst: KernelInstance): WasmBackend {
  const single = makeSingle(inst);
  const runner = new ThreadedRunner(single, defaultThreads(), undefined, inst.variant);
  return {
    name: 'wasm',
    gemm: single.gemm!,
    adamStep: single.adamStep!,
    sequenceForward: (args) => runner.forward(args),
    sequenceBackward: (args) => runner.backward(args),
    sequenceForwardMany: (list) => runner.forwardMany(list),
    prepareStep: single.prepareStep,
    dropoutMasks: true,
    setThreads(threads, policy) {
      if (!Number.isInteger(threads) || threads < 1) throw new OptionError(`setThreads: threads must be an integer >= 1, got ${threads}`);
      runner.threads = threads;
      if (policy) runner.policy = { ...runner.policy, ...policy };
      if (threads === 1) runner.close();
    },
    get threads() {
      return runner.threads;
    },
    startThreads: () => runner.start(),
    variant: inst.variant,
    get memoryBytes() {
      return inst.memory.buffer.byteLength;
    },
    get liveWorkers() {
      return runner.liveWorkers;
    },
  };
}

let backend: WasmBackend | null = null;
let failed = false;

/**
 * The WASM backend, compiled synchronously on first use (Node reads the .wasm file beside the
 * module); null where SIMD is missing or the kernels are not compiled yet (browsers, until
 * `initWasmBackend` has fetched them).
 */
export function wasmBackendSync(): WasmBackend | null {
  if (backend || failed) return backend;
  // A bad RECUR_WASM is the caller's to fix: it throws rather than silently using 'js'.
  const variant = simdSupported() ? kernelVariant() : null;
  try {
    backend = variant ? makeBackend(loadKernelsSync(variant)) : null;
  } catch {
    backend = null;
  }
  failed = backend === null;
  return backend;
}

/**
 * The WASM backend, compiled asynchronously (browsers fetch the .wasm file: kernel-files.ts);
 * null where SIMD is missing.
 */
export async function wasmBackendAsync(): Promise<WasmBackend | null> {
  if (backend) return backend;
  if (!simdSupported()) return null;
  const variant = kernelVariant();
  await compileKernels('kernels', variant);
  backend ??= makeBackend(loadKernelsSync(variant));
  failed = false;
  return backend;
}

/**
 * A WASM backend of its own (its instance, memory and thread setting), apart from the one
 * `wasmBackendSync` shares; null without SIMD. Tests run one with splitting forced on.
 */
export function newWasmBackend(variant?: KernelVariant): WasmBackend | null {
  return simdSupported() ? makeBackend(loadKernelsSync(variant)) : null;
}
