// A browser pool worker: runs its jobs (job.ts) on its own single-thread WASM instance
// and writes each reply into the shared area the caller sent with the job (wire.ts), since
// the caller is blocked in Atomics.wait and cannot receive messages. No node:* imports, and
// no kernels of its own: the caller sends its compiled modules with 'init'.
import { provideCompiled } from '../module.js';
import { singleThreadBackend, type SingleBackend } from '../single.js';
import { runJob } from './job.js';
import type { Job, Reply } from './protocol.js';
import { CTL, READY_FAILED, READY_OK, REPLY_DONE, REPLY_GROW, SETTLED, type ToPoolWorker } from './web-protocol.js';
import { encode, read, write, type Encoded } from './wire.js';

// The worker scope, typed without the WebWorker lib (which clashes with DOM's).
const scope = globalThis as unknown as {
  onmessage: ((e: MessageEvent<ToPoolWorker>) => void) | null;
  postMessage(m: unknown): void;
};

let backend: SingleBackend | null = null;

/** This worker's instance of the caller's kernels; null: the pool sees READY_FAILED and runs on one thread. */
function start(m: Extract<ToPoolWorker, { type: 'init' }>): SingleBackend | null {
  try {
    provideCompiled('kernels', m.variant, m.kernels);
    if (m.shared) provideCompiled('shared', m.variant, m.shared);
    // Untracked saves: their handles live in the calling thread, which sends the releases.
    // No pack cache: the weights arrive as fresh copies with every job.
    return singleThreadBackend(m.variant, { tracked: false, packCache: false });
  } catch {
    return null;
  }
}
let ctl: Int32Array | null = null;
// The last reply, kept until it has been written (a too-small area asks for a larger one).
let pending: Encoded | null = null;

scope.onmessage = (e) => {
  const m = e.data;
  if (m.type === 'init') {
    ctl = m.ctl;
    backend = start(m);
    Atomics.store(ctl, CTL.ready, backend ? READY_OK : READY_FAILED);
    scope.postMessage(SETTLED);
    return;
  }
  // A wire job's arrays are views of the caller's area, which stays untouched until this
  // reply is written; the backend copies them into its memory and keeps none of them.
  if (m.type === 'job' || m.type === 'wire-job') pending = encodeReply(runJob(backend, m.type === 'job' ? m.job : (read(m.area, { views: true }) as Job)));
  if (!ctl || !pending) return;
  if (pending.bytes > m.reply.byteLength) {
    Atomics.store(ctl, CTL.need, pending.bytes);
    signal(ctl, REPLY_GROW);
    return;
  }
  write(pending, m.reply);
  pending = null;
  signal(ctl, REPLY_DONE);
};

function encodeReply(r: Reply): Encoded {
  try {
    return encode(r);
  } catch (e) {
    return encode({ ok: false, error: `reply not encodable: ${e instanceof Error ? e.message : String(e)}` });
  }
}

function signal(c: Int32Array, state: number): void {
  Atomics.store(c, CTL.reply, state);
  Atomics.notify(c, CTL.reply);
}
