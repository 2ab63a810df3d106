// Compiles the kernels asynchronously, in the style of onnxruntime-web: browsers fetch the
// .wasm files with streaming compilation (bundlers emit them as assets, following the literal
// `new URL('./generated/x.wasm', import.meta.url)` below), from `wasmPaths` when set (a CDN);
// the base64 copies (generated/inline-*.ts) load by dynamic import only when the default file
// cannot be fetched, so a bundle that gets the files never downloads them. Node reads the
// files with fs. The compiled modules go to module.ts, where every synchronous load finds them.
import { OptionError, RecurError } from '../../errors.js';
import { compiledIfLoaded, nodeWasmBytes, provideCompiled, wasmFileName, type CompiledWasm, type KernelBuild, type KernelVariant } from './module.js';

/** The four kernel files (`node_modules/recur-nn/dist/kernels/wasm/generated/`). */
export type WasmFileName = 'kernels-relaxed.wasm' | 'kernels-simd128.wasm' | 'shared-relaxed.wasm' | 'shared-simd128.wasm';

/**
 * Where browsers fetch the kernel files from: a folder URL ending in '/' (the file names are
 * appended), or a URL per file name. Unset: beside recur's module, as the bundler emitted them.
 */
export type WasmPaths = string | Partial<Record<WasmFileName, string>>;

let paths: WasmPaths | undefined;

/**
 * Sets where the kernel files are fetched from (before the first `initWasmBackend()`);
 * undefined restores the default. A file that cannot be fetched from there is an error, not
 * a silent fallback.
 *
 * @example
 * setWasmPaths('https://cdn.jsdelivr.net/npm/recur-nn@0.1.0/dist/kernels/wasm/generated/');
 */
export function setWasmPaths(value: WasmPaths | undefined): void {
  if (typeof value === 'string' && !value.endsWith('/')) {
    throw new OptionError(`wasmPaths: a folder URL must end in '/', got '${value}' (or pass { 'kernels-relaxed.wasm': url, ... })`);
  }
  if (value !== undefined && typeof value !== 'string' && (typeof value !== 'object' || value === null)) {
    throw new OptionError(`wasmPaths must be a folder URL ending in '/' or an object of file name to URL, got ${String(value)}`);
  }
  paths = value;
}

/** Where the bundler put each file (literal URLs, one per file, so each is found and emitted). */
function defaultUrl(file: string): URL {
  switch (file) {
    case 'kernels-relaxed.wasm':
      return new URL('./generated/kernels-relaxed.wasm', import.meta.url);
    case 'kernels-simd128.wasm':
      return new URL('./generated/kernels-simd128.wasm', import.meta.url);
    case 'shared-relaxed.wasm':
      return new URL('./generated/shared-relaxed.wasm', import.meta.url);
    default:
      return new URL('./generated/shared-simd128.wasm', import.meta.url);
  }
}

/** The base64 copy of one file, by dynamic import (each its own chunk in a bundle). */
async function inlineBytes(file: string): Promise<Uint8Array<ArrayBuffer>> {
  const { wasmBase64 } =
    file === 'kernels-relaxed.wasm' ? await import('./generated/inline-kernels-relaxed.js')
    : file === 'kernels-simd128.wasm' ? await import('./generated/inline-kernels-simd128.js')
    : file === 'shared-relaxed.wasm' ? await import('./generated/inline-shared-relaxed.js')
    : await import('./generated/inline-shared-simd128.js');
  const text = atob(wasmBase64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** Fetches and compiles, streaming where the server sends application/wasm. */
async function fetchCompiled(url: string): Promise<WebAssembly.Module> {
  const response = await fetch(url);
  if (!response.ok) throw new RecurError('E_WASM', `${url}: HTTP ${response.status}`);
  const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
  if (type === 'application/wasm' && typeof WebAssembly.compileStreaming === 'function') return WebAssembly.compileStreaming(response);
  return WebAssembly.compile(await response.arrayBuffer());
}

async function compileFile(file: string): Promise<WebAssembly.Module> {
  const set = typeof paths === 'string' ? `${paths}${file}` : paths?.[file as WasmFileName];
  if (set !== undefined) {
    try {
      return await fetchCompiled(set);
    } catch (e) {
      throw new RecurError('E_WASM', `cannot load the WASM kernels from wasmPaths (${set}): ${e instanceof Error ? e.message : String(e)}; serve recur-nn's dist/kernels/wasm/generated/ files there, or unset wasmPaths`);
    }
  }
  const bytes = nodeWasmBytes(file);
  if (bytes) return WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  if (typeof fetch === 'function') {
    try {
      return await fetchCompiled(defaultUrl(file).href);
    } catch {
      // Not where the bundler was expected to put it (a bundler that does not follow
      // `new URL`, a dev server's pre-bundling, file://): the inline copy.
    }
  }
  return WebAssembly.compile(await inlineBytes(file));
}

const pending = new Map<string, Promise<CompiledWasm>>();

/**
 * Compiles one build asynchronously (once per thread; later calls share it) and keeps it
 * where synchronous loads (module.ts) find it.
 */
export function compileKernels(build: KernelBuild, variant: KernelVariant): Promise<CompiledWasm> {
  const file = wasmFileName(build, variant);
  const have = compiledIfLoaded(build, variant);
  if (have) return Promise.resolve(have);
  let p = pending.get(file);
  if (!p) {
    p = compileFile(file).then((module) => {
      provideCompiled(build, variant, module);
      return module;
    });
    // A failure may be retried (e.g. after fixing wasmPaths).
    p.catch(() => pending.delete(file));
    pending.set(file, p);
  }
  return p;
}
