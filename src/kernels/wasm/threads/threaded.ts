import type { Backend, SequenceBackwardArgs, SequenceForwardArgs, SequenceForwardResult, SequenceGrads } from '../../types.js';
import { gateCount } from '../../types.js';
import { RecurError } from '../../../errors.js';
import { WorkerPool } from './pool.js';
import { chunkBackwardArgs, chunkForwardArgs, chunksOf, mergeBackward, mergeForward, type ChunkPass } from './split.js';

/** When a pass is worth splitting: enough multiply-adds per thread, enough rows per chunk. */
export interface ThreadPolicy {
  /** Multiply-adds of a forward pass below which it stays on one thread. */
  minWork: number;
  /** Fewest batch rows per chunk (the 2-row GEMM tile wants a few). */
  minRows: number;
}

// ~6 ms of single-thread work: below it, copying chunks to workers costs more than it saves.
export const DEFAULT_POLICY: ThreadPolicy = { minWork: 1 << 27, minRows: 4 };

function work(a: SequenceForwardArgs): number {
  const { T, B, I, H, P } = a.dims;
  return T * B * gateCount(a.mode) * H * (I + P);
}

/**
 * Runs passes on `threads` threads (this one plus workers) by batch chunks, falling back to
 * `single` for small passes. Workers start on the first split pass.
 */
export class ThreadedRunner {
  private pool: WorkerPool | null = null;
  private unavailable = false;

  constructor(
    private readonly single: Backend,
    public threads: number,
    public policy: ThreadPolicy = { ...DEFAULT_POLICY },
  ) {}

  /** Workers alive in the pool. */
  get liveWorkers(): number {
    return this.pool?.size ?? 0;
  }

  /** How many chunks to split this pass into (1: stay on this thread). */
  private plan(a: SequenceForwardArgs): number {
    if (this.threads <= 1 || this.unavailable || a.variant || work(a) < this.policy.minWork) return 1;
    const n = Math.min(this.threads, Math.floor(a.dims.B / this.policy.minRows));
    if (n <= 1) return 1;
    if (!this.pool || this.pool.size < n - 1) {
      this.pool?.close();
      this.pool = WorkerPool.create(this.threads - 1);
      this.unavailable = this.pool === null;
    }
    return this.pool ? n : 1;
  }

  forward(a: SequenceForwardArgs): SequenceForwardResult {
    const n = this.plan(a);
    if (n === 1) return this.single.sequenceForward(a);
    const chunks = chunksOf(a.dims.B, n);
    const args = chunks.map((c) => chunkForwardArgs(a, c));
    const jobs = args.slice(1).map((x) => ({ kind: 'forward' as const, args: x }));
    let results: SequenceForwardResult[];
    try {
      const { local, replies } = this.pool!.run(jobs, () => this.single.sequenceForward(args[0]!));
      results = [local, ...(replies as SequenceForwardResult[])];
    } catch (e) {
      if (!(e instanceof RecurError && e.code === 'E_WORKER')) throw e;
      // Workers that cannot run (missing file, no SIMD there): stay on this thread from now on.
      this.close();
      this.unavailable = true;
      return this.single.sequenceForward(a);
    }
    const parts: ChunkPass[] = chunks.map((chunk, i) => ({ chunk, args: args[i]!, result: results[i]! }));
    return mergeForward(a, parts);
  }

  backward(b: SequenceBackwardArgs): SequenceGrads {
    const parts = b.result.saved;
    if (!Array.isArray(parts)) return this.single.sequenceBackward(b);
    const ps = parts as ChunkPass[];
    const args = ps.map((p) => chunkBackwardArgs(b, p));
    if (!this.pool || this.pool.size < ps.length - 1) return mergeBackward(b, ps, args.map((x) => this.single.sequenceBackward(x)));
    const jobs = args.slice(1).map((x) => ({ kind: 'backward' as const, args: x }));
    const { local, replies } = this.pool.run(jobs, () => this.single.sequenceBackward(args[0]!));
    return mergeBackward(b, ps, [local, ...(replies as SequenceGrads[])]);
  }

  close(): void {
    this.pool?.close();
    this.pool = null;
  }
}
