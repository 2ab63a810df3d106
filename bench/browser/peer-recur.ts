// recur in the browser bench: the WASM backend, its worker pool started before timing.
import { getBackend, initWasmBackend, setBackend } from '../../src/index.js';
import { measure as measureRecur } from '../recur.js';
import type { Measurement, PeerConfig, Workload } from '../workloads.js';

export async function start(threads: number): Promise<{ threads: number; info: Record<string, string> }> {
  const wasm = await initWasmBackend();
  if (!wasm) throw new Error('recur: the WASM backend did not start in this browser');
  setBackend('wasm');
  wasm.setThreads(threads);
  const got = await wasm.startThreads();
  return { threads: got, info: { 'recur WASM build': wasm.variant, 'recur backend': getBackend().name } };
}

export function measure(threads: number, wl: Workload, config: PeerConfig): Promise<Measurement> {
  return measureRecur('wasm', threads, wl, config);
}
