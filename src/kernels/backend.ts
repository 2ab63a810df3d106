import { OptionError } from '../errors.js';
import { lazyBackends, pickDefaultBackend } from './default.js';
import { jsBackend } from './js/index.js';
import type { Backend } from './types.js';

const registered = new Map<string, Backend>([[jsBackend.name, jsBackend]]);
// null until first use: then the WASM kernels where available (see default.ts).
let current: Backend | null = null;
let chosenByUser = false;

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

/** Whether `setBackend` chose the backend (a default picked on first use does not count). */
export function backendChosen(): boolean {
  return chosenByUser;
}

/** Replaces the default backend without counting as a user's choice (used by `initWasmBackend`). */
export function useDefault(backend: Backend): void {
  registerBackend(backend);
  if (!chosenByUser) current = backend;
}

/** Selects the kernels every layer runs on: a registered name ('js', 'wasm', ...) or a Backend. */
export function setBackend(backend: string | Backend): void {
  if (typeof backend !== 'string') {
    registerBackend(backend);
    current = backend;
    chosenByUser = true;
    return;
  }
  const found = registered.get(backend) ?? lazyBackends.get(backend)?.() ?? undefined;
  if (!found) {
    throw new OptionError(
      `setBackend: unknown or unavailable backend '${backend}'; available: ${listBackends().join(', ')}`,
    );
  }
  registerBackend(found);
  current = found;
  chosenByUser = true;
}

/** Names of the registered backends (and of those that load on request). */
export function listBackends(): string[] {
  return [...new Set([...registered.keys(), ...lazyBackends.keys()])];
}
