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

/**
 * Lets large passes use up to `max` threads and resolves with how many they will use once
 * the workers have started: 1 on a page's main thread, without cross-origin isolation (the
 * server's COOP/COEP headers) or without the WASM backend. Results do not change with it.
 */
export async function useThreads(max: number): Promise<number> {
  const wasm = await initWasmBackend().catch(() => null);
  if (!wasm || getBackend() !== wasm) return 1;
  wasm.setThreads(Math.max(1, Math.min(max, wasm.threads)));
  return wasm.startThreads();
}
