import { OptionError, RecurError } from '../../errors.js';
import { nodeProcess } from './env.js';
import { kernelsRelaxedWasmBase64, kernelsWasmBase64, sharedRelaxedWasmBase64, sharedWasmBase64 } from './generated/kernels-wasm.js';

/** The exports of the AssemblyScript module (assembly/index.ts); pointers are byte offsets. */
export interface KernelExports {
  pack(src: number, ks: number, ns: number, K: number, N: number, dst: number): void;
  gemm(a: number, lda: number, M: number, K: number, bp: number, N: number, c: number, ldc: number, bias: number, acc: number): void;
  transpose(src: number, rows: number, cols: number, dst: number): void;
  colsum(src: number, rows: number, cols: number, dst: number): void;
  /** 1 when the n floats at a and b have the same bits. */
  sameBits(a: number, b: number, n: number): number;
  /** dst[t, b, :] = src[t, b, :] * mask[b, :] over [T, B, w] rows. */
  maskRows(src: number, T: number, B: number, w: number, mask: number, dst: number): void;
  /** Plain Adam in place on n floats at p, m, v from g (assembly/optim.ts). */
  adam(p: number, g: number, m: number, v: number, n: number, c1: number, b2: number, c2: number, eps: number, stepSize: number, bc2Sqrt: number): void;
  forward(
    mode: number, T: number, B: number, H: number, P: number,
    xg: number, whh: number, bhh: number, whr: number,
    hs: number, cs: number, gates: number, hnAll: number, mAll: number, save: number,
    y: number, lens: number, rev: number, hg: number, mb: number, pb: number, hmask: number, hm: number,
  ): void;
  backward(
    mode: number, T: number, B: number, H: number, P: number,
    gates: number, hs: number, cs: number, hnAll: number, dy: number,
    dh: number, dc: number, dxg: number, dhg: number, dhAct: number, dhSteps: number,
    lens: number, rev: number, whhT: number, whrT: number, dm: number, dhp: number, dDirect: number, hmask: number,
  ): void;
}

/**
 * The part of a `WebAssembly.Memory` recur uses, declared here so that recur's typings compile
 * in projects without the DOM lib (which is where TypeScript declares `WebAssembly`).
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(deltaPages: number): number;
}

/** A compiled module with its memory. */
export interface KernelInstance {
  readonly exports: KernelExports;
  readonly memory: WasmMemory;
  readonly variant: KernelVariant;
}

// i32.const 0; i8x16.splat; i8x16.popcnt: validates only where SIMD128 is supported.
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

/** Whether this runtime has WebAssembly with 128-bit SIMD. */
export function simdSupported(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

/**
 * Which build of the kernels runs: 'relaxed' fuses the GEMM's multiply-adds (relaxed SIMD,
 * about 1.4x the GEMM speed where the CPU has FMA), 'simd128' rounds products and sums
 * separately. Results differ between the two by float32 rounding only; within one process
 * every thread runs the same build, so thread counts still agree.
 */
export type KernelVariant = 'relaxed' | 'simd128';

const decode = (b64: string): Uint8Array<ArrayBuffer> => {
  const text = atob(b64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
};

let chosen: KernelVariant | null = null;

/** Whether this runtime validates the relaxed build; in Node 20 this turns V8's flag on. */
function relaxedValidates(): boolean {
  const bytes = decode(kernelsRelaxedWasmBase64);
  if (WebAssembly.validate(bytes)) return true;
  // Node 20's V8 has relaxed SIMD behind a flag (on by default from Node 22 and Chrome 114);
  // turning it on only admits more instructions.
  const v8 = nodeProcess()?.getBuiltinModule?.('node:v8') as { setFlagsFromString?: (flags: string) => void } | undefined;
  try {
    v8?.setFlagsFromString?.('--experimental-wasm-relaxed-simd');
    return WebAssembly.validate(bytes);
  } catch {
    return false;
  }
}

/**
 * The build of the kernels this runtime runs: relaxed where it validates, else SIMD128.
 * RECUR_WASM=simd128 (or relaxed) in Node's environment forces one.
 */
export function kernelVariant(): KernelVariant {
  if (chosen) return chosen;
  const forced = variantFromEnv(nodeProcess()?.env?.['RECUR_WASM']);
  if (forced === 'simd128') return (chosen = 'simd128');
  const ok = relaxedValidates();
  if (forced === 'relaxed' && !ok) throw new RecurError('E_WASM', "RECUR_WASM=relaxed, but this runtime has no relaxed SIMD; unset it or set it to 'simd128'");
  return (chosen = ok ? 'relaxed' : 'simd128');
}

/** RECUR_WASM's value as a variant (undefined: unset, choose by support). */
export function variantFromEnv(value: string | undefined): KernelVariant | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === 'simd128' || value === 'relaxed') return value;
  throw new OptionError(`RECUR_WASM must be 'simd128' or 'relaxed', got '${value}'`);
}

function moduleBytes(variant: KernelVariant): Uint8Array<ArrayBuffer> {
  return decode(variant === 'relaxed' ? kernelsRelaxedWasmBase64 : kernelsWasmBase64);
}

/** An instance of either build on `memory` (the module imports it, and abort). */
function instanceOn(module: WebAssembly.Module, memory: WebAssembly.Memory): WebAssembly.Instance {
  return new WebAssembly.Instance(module, {
    env: {
      memory,
      abort: () => {
        throw new Error('recur wasm kernels: abort');
      },
    },
  });
}

function instantiate(module: WebAssembly.Module, variant: KernelVariant): KernelInstance {
  const memory = new WebAssembly.Memory({ initial: 16 });
  return { exports: instanceOn(module, memory).exports as unknown as KernelExports, memory, variant };
}

/**
 * Compiles and instantiates synchronously (fine in Node; browsers may refuse on the main
 * thread). `variant` defaults to the one this runtime runs (tests load both).
 */
export function loadKernelsSync(variant: KernelVariant = kernelVariant()): KernelInstance {
  return instantiate(new WebAssembly.Module(moduleBytes(variant)), variant);
}

/** Compiles asynchronously (what browsers want), then instantiates. */
export async function loadKernels(variant: KernelVariant = kernelVariant()): Promise<KernelInstance> {
  return instantiate(await WebAssembly.compile(moduleBytes(variant)), variant);
}

/** The shared-memory build's exports (assembly/shared.ts): kernels threads run together. */
export interface SharedKernelExports {
  /** One thread's share of a pass split by hidden units (assembly/units.ts); 0, or 1 when a thread stopped answering. */
  forwardUnits(
    mode: number, T: number, B: number, I: number, H: number, u0: number, Hj: number,
    x: number, wih: number, whh: number, bias: number, bhh: number,
    fresh: number, wihK: number, whhK: number, wihP: number, whhP: number,
    hs: number, cs: number, y: number, lens: number, rev: number,
    xg: number, hg: number, g: number, hn: number, staging: number, sync: number, threads: number,
  ): number;
}

/** The shared build's maximum memory, in 64 KB pages (1 GB; scripts/build-wasm.mjs declares the same). */
export const SHARED_MAX_PAGES = 16384;

/** A memory the threads of a hidden-unit split share (each instantiates the shared build on it). */
export function sharedMemory(): WasmMemory {
  return new WebAssembly.Memory({ initial: 16, maximum: SHARED_MAX_PAGES, shared: true });
}

const sharedModules = new Map<KernelVariant, WebAssembly.Module>();

/** The shared build of `variant` on `memory`, synchronously (its compiled module is kept). */
export function loadSharedKernels(memory: WasmMemory, variant: KernelVariant): SharedKernelExports {
  let module = sharedModules.get(variant);
  if (!module) {
    if (variant === 'relaxed' && !relaxedValidates()) throw new RecurError('E_WASM', 'the relaxed-SIMD kernels do not validate in this thread');
    module = new WebAssembly.Module(decode(variant === 'relaxed' ? sharedRelaxedWasmBase64 : sharedWasmBase64));
    sharedModules.set(variant, module);
  }
  // A WasmMemory handed in is always a real WebAssembly.Memory (sharedMemory made it).
  return instanceOn(module, memory as WebAssembly.Memory).exports as unknown as SharedKernelExports;
}
