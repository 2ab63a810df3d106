// What the runtime allows for worker threads, found without static imports of node:* so that
// bundles for browsers never load them.

type WorkerThreads = typeof import('node:worker_threads');

interface NodeProcess {
  getBuiltinModule?: (id: string) => unknown;
  env?: Record<string, string | undefined>;
}

/** Node's process object, or undefined outside Node (no static node:* import). */
export const nodeProcess = (): NodeProcess | undefined => (globalThis as { process?: NodeProcess }).process;

/** node:worker_threads, or null outside Node. */
export function nodeWorkerThreads(): WorkerThreads | null {
  return (nodeProcess()?.getBuiltinModule?.('node:worker_threads') as WorkerThreads | undefined) ?? null;
}

/**
 * Whether this browser thread can run a pool: it must be allowed to block (Atomics.wait
 * throws on a page's main thread, so only a dedicated worker qualifies), share memory
 * (SharedArrayBuffer exists only in cross-origin-isolated contexts) and start workers.
 */
export function browserCanThread(): boolean {
  const g = globalThis as { crossOriginIsolated?: boolean; DedicatedWorkerGlobalScope?: abstract new () => unknown };
  return (
    g.crossOriginIsolated === true &&
    typeof SharedArrayBuffer === 'function' &&
    typeof Worker === 'function' &&
    typeof g.DedicatedWorkerGlobalScope === 'function' &&
    globalThis instanceof g.DedicatedWorkerGlobalScope
  );
}

/**
 * Threads to use by default: RECUR_THREADS when set, else the hardware threads in Node;
 * in browsers `navigator.hardwareConcurrency` inside a cross-origin-isolated dedicated
 * worker, 1 elsewhere; capped at 8.
 */
export function defaultThreads(): number {
  const proc = nodeProcess();
  const fromEnv = Number.parseInt(proc?.env?.['RECUR_THREADS'] ?? '', 10);
  if (Number.isInteger(fromEnv) && fromEnv >= 1) return fromEnv;
  const os = proc?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number } | undefined;
  if (os) return Math.max(1, Math.min(8, os.availableParallelism?.() ?? 1));
  if (!browserCanThread()) return 1;
  const hw = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return Math.max(1, Math.min(8, Number.isInteger(hw) ? hw! : 1));
}
