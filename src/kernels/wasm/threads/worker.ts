// A pool worker: runs whole chunks of passes on its own single-thread WASM instance.
import { workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { SequenceBackwardArgs, SequenceForwardArgs } from '../../types.js';
import { singleThreadBackend } from '../index.js';
import type { Job } from './pool.js';

const { port, flag } = workerData as { port: MessagePort; flag: Int32Array };
const backend = singleThreadBackend();

port.on('message', (job: Job) => {
  let reply: unknown;
  try {
    if (!backend) throw new Error('WebAssembly SIMD is unavailable in this worker');
    const value =
      job.kind === 'forward'
        ? backend.sequenceForward(job.args as SequenceForwardArgs)
        : backend.sequenceBackward(job.args as SequenceBackwardArgs);
    reply = { ok: true, value };
  } catch (e) {
    reply = { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
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
