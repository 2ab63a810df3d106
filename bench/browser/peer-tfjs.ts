// TensorFlow.js in the browser bench: the wasm backend (XNNPACK, SIMD), its threads set before
// the backend starts (it reads them once). The .wasm files are served under /tfjs/.
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { measureTfjs } from '../peers/tfjs-measure.js';
import type { Measurement, PeerConfig, Workload } from '../workloads.js';

export async function start(threads: number, origin: string): Promise<{ threads: number; info: Record<string, string> }> {
  setWasmPaths(`${origin}/tfjs/`);
  setThreadsCount(threads);
  if (!(await tf.setBackend('wasm'))) throw new Error("tfjs: the 'wasm' backend failed to start");
  await tf.ready();
  tf.env().set('PROD', true);
  const mt = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  return { threads: getThreadsCount(), info: { 'tfjs version': tf.version_core, 'tfjs wasm threads supported': String(mt), 'tfjs wasm SIMD': String(simd) } };
}

export async function measure(threads: number, wl: Workload, config: PeerConfig): Promise<Measurement> {
  try {
    return await measureTfjs('wasm', threads, wl, config);
  } finally {
    tf.disposeVariables();
  }
}
