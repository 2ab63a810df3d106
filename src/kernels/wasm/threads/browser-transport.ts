import { RecurError } from '../../../errors.js';
import { browserCanThread } from '../env.js';
import { compileKernels } from '../kernel-files.js';
import { kernelVariant } from '../module.js';
import type { Channel, Job, Reply } from './protocol.js';
import { CTL, READY_FAILED, READY_OK, REPLY_GROW, REPLY_PENDING, SETTLED, type ToPoolWorker } from './web-protocol.js';
import { encode, read, write, type Encoded } from './wire.js';

// A worker that has not loaded by then counts as failed, so a pool never waits on it.
const LOAD_MS = 30_000;
const FIRST_REPLY_BYTES = 1 << 20;

/**
 * Web Workers, for a dedicated worker of a cross-origin-isolated page (the only browser
 * thread allowed both to block and to share memory). Jobs go out with postMessage; the
 * worker writes its reply into a SharedArrayBuffer sent with the job (wire.ts), then sets
 * a shared flag the caller waits on. Returns null where a browser cannot run a pool.
 */
export function browserChannels(): (() => Channel) | null {
  return browserCanThread() ? browserChannel : null;
}

function browserChannel(): Channel {
  const ctl = new Int32Array(new SharedArrayBuffer(CTL.length * 4));
  let reply = new SharedArrayBuffer(FIRST_REPLY_BYTES);
  let jobArea = new SharedArrayBuffer(FIRST_REPLY_BYTES);
  let failed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let settle = (): void => {};
  const settled = new Promise<void>((resolve) => {
    settle = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  // A literal URL beside `new Worker`, so bundlers (Vite, webpack) find and emit the worker.
  const worker = new Worker(new URL('./web-worker.js', import.meta.url), { type: 'module', name: 'recur-wasm' });
  // Events arrive only when this thread's event loop turns; until then the shared flag
  // (ctl[ready]) is what the caller reads.
  worker.addEventListener('error', (e) => {
    e.preventDefault();
    failed = true;
    settle();
  });
  worker.addEventListener('message', (e: MessageEvent<unknown>) => {
    if (e.data === SETTLED) settle();
  });
  timer = setTimeout(() => {
    if (Atomics.load(ctl, CTL.ready) !== READY_OK) failed = true;
    settle();
  }, LOAD_MS);
  const send = (m: ToPoolWorker) => worker.postMessage(m);
  // The worker runs this thread's compiled kernels (compiled once, shared by every worker):
  // the same build, and no copy of its own to download or compile.
  const variant = kernelVariant();
  void Promise.all([compileKernels('kernels', variant), compileKernels('shared', variant).catch(() => null)]).then(
    ([kernels, shared]) => send({ type: 'init', ctl, variant, kernels, shared }),
    () => {
      failed = true;
      settle();
    },
  );

  return {
    state() {
      const ready = Atomics.load(ctl, CTL.ready);
      return failed || ready === READY_FAILED ? 'failed' : ready === READY_OK ? 'ready' : 'loading';
    },
    settled,
    post(job: Job) {
      Atomics.store(ctl, CTL.reply, REPLY_PENDING);
      const e = job.kind === 'units' ? null : encodable(job);
      if (!e) return send({ type: 'job', job, reply });
      // Grown ahead (kept for later jobs); the worker is idle, so the area is free to write.
      if (jobArea.byteLength < e.bytes) jobArea = new SharedArrayBuffer(Math.ceil((e.bytes * 1.25) / 65536) * 65536);
      write(e, jobArea);
      send({ type: 'wire-job', area: jobArea, reply });
    },
    collect(deadline: number, borrow = false): Reply {
      for (;;) {
        while (Atomics.load(ctl, CTL.reply) === REPLY_PENDING) {
          if (Atomics.wait(ctl, CTL.reply, REPLY_PENDING, Math.max(1, deadline - Date.now())) === 'timed-out' && Date.now() >= deadline) {
            throw new RecurError('E_WORKER', 'wasm worker did not answer in time');
          }
        }
        // Borrowed: no fresh arrays (a fresh MB costs ~2.5 ms in Chromium, page faults and all).
        if (Atomics.load(ctl, CTL.reply) !== REPLY_GROW) return read(reply, { views: borrow }) as Reply;
        // The worker kept its result: give it a larger area (kept for later jobs) to write it into.
        reply = new SharedArrayBuffer(Math.ceil((Atomics.load(ctl, CTL.need) * 1.25) / 65536) * 65536);
        Atomics.store(ctl, CTL.reply, REPLY_PENDING);
        send({ type: 'resend', reply });
      }
    },
    close() {
      clearTimeout(timer);
      worker.terminate();
    },
  };
}

/** A pass job laid out for shared memory, or null when it holds what wire.ts cannot carry (it is cloned instead). */
function encodable(job: Job): Encoded | null {
  try {
    return encode(job);
  } catch {
    return null;
  }
}
