// A Node pool worker: runs its jobs (job.ts) on its own single-thread WASM instance and
// answers on its port (the caller reads it with receiveMessageOnPort; see node-transport.ts).
import { workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { provideCompiled, type CompiledWasm, type KernelVariant } from '../module.js';
import { singleThreadBackend } from '../single.js';
import { runJob } from './job.js';
import type { Job } from './protocol.js';

const { port, flag, variant, modules } = workerData as {
  port: MessagePort;
  flag: Int32Array;
  variant: KernelVariant;
  /** The calling thread's compiled modules (node-transport.ts), so no worker compiles its own. */
  modules: { kernels: CompiledWasm; shared: CompiledWasm };
};
provideCompiled('kernels', variant, modules.kernels);
provideCompiled('shared', variant, modules.shared);
// Untracked saves: their handles live in the calling thread, which sends the releases.
// No pack cache: the weights arrive as fresh copies with every job.
const backend = singleThreadBackend(variant, { tracked: false, packCache: false });

port.on('message', (job: Job) => {
  const reply = runJob(backend, job);
  // The result arrays are fresh: hand their memory over instead of copying it.
  port.postMessage(reply, buffersOf(reply));
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});

/** The distinct ArrayBuffers under a result (trace arrays may share the saved ones). */
function buffersOf(value: unknown, out = new Set<ArrayBuffer>()): ArrayBuffer[] {
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer) out.add(value.buffer);
  } else if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) buffersOf(v, out);
  }
  return [...out];
}
