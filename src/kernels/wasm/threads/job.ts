import type { Backend, SequenceBackwardArgs, SequenceForwardArgs } from '../../types.js';

/** A job for a worker: one chunk's forward or backward pass. */
export interface Job {
  readonly kind: 'forward' | 'backward';
  readonly args: unknown;
}

/** A worker's answer; a failure carries the message, so the caller can fall back. */
export type Reply = { ok: true; value: unknown } | { ok: false; error: string };

/** Runs one job on a worker's own single-thread backend (null: WASM did not load there). */
export function runJob(backend: Backend | null, job: Job): Reply {
  try {
    if (!backend) throw new Error('WebAssembly SIMD is unavailable in this worker');
    const value =
      job.kind === 'forward'
        ? backend.sequenceForward(job.args as SequenceForwardArgs)
        : backend.sequenceBackward(job.args as SequenceBackwardArgs);
    return { ok: true, value };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}
