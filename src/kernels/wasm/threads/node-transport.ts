import type { MessagePort, Worker } from 'node:worker_threads';
import { RecurError } from '../../../errors.js';
import { compiledSync, kernelVariant } from '../module.js';
import { nodeWorkerThreads } from '../env.js';
import type { Channel, Job, Reply } from './protocol.js';

type WorkerThreads = typeof import('node:worker_threads');

/**
 * Node workers: jobs go out with postMessage, the caller blocks with Atomics.wait on a
 * per-worker flag (allowed on Node's main thread) and takes the reply synchronously with
 * receiveMessageOnPort, the result's buffers transferred rather than copied.
 * Returns null outside Node.
 */
export function nodeChannels(): (() => Channel) | null {
  const wt = nodeWorkerThreads();
  return wt ? () => nodeChannel(wt) : null;
}

function nodeChannel(wt: WorkerThreads): Channel {
  const { port1: port, port2 } = new wt.MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  // Workers run this thread's build of the kernels, so thread counts agree bit for bit; they
  // get its compiled modules rather than compiling their own.
  const variant = kernelVariant();
  const modules = { kernels: compiledSync('kernels', variant), shared: compiledSync('shared', variant) };
  const worker = spawn(wt, { port: port2, flag, variant, modules }, [port2]);
  worker.unref();
  port.unref();
  return {
    // A Node worker takes messages before it has loaded, and one that fails to load answers
    // each job with its error, so it counts as ready at once.
    state: () => 'ready',
    settled: Promise.resolve(),
    post: (job: Job) => port.postMessage(job),
    collect: (deadline: number) => collect(wt, port, flag, deadline),
    close: () => void worker.terminate(),
  };
}

function collect(wt: WorkerThreads, port: MessagePort, flag: Int32Array, deadline: number): Reply {
  while (Atomics.load(flag, 0) === 0) {
    if (Atomics.wait(flag, 0, 0, Math.max(1, deadline - Date.now())) === 'timed-out' && Date.now() >= deadline) {
      throw new RecurError('E_WORKER', 'wasm worker did not answer in time');
    }
  }
  Atomics.store(flag, 0, 0);
  const msg = wt.receiveMessageOnPort(port);
  if (!msg) throw new RecurError('E_WORKER', 'wasm worker signalled without a reply');
  return msg.message as Reply;
}

/**
 * Starts worker.js, or worker.ts through tsx when running from the TypeScript sources. A
 * worker that fails to load still answers every job (with the error), so callers never hang.
 */
function spawn(wt: WorkerThreads, workerData: unknown, transferList: MessagePort[]): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const url = new URL(fromSource ? './worker.ts' : './worker.js', import.meta.url).href;
  const setup = fromSource
    ? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((api) => api.register())`
    : 'Promise.resolve()';
  const code = `
    const { workerData } = require('node:worker_threads');
    ${setup}.then(() => import(${JSON.stringify(url)})).catch((e) => {
      workerData.port.on('message', () => {
        workerData.port.postMessage({ ok: false, error: 'worker did not load: ' + (e && e.message) });
        Atomics.store(workerData.flag, 0, 1);
        Atomics.notify(workerData.flag, 0);
      });
    });`;
  return new wt.Worker(code, { eval: true, workerData, transferList });
}
