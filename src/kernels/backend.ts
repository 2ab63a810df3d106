// Which backend the layers run on: the registry, the default (the WASM SIMD kernels where
// they load, RECUR_BACKEND=js for the reference), a user's choice, and the asynchronous
// start browsers need. kernels/entry.ts runs the kernels of the backend chosen here.
import { OptionError } from '../errors.js';
import { jsBackend } from './js/index.js';
import type { Backend } from './types.js';
import { wasmBackendAsync, wasmBackendSync, type WasmBackend } from './wasm/index.js';
import { setWasmPaths, type WasmPaths } from './wasm/kernel-files.js';

const registered = new Map<string, Backend>([[jsBackend.name, jsBackend]]);
/** Backends that load on first request by name. */
const lazy: ReadonlyMap<string, () => Backend | null> = new Map([['wasm', wasmBackendSync]]);
// null until first use: then the default (see pickDefaultBackend).
let current: Backend | null = null;
let chosenByUser = false;

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

/** Makes a backend selectable by name (the WASM backend registers itself when loaded). */
export function registerBackend(backend: Backend): void {
  registered.set(backend.name, backend);
}

/** The backend the layers run on now. */
export function getBackend(): Backend {
  if (current === null) {
    current = pickDefaultBackend();
    registerBackend(current);
  }
  return current;
}

/** Selects the kernels every layer runs on: a registered name ('js', 'wasm', ...) or a Backend. */
export function setBackend(backend: string | Backend): void {
  const found = typeof backend !== 'string' ? backend : (registered.get(backend) ?? lazy.get(backend)?.() ?? undefined);
  if (!found) {
    throw new OptionError(`setBackend: unknown or unavailable backend '${String(backend)}'; available: ${listBackends().join(', ')}`);
  }
  registerBackend(found);
  current = found;
  chosenByUser = true;
}

/** Names of the registered backends (and of those that load on request). */
export function listBackends(): string[] {
  return [...new Set([...registered.keys(), ...lazy.keys()])];
}

let pending: Promise<WasmBackend | null> | null = null;

/** Options of `initWasmBackend`. */
export interface WasmInitOptions {
  /**
   * Where browsers fetch the kernels' .wasm files: a folder URL ending in '/' (e.g. a CDN
   * copy of recur-nn's `dist/kernels/wasm/generated/`), or a URL per file name. Default:
   * beside recur's module, where bundlers (Vite, webpack) emit them.
   */
  wasmPaths?: WasmPaths;
}

/**
 * Compiles the WASM SIMD kernels asynchronously (in browsers: fetches the .wasm file with
 * streaming compilation), registers them as 'wasm' and makes them the default unless a
 * backend was already chosen or RECUR_BACKEND=js. Resolves to the backend, or null where SIMD
 * is unavailable. Browsers run the JavaScript reference until it resolves; Node has the
 * kernels from the start. `wasmPaths` counts on the first call only.
 *
 * @example
 * await initWasmBackend();   // once, before the first forward pass in a page
 * await initWasmBackend({ wasmPaths: 'https://cdn.jsdelivr.net/npm/recur-nn@0.1.0/dist/kernels/wasm/generated/' });
 */
export function initWasmBackend(options: WasmInitOptions = {}): Promise<WasmBackend | null> {
  if (!pending && options.wasmPaths !== undefined) setWasmPaths(options.wasmPaths);
  pending ??= wasmBackendAsync().then((wasm) => {
    if (wasm) {
      registerBackend(wasm);
      if (!chosenByUser && backendFromEnv() !== 'js') current = wasm;
    }
    return wasm;
  });
  // A failed load (e.g. wasmPaths pointing nowhere) may be retried.
  pending.catch(() => (pending = null));
  return pending;
}

/** Resolves once the fastest available backend is in place (alias of `initWasmBackend`). */
export async function ready(options: WasmInitOptions = {}): Promise<void> {
  await initWasmBackend(options);
}
