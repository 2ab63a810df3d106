import type { CompiledWasm, KernelVariant } from '../module.js';
import type { Job } from './protocol.js';

// What a browser pool's caller and its worker share (browser-transport.ts, web-worker.ts).

/** Slots of a channel's Int32 control block in shared memory. */
export const CTL = {
  /** A REPLY_* value: the caller resets it to pending before each job and waits on it. */
  reply: 0,
  /** Bytes the worker needs when the reply area was too small. */
  need: 1,
  /** A READY_* value, set once by the worker when it has loaded. */
  ready: 2,
  length: 3,
} as const;

export const REPLY_PENDING = 0;
export const REPLY_DONE = 1;
/** The reply did not fit: the caller grows the area and asks for it again (no re-run). */
export const REPLY_GROW = 2;

export const READY_LOADING = 0;
export const READY_OK = 1;
/** The worker runs but has no WASM SIMD backend. */
export const READY_FAILED = -1;

/** Messages to a browser pool worker; `reply` is where its answer goes. */
export type ToPoolWorker =
  /**
   * The calling thread's compiled kernels (and the shared build of hidden-unit splits, null
   * where it did not compile): workers carry no copy of the kernels of their own.
   */
  | { readonly type: 'init'; readonly ctl: Int32Array; readonly variant: KernelVariant; readonly kernels: CompiledWasm; readonly shared: CompiledWasm | null }
  /** A job cloned into the message (hidden-unit jobs, which carry a WebAssembly.Memory). */
  | { readonly type: 'job'; readonly job: Job; readonly reply: SharedArrayBuffer }
  /** A job the caller wrote into `area` (wire.ts): read as views, used before the reply is written. */
  | { readonly type: 'wire-job'; readonly area: SharedArrayBuffer; readonly reply: SharedArrayBuffer }
  | { readonly type: 'resend'; readonly reply: SharedArrayBuffer };

/** The one message a browser pool worker posts: it has loaded (or failed to). */
export const SETTLED = 'recur-pool-worker-settled';
