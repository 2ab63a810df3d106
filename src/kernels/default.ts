import { jsBackend } from './js/index.js';
import type { Backend } from './types.js';
import { wasmBackendSync } from './wasm/index.js';

/** RECUR_BACKEND from the environment in Node; browsers have no `process` and get undefined. */
export function backendFromEnv(): string | undefined {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  const value = proc?.env?.['RECUR_BACKEND'];
  return value === undefined || value === '' ? undefined : value;
}

/**
 * The backend used when none was chosen: the WASM SIMD kernels where they load synchronously
 * (Node, workers), else the reference. RECUR_BACKEND=js forces the reference.
 */
export function pickDefaultBackend(): Backend {
  if (backendFromEnv() === 'js') return jsBackend;
  return wasmBackendSync() ?? jsBackend;
}

/** Backends that load on first request by name. */
export const lazyBackends: ReadonlyMap<string, () => Backend | null> = new Map([['wasm', wasmBackendSync]]);
