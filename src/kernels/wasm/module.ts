// The kernels' compiled modules in this thread and their instances. Where the bytes come
// from: in Node the .wasm files beside this module, read synchronously with fs (so layers run
// right after import); in browsers kernel-files.ts (fetch with streaming compilation, a
// `wasmPaths` location, or the inline fallback), which puts the compiled modules here; in pool
// workers the calling thread's compiled modules, handed over (provideCompiled). Nothing here
// names a .wasm URL a bundler would follow or holds the bytes, so worker bundles stay small.
import { OptionError, RecurError } from '../../errors.js';
import { nodeProcess } from './env.js';

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
    x: number, I: number, wih: number, bias: number,
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
// Two i8x16.splat of 0, then i8x16.relaxed_swizzle: validates only where relaxed SIMD is supported.
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 15, 1, 13, 0, 65, 0, 253, 15, 65, 0, 253, 15, 253, 128, 2, 11,
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

/** The kernels (assembly/index.ts) or the shared-memory threads kernels (assembly/shared.ts). */
export type KernelBuild = 'kernels' | 'shared';

/** The file of one build (scripts/build-wasm.mjs writes these four names). */
export const wasmFileName = (build: KernelBuild, variant: KernelVariant): string => `${build}-${variant}.wasm`;

/** A compiled `WebAssembly.Module`, typed opaquely so recur's typings need no DOM lib. */
export type CompiledWasm = object;

let chosen: KernelVariant | null = null;

/** Whether this runtime validates relaxed SIMD; in Node 20 this turns V8's flag on. */
function relaxedValidates(): boolean {
  if (WebAssembly.validate(RELAXED_PROBE)) return true;
  // Node 20's V8 has relaxed SIMD behind a flag (on by default from Node 22 and Chrome 114);
  // turning it on only admits more instructions.
  const v8 = nodeProcess()?.getBuiltinModule?.('node:v8') as { setFlagsFromString?: (flags: string) => void } | undefined;
  try {
    v8?.setFlagsFromString?.('--experimental-wasm-relaxed-simd');
    return WebAssembly.validate(RELAXED_PROBE);
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

/** The modules compiled in (or handed to) this thread, by file name. */
const compiled = new Map<string, WebAssembly.Module>();

/** Keeps a compiled build for this thread (kernel-files.ts, or a pool worker given its caller's). */
export function provideCompiled(build: KernelBuild, variant: KernelVariant, module: CompiledWasm): void {
  if (!(module instanceof WebAssembly.Module)) throw new TypeError(`provideCompiled: ${wasmFileName(build, variant)} is not a WebAssembly.Module`);
  compiled.set(wasmFileName(build, variant), module);
}

/** A build already compiled in this thread, if any. */
export const compiledIfLoaded = (build: KernelBuild, variant: KernelVariant): CompiledWasm | undefined => compiled.get(wasmFileName(build, variant));

/**
 * The bytes of a .wasm file beside this module, read synchronously: Node only (null
 * elsewhere, or where a bundle for Node left the files behind). Bundlers do not see this as a
 * reference to the files (kernel-files.ts has those).
 */
export function nodeWasmBytes(file: string): Uint8Array | null {
  const fs = nodeProcess()?.getBuiltinModule?.('node:fs') as { readFileSync(path: URL): Uint8Array } | undefined;
  if (!fs) return null;
  // Not `new URL(literal, import.meta.url)`, which bundlers would follow (see above).
  const here = import.meta.url;
  try {
    return fs.readFileSync(new URL(`./generated/${file}`, here));
  } catch {
    return null;
  }
}

/**
 * A build compiled synchronously: the one already here, else (Node) from its file. Throws
 * where neither exists (a browser before `initWasmBackend()` compiled it).
 */
export function compiledSync(build: KernelBuild, variant: KernelVariant): CompiledWasm {
  const file = wasmFileName(build, variant);
  let module = compiled.get(file);
  if (!module) {
    if (variant === 'relaxed' && !relaxedValidates()) throw new RecurError('E_WASM', 'the relaxed-SIMD kernels do not validate in this thread');
    const bytes = nodeWasmBytes(file);
    if (!bytes) throw new RecurError('E_WASM', `the WASM kernels (${file}) are not loaded in this thread yet: await initWasmBackend() (or ready()) before the first pass`);
    module = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
    compiled.set(file, module);
  }
  return module;
}

/** An instance of either build on `memory` (the module imports it, and abort). */
function instanceOn(module: CompiledWasm, memory: WasmMemory): WebAssembly.Instance {
  return new WebAssembly.Instance(module as WebAssembly.Module, {
    env: {
      // A WasmMemory here is always a real WebAssembly.Memory (made in this file).
      memory: memory as WebAssembly.Memory,
      abort: () => {
        throw new Error('recur wasm kernels: abort');
      },
    },
  });
}

/** The kernels of a compiled build on a fresh memory of their own. */
export function instantiateKernels(module: CompiledWasm, variant: KernelVariant): KernelInstance {
  const memory = new WebAssembly.Memory({ initial: 16 });
  return { exports: instanceOn(module, memory).exports as unknown as KernelExports, memory, variant };
}

/**
 * The kernels, instantiated synchronously from the build compiled in this thread (Node
 * compiles it from its file here). `variant` defaults to the one this runtime runs (tests
 * load both).
 */
export function loadKernelsSync(variant: KernelVariant = kernelVariant()): KernelInstance {
  return instantiateKernels(compiledSync('kernels', variant), variant);
}

/** The shared build's exports (assembly/shared.ts): kernels threads run together. */
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

/** The shared build of `variant` on `memory`, synchronously (compiled or handed over beforehand in browsers). */
export function loadSharedKernels(memory: WasmMemory, variant: KernelVariant): SharedKernelExports {
  return instanceOn(compiledSync('shared', variant), memory).exports as unknown as SharedKernelExports;
}
