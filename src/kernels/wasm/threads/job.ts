import type { SequenceBackwardArgs, SequenceForwardArgs } from '../../types.js';
import type { SingleBackend } from '../index.js';
import { runUnitsJob, type UnitsJob } from './units.js';

/**
 * A job for a worker: one chunk's forward or backward pass, or its units of a pass split by
 * hidden units (units.ts), plus the ids of saved passes in that worker whose handles the
 * caller has dropped (freed before the job runs).
 */
export interface Job {
  readonly kind: 'forward' | 'backward' | 'units';
  readonly args: unknown;
  readonly release?: readonly number[];
}

/** A worker's answer; a failure carries the message, so the caller can fall back. */
export type Reply = { ok: true; value: unknown } | { ok: false; error: string };

/** Runs one job on a worker's own single-thread backend (null: WASM did not load there). */
export function runJob(backend: SingleBackend | null, job: Job): Reply {
  try {
    if (job.kind === 'units') return { ok: true, value: runUnitsJob(job.args as UnitsJob) };
    if (!backend) throw new Error('WebAssembly SIMD is unavailable in this worker');
    if (job.release) backend.releaseSaved(job.release);
    const value =
      job.kind === 'forward'
        ? backend.sequenceForward(job.args as SequenceForwardArgs)
        : backend.sequenceBackward(job.args as SequenceBackwardArgs);
    return { ok: true, value };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}
