// A pool worker's side of a job (worker.ts in Node, web-worker.ts in browsers): it runs on
// the worker's own single-thread backend, or on the shared memory of a hidden-unit split.
import type { SingleBackend } from '../single.js';
import { callForwardUnits } from '../calls.js';
import { loadSharedKernels, type SharedKernelExports } from '../module.js';
import type { Job, Reply, UnitsJob } from './protocol.js';

/** This worker's instance on each team's shared memory, made on the team's first job. */
const joined = new Map<number, SharedKernelExports>();

function runUnits(job: UnitsJob): number {
  let k = joined.get(job.team);
  if (!k) {
    k = loadSharedKernels(job.memory, job.variant);
    joined.set(job.team, k);
  }
  return callForwardUnits(k, job.call);
}

/** Runs one job (backend null: WASM did not load in this worker); failures become the reply's error. */
export function runJob(backend: SingleBackend | null, job: Job): Reply {
  try {
    if (job.kind === 'units') return { ok: true, value: runUnits(job.args) };
    if (!backend) throw new Error('WebAssembly SIMD is unavailable in this worker');
    if (job.release) backend.releaseSaved(job.release);
    if (job.kind === 'forward') return { ok: true, value: backend.sequenceForward(job.args) };
    return { ok: true, value: backend.sequenceBackward(job.args) };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}
