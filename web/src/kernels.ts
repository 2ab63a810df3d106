// Puts the fastest kernels recur offers in place before the first forward pass: the WASM
// SIMD backend where the browser supports it, else recur's TypeScript kernels.
import { getBackend, initWasmBackend } from 'recur';

/** Awaits recur's WASM initialiser and returns the name of the backend in use. */
export async function initKernels(): Promise<string> {
  try {
    await initWasmBackend();
  } catch {
    // A failed compile leaves the TypeScript kernels in place: slower, same results.
  }
  return getBackend().name;
}
