import type { Backend, SequenceBackwardArgs, SequenceForwardArgs, SequenceForwardResult, SequenceGrads } from '../../types.js';
import { gateCount } from '../../types.js';
import { RecurError } from '../../../errors.js';
import type { Job } from './job.js';
import { WorkerPool } from './pool.js';
import { isSavedHandle } from '../saved.js';
import { kernelVariant, type KernelVariant } from '../module.js';
import { UnitTeam, unitThreads } from './units.js';
import { chunkBackwardArgs, chunkForwardArgs, chunksOf, isSplitSaved, mergeBackward, mergeForward, type ChunkPass } from './split.js';

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
 * Runs passes on `threads` threads (this one plus workers) by batch chunks, inference passes
 * of a few sequences by hidden units (units.ts), and independent inference passes side by
 * side (`forwardMany`), falling back to `single` for small passes. Workers start on the
 * first pass worth splitting, or on `start()`.
 */
export class ThreadedRunner {
  private pool: WorkerPool | null = null;
  private unavailable = false;
  /** The shared memory of hidden-unit splits (made on first use; false: unsupported here). */
  private team: UnitTeam | null | false = null;

  constructor(
    private readonly single: Backend,
    public threads: number,
    public policy: ThreadPolicy = { ...DEFAULT_POLICY },
    /** The build `single` runs, which hidden-unit splits must run too (bit-identical results). */
    private readonly variant: KernelVariant = kernelVariant(),
  ) {}

  /** Workers alive in the pool and able to take jobs. */
  get liveWorkers(): number {
    return this.pool?.state() === 'ready' ? this.pool.size : 0;
  }

  /** Batch chunks the policy gives `a` on up to `threads` threads (1: do not split). */
  private chunkCount(a: SequenceForwardArgs, threads: number): number {
    if (a.variant || work(a) < this.policy.minWork) return 1;
    return Math.max(1, Math.min(threads, Math.floor(a.dims.B / this.policy.minRows)));
  }

  /** How many chunks to split this pass into (1: stay on this thread). */
  private plan(a: SequenceForwardArgs): number {
    if (this.threads <= 1 || this.unavailable) return 1;
    const n = this.chunkCount(a, this.threads);
    if (n <= 1) return 1;
    const pool = this.ensurePool(n - 1);
    // Browser workers start only once this thread's event loop turns: until they have,
    // passes run here (see `start`).
    return pool?.state() === 'ready' ? n : 1;
  }

  /**
   * Threads to split an inference pass by hidden units (1: do not): small batches that batch
   * chunks cannot split, with enough work per call to pay for waking the workers.
   */
  private unitPlan(a: SequenceForwardArgs): number {
    if (this.threads <= 1 || this.unavailable || this.team === false) return 1;
    if (a.dims.B >= 2 * this.policy.minRows || work(a) * 32 < this.policy.minWork) return 1;
    const n = unitThreads(a, this.threads);
    if (n <= 1) return 1;
    const pool = this.ensurePool(n - 1);
    return pool?.state() === 'ready' ? n : 1;
  }

  /**
   * A hidden-unit split. What fails only there (no shared WebAssembly memory, the shared
   * build refused, a barrier that timed out, its 1 GB memory full) leaves this pass, and
   * later ones for a failed team, on one thread; batch splits keep the pool.
   */
  private forwardUnits(a: SequenceForwardArgs, n: number): SequenceForwardResult {
    try {
      this.team ??= new UnitTeam(this.variant);
    } catch {
      this.team = false;
    }
    if (this.team === false) return this.single.sequenceForward(a);
    try {
      return this.team.run(a, n, this.pool!);
    } catch (e) {
      if (!(e instanceof RecurError) || (e.code !== 'E_WORKER' && e.code !== 'E_MEMORY')) throw e;
      if (e.code === 'E_WORKER') this.team = false;
      return this.single.sequenceForward(a);
    }
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
    const units = this.unitPlan(a);
    if (units > 1) return this.forwardUnits(a, units);
    const n = this.plan(a);
    if (n === 1) return this.single.sequenceForward(a);
    const pool = this.pool!;
    const chunks = chunksOf(a.dims.B, n);
    const args = chunks.map((c) => chunkForwardArgs(a, c));
    const jobs = args.slice(1).map((x, i) => this.job('forward', x, i));
    let results: SequenceForwardResult[];
    try {
      const { local, replies } = pool.run(jobs, () => this.single.sequenceForward(args[0]!));
      results = [local, ...(replies as SequenceForwardResult[])];
    } catch (e) {
      if (!isWorkerError(e)) throw e;
      this.giveUp();
      return this.single.sequenceForward(a);
    }
    const parts: ChunkPass[] = chunks.map((chunk, i) => ({ chunk, args: args[i]!, result: results[i]! }));
    const merged = mergeForward(a, parts, pool);
    // The workers' saves are freed by their backward; if the graph is dropped first, here.
    if (merged.saved) this.dropped.register(merged.saved, { pool, ids: results.slice(1).map((r) => (isSavedHandle(r.saved) ? r.saved.savedId : 0)) });
    return merged;
  }

  /**
   * Independent passes that will not be backpropagated, at once: the threads are shared out
   * among them (the two directions of a bidirectional layer each take one of two threads,
   * with all their batch rows: one round trip instead of two, and full-height GEMM tiles),
   * and a pass given more than one thread is split by batch rows as in `forward`.
   */
  forwardMany(list: readonly SequenceForwardArgs[]): SequenceForwardResult[] {
    const sequential = (): SequenceForwardResult[] => list.map((a) => this.forward(a));
    if (list.length < 2 || this.threads <= 1 || this.unavailable) return sequential();
    if (list.some((a) => a.saveForBackward || a.variant)) return sequential();
    if (list.length > this.threads) {
      const out: SequenceForwardResult[] = [];
      for (let i = 0; i < list.length; i += this.threads) out.push(...this.forwardMany(list.slice(i, i + this.threads)));
      return out;
    }
    if (list.reduce((s, a) => s + work(a), 0) < this.policy.minWork) return sequential();
    const share = Math.floor(this.threads / list.length);
    const pieces = list.flatMap((a, p) => {
      const n = this.chunkCount(a, share);
      return chunksOf(a.dims.B, n).map((chunk) => ({ p, chunk, args: n === 1 ? a : chunkForwardArgs(a, chunk) }));
    });
    const pool = this.ensurePool(pieces.length - 1);
    if (pool?.state() !== 'ready') return sequential();
    let results: SequenceForwardResult[];
    try {
      const jobs = pieces.slice(1).map((u, i) => this.job('forward', u.args, i));
      const { local, replies } = pool.run(jobs, () => this.single.sequenceForward(pieces[0]!.args));
      results = [local, ...(replies as SequenceForwardResult[])];
    } catch (e) {
      if (!isWorkerError(e)) throw e;
      this.giveUp();
      return list.map((a) => this.single.sequenceForward(a));
    }
    return list.map((a, p) => {
      const parts: ChunkPass[] = [];
      pieces.forEach((u, i) => {
        if (u.p === p) parts.push({ chunk: u.chunk, args: u.args, result: results[i]! });
      });
      return parts.length === 1 ? parts[0]!.result : mergeForward(a, parts, pool);
    });
  }

  backward(b: SequenceBackwardArgs): SequenceGrads {
    const saved = b.result.saved;
    if (!isSplitSaved(saved)) return this.single.sequenceBackward(b);
    const ps = saved.parts;
    // Each chunk's saved state lives in the thread that ran its forward.
    if (saved.pool !== this.pool || this.pool.state() !== 'ready') {
      throw new RecurError('E_WORKER', 'backward: the worker threads that ran this forward pass have since been closed (setThreads, or a worker failure), and their saved state with them; run the forward pass again');
    }
    const pool = this.pool;
    const args = ps.map((p, i) => chunkBackwardArgs(b, p, i > 0));
    const jobs = args.slice(1).map((x, i) => this.job('backward', x, i));
    try {
      const { local, replies } = pool.run(jobs, () => this.single.sequenceBackward(args[0]!));
      return mergeBackward(b, ps, [local, ...(replies as SequenceGrads[])]);
    } catch (e) {
      if (isWorkerError(e)) this.giveUp();
      throw e;
    }
  }

  /** A job for worker i, carrying the saves of that worker whose handles were dropped. */
  private job(kind: 'forward' | 'backward', args: unknown, i: number): Job {
    const release = this.releases.get(i);
    if (!release || release.length === 0) return { kind, args };
    this.releases.set(i, []);
    return { kind, args, release };
  }

  private readonly releases = new Map<number, number[]>();
  private readonly dropped = new FinalizationRegistry<{ pool: object; ids: number[] }>(({ pool, ids }) => {
    if (pool !== this.pool) return; // a closed pool's workers are gone, and their saves with them
    ids.forEach((id, i) => {
      if (id > 0) this.releases.set(i, [...(this.releases.get(i) ?? []), id]);
    });
  });

  close(): void {
    this.pool?.close();
    this.pool = null;
    this.releases.clear();
  }
}
