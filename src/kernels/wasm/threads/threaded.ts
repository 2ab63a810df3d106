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

const isWorkerError = (e: unknown): boolean => e instanceof RecurError && e.code === 'E_WORKER';

function work(a: SequenceForwardArgs): number {
  const { T, B, I, H, P } = a.dims;
  return T * B * gateCount(a.mode) * H * (I + P);
}

/**
 * Runs passes on `threads` threads (this one plus workers) by batch chunks, falling back to
 * `single` for small passes. Workers start on the first pass worth splitting, or on `start()`.
 */
export class ThreadedRunner {
  private pool: WorkerPool | null = null;
  private unavailable = false;

  constructor(
    private readonly single: Backend,
    public threads: number,
    public policy: ThreadPolicy = { ...DEFAULT_POLICY },
  ) {}

  /** Workers alive in the pool and able to take jobs. */
  get liveWorkers(): number {
    return this.pool?.state() === 'ready' ? this.pool.size : 0;
  }

  /** How many chunks to split this pass into (1: stay on this thread). */
  private plan(a: SequenceForwardArgs): number {
    if (this.threads <= 1 || this.unavailable || a.variant || work(a) < this.policy.minWork) return 1;
    const n = Math.min(this.threads, Math.floor(a.dims.B / this.policy.minRows));
    if (n <= 1) return 1;
    const pool = this.ensurePool(n - 1);
    // Browser workers start only once this thread's event loop turns: until they have,
    // passes run here (see `start`).
    return pool?.state() === 'ready' ? n : 1;
  }

  /** The pool, with at least `need` workers; null where workers are unavailable. */
  private ensurePool(need: number): WorkerPool | null {
    if (this.unavailable) return null;
    if (!this.pool || this.pool.size < need) {
      this.pool?.close();
      this.pool = WorkerPool.create(this.threads - 1);
    }
    if (this.pool === null || this.pool.state() === 'failed') this.giveUp();
    return this.pool;
  }

  /** Workers that cannot run (missing file, no SIMD there): stay on this thread from now on. */
  private giveUp(): void {
    this.close();
    this.unavailable = true;
  }

  /**
   * Starts the workers now rather than on the first large pass, and resolves once they
   * have loaded, with the threads a large pass will use (1 where workers are unavailable).
   */
  async start(): Promise<number> {
    if (this.threads <= 1) return 1;
    const pool = this.ensurePool(this.threads - 1);
    if (!pool) return 1;
    await pool.settled();
    if (this.pool === pool && pool.state() !== 'ready') this.giveUp();
    return 1 + this.liveWorkers;
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
      if (!isWorkerError(e)) throw e;
      this.giveUp();
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
    if (!this.pool || this.pool.size < ps.length - 1 || this.pool.state() !== 'ready') return mergeBackward(b, ps, args.map((x) => this.single.sequenceBackward(x)));
    const jobs = args.slice(1).map((x) => ({ kind: 'backward' as const, args: x }));
    try {
      const { local, replies } = this.pool.run(jobs, () => this.single.sequenceBackward(args[0]!));
      return mergeBackward(b, ps, [local, ...(replies as SequenceGrads[])]);
    } catch (e) {
      if (!isWorkerError(e)) throw e;
      this.giveUp();
      return mergeBackward(b, ps, args.map((x) => this.single.sequenceBackward(x)));
    }
  }

  close(): void {
    this.pool?.close();
    this.pool = null;
  }
}
