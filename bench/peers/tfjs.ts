// TensorFlow.js (tfjs-core + tfjs-layers) on the 'cpu' or 'wasm' backend: one backend per
// process, since tfjs keeps its backend and kernel registry in global state.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { guarded, type PeerRunner } from '../harness.js';
import { selectWorkloads } from '../workloads.js';
import { measureTfjs } from './tfjs-measure.js';

const require = createRequire(import.meta.url);

/** Starts the backend; returns its thread count. */
export async function startTfjs(backend: 'cpu' | 'wasm'): Promise<number> {
  if (backend === 'wasm') {
    const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
    setWasmPaths(join(dist, 'dist') + '/');
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend '${backend}' failed to start`);
  await tf.ready();
  return backend === 'wasm' ? getThreadsCount() : 1;
}

export const runPeer: PeerRunner = async (variant, config, report) => {
  if (variant !== 'cpu' && variant !== 'wasm') throw new Error(`tfjs: unknown backend ${variant}`);
  const workloads = selectWorkloads(config);
  tf.env().set('PROD', true);
  const threads = await startTfjs(variant);
  report.info(`tfjs.${variant}.threads`, String(threads));
  report.plan([{ peer: 'tfjs', variant, threads, workloads: workloads.map((w) => w.id) }]);
  for (const wl of workloads) {
    await guarded({ peer: 'tfjs', variant, threads, workload: wl.id }, report, () => measureTfjs(variant, threads, wl, config));
    tf.disposeVariables();
  }
};
