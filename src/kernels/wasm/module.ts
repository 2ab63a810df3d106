import { kernelsWasmBase64 } from './generated/kernels-wasm.js';

/** The exports of the AssemblyScript module (assembly/index.ts); pointers are byte offsets. */
export interface KernelExports {
  pack(src: number, ks: number, ns: number, K: number, N: number, dst: number): void;
  gemm(a: number, lda: number, M: number, K: number, bp: number, N: number, c: number, ldc: number, bias: number, acc: number): void;
  transpose(src: number, rows: number, cols: number, dst: number): void;
  colsum(src: number, rows: number, cols: number, dst: number): void;
  forward(
    mode: number, T: number, B: number, H: number, P: number,
    xg: number, whh: number, bhh: number, whr: number,
    hs: number, cs: number, gates: number, hnAll: number, mAll: number, save: number,
    y: number, lens: number, rev: number, hg: number, mb: number, pb: number,
  ): void;
  backward(
    mode: number, T: number, B: number, H: number, P: number,
    gates: number, hs: number, cs: number, hnAll: number, dy: number,
    dh: number, dc: number, dxg: number, dhg: number, dhAct: number, dhSteps: number,
    lens: number, rev: number, whhT: number, whrT: number, dm: number, dhp: number, dDirect: number,
  ): void;
}

/** A compiled module with its memory. */
export interface KernelInstance {
  readonly exports: KernelExports;
  readonly memory: WebAssembly.Memory;
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

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const text = atob(kernelsWasmBase64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

function instantiate(module: WebAssembly.Module): KernelInstance {
  const memory = new WebAssembly.Memory({ initial: 16 });
  const instance = new WebAssembly.Instance(module, {
    env: {
      memory,
      abort: () => {
        throw new Error('recur wasm kernels: abort');
      },
    },
  });
  return { exports: instance.exports as unknown as KernelExports, memory };
}

/** Compiles and instantiates synchronously (fine in Node; browsers may refuse on the main thread). */
export function loadKernelsSync(): KernelInstance {
  return instantiate(new WebAssembly.Module(moduleBytes()));
}

/** Compiles asynchronously (what browsers want), then instantiates. */
export async function loadKernels(): Promise<KernelInstance> {
  return instantiate(await WebAssembly.compile(moduleBytes()));
}
