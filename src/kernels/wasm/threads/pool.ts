import type { MessagePort, Worker } from 'node:worker_threads';
import { RecurError } from '../../../errors.js';

type WorkerThreads = typeof import('node:worker_threads');

/** A job for a worker: one chunk's forward or backward pass (see worker.ts). */
export interface Job {
  readonly kind: 'forward' | 'backward';
  readonly args: unknown;
}
type Reply = { ok: true; value: unknown } | { ok: false; error: string };

interface Slot {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly flag: Int32Array;
}

// A stuck worker must fail loudly rather than hang the caller forever.
const WAIT_MS = 120_000;

/** node:worker_threads without a static import, so bundles for browsers never load it. */
function workerThreads(): WorkerThreads | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return (proc?.getBuiltinModule?.('node:worker_threads') as WorkerThreads | undefined) ?? null;
}

/**
 * Threads to use by default: RECUR_THREADS when set, else the hardware threads in Node
 * (capped at 8); 1 elsewhere (a browser's main thread cannot block on workers).
 */
export function defaultThreads(): number {
  const proc = (globalThis as {
    process?: { getBuiltinModule?: (id: string) => unknown; env?: Record<string, string | undefined> };
  }).process;
  const fromEnv = Number.parseInt(proc?.env?.['RECUR_THREADS'] ?? '', 10);
  if (Number.isInteger(fromEnv) && fromEnv >= 1) return fromEnv;
  const os = proc?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number } | undefined;
  return Math.max(1, Math.min(8, os?.availableParallelism?.() ?? 1));
}

/**
 * Node workers that each run whole chunks of a pass on their own WASM instance. The caller
 * blocks with Atomics.wait (allowed in Node's main thread) and collects replies with
 * receiveMessageOnPort, so the Backend interface stays synchronous.
 */
export class WorkerPool {
  private constructor(
    private readonly wt: WorkerThreads,
    private readonly slots: Slot[],
  ) {}

  /** A pool of n workers, or null outside Node. */
  static create(n: number): WorkerPool | null {
    const wt = workerThreads();
    if (!wt) return null;
    const slots: Slot[] = [];
    for (let i = 0; i < n; i++) {
      const { port1, port2 } = new wt.MessageChannel();
      const flag = new Int32Array(new SharedArrayBuffer(4));
      const worker = spawn(wt, { port: port2, flag }, [port2]);
      worker.unref();
      port1.unref();
      slots.push({ worker, port: port1, flag });
    }
    return new WorkerPool(wt, slots);
  }

  get size(): number {
    return this.slots.length;
  }

  /** Runs jobs[i] on worker i while `local` runs here; returns local's result and the replies. */
  run<L>(jobs: Job[], local: () => L): { local: L; replies: unknown[] } {
    jobs.forEach((job, i) => this.slots[i]!.port.postMessage(job));
    let mine: L | undefined;
    let failure: { error: unknown } | null = null;
    try {
      mine = local();
    } catch (error) {
      failure = { error };
    }
    // Always drain, so no reply is left behind for the next call.
    const replies = jobs.map((_, i) => this.collect(this.slots[i]!));
    if (failure) throw failure.error;
    const bad = replies.find((r) => !r.ok);
    if (bad && !bad.ok) throw new RecurError('E_WORKER', `wasm worker failed: ${bad.error}`);
    return { local: mine as L, replies: replies.map((r) => (r.ok ? r.value : null)) };
  }

  close(): void {
    for (const s of this.slots) void s.worker.terminate();
  }

  private collect(s: Slot): Reply {
    const deadline = Date.now() + WAIT_MS;
    while (Atomics.load(s.flag, 0) === 0) {
      if (Atomics.wait(s.flag, 0, 0, Math.max(1, deadline - Date.now())) === 'timed-out' && Date.now() >= deadline) {
        throw new RecurError('E_WORKER', 'wasm worker did not answer within 120 s');
      }
    }
    Atomics.store(s.flag, 0, 0);
    const msg = this.wt.receiveMessageOnPort(s.port);
    if (!msg) throw new RecurError('E_WORKER', 'wasm worker signalled without a reply');
    return msg.message as Reply;
  }
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
