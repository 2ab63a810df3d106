import { backendChosen, registerBackend, useDefault } from './backend.js';
import { backendFromEnv } from './default.js';
import { wasmBackendAsync, type WasmBackend } from './wasm/index.js';

let pending: Promise<WasmBackend | null> | null = null;

/**
 * Compiles the WASM SIMD kernels asynchronously (what browsers require on the main thread),
 * registers them as 'wasm' and makes them the default unless a backend was already chosen
 * or RECUR_BACKEND=js. Resolves to the backend, or null where SIMD is unavailable.
 *
 * @example
 * await initWasmBackend();   // once, before the first forward pass in a page
 */
export function initWasmBackend(): Promise<WasmBackend | null> {
  pending ??= wasmBackendAsync().then((wasm) => {
    if (wasm) {
      registerBackend(wasm);
      if (!backendChosen() && backendFromEnv() !== 'js') useDefault(wasm);
    }
    return wasm;
  });
  return pending;
}

/** Resolves once the fastest available backend is in place (alias of `initWasmBackend`). */
export async function ready(): Promise<void> {
  await initWasmBackend();
}
