import { OptionError } from '../errors.js';
import { jsBackend } from './js/index.js';
import type { Backend } from './types.js';

const registered = new Map<string, Backend>([[jsBackend.name, jsBackend]]);
let current: Backend = jsBackend;

/** Makes a backend selectable by name (the WASM backend registers itself when loaded). */
export function registerBackend(backend: Backend): void {
  registered.set(backend.name, backend);
}

/** The backend the layers run on now. */
export function getBackend(): Backend {
  return current;
}

/** Selects the kernels every layer runs on: a registered name ('js', ...) or a Backend. */
export function setBackend(backend: string | Backend): void {
  if (typeof backend !== 'string') {
    registerBackend(backend);
    current = backend;
    return;
  }
  const found = registered.get(backend);
  if (!found) {
    throw new OptionError(
      `setBackend: unknown backend '${backend}'; available: ${[...registered.keys()].join(', ')}`,
    );
  }
  current = found;
}

/** Names of the registered backends. */
export function listBackends(): string[] {
  return [...registered.keys()];
}
