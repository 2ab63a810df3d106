import { RecurError } from '../../../errors.js';
import { placeOutput, withoutTarget } from '../../output-target.js';
import type { Backend, SequenceBackwardArgs, SequenceForwardArgs, SequenceForwardResult, SequenceGrads } from '../../types.js';
import { kernelVariant, type KernelVariant } from '../module.js';
import { isSavedHandle } from '../saved.js';
import { chunkBackwardArgs, chunkForwardArgs, isSplitSaved, mergeBackward, mergeForward, type ChunkPass } from './batch-split.js';
import { DEFAULT_POLICY, planMany, planPass, workersOf, type Chunk, type PlanContext, type ThreadPolicy } from './plan.js';
import { WorkerPool } from './pool.js';
import type { Assignment, Job, ReplyValue } from './protocol.js';
import { RemoteSaves } from './remote-saves.js';
import { UnitTeam } from './unit-split.js';

// The policy's home is plan.ts; tests elsewhere import it from here.

/** The arguments of the jobs that run whole passes on a worker's single-thread backend. */
interface PassArgs {
  readonly forward: SequenceForwardArgs;
  readonly backward: SequenceBackwardArgs;
}

const isWorkerError = (e: unknown): boolean => e instanceof RecurError && e.code === 'E_WORKER';

/**
 * Carries out the plans of plan.ts on `threads` threads (this one plus pool workers): batch
 * chunks (batch-split.ts), hidden units (unit-split.ts), independent passes side by side;
 * `single` runs what stays here, and everything once workers fail. Workers start on the
 * first pass worth splitting, or on `start()`.
 */
export class ThreadedRunner {
  private pool: WorkerPool | null = null;
  private unavailable = false;
  /** The shared memory of hidden-unit splits (made on first use; false: unsupported here). */
  private team: UnitTeam | null | false = null;
  private readonly saves = new RemoteSaves(() => this.pool);

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

  private context(): PlanContext {
    return { threads: this.unavailable ? 1 : this.threads, policy: this.policy, units: this.team !== false };
  }

  /**
   * The pool when it is ready with at least `need` workers, else null: browser workers start
   * only once this thread's event loop turns, and until they have, passes run here.
   */
  private readyPool(need: number): WorkerPool | null {
    if (this.unavailable) return null;
    if (!this.pool || this.pool.size < need) {
      this.pool?.close();
      this.pool = WorkerPool.create(this.threads - 1);
    }
    if (this.pool === null || this.pool.state() === 'failed') {
      this.giveUp();
      return null;
    }
    return this.pool.state() === 'ready' ? this.pool : null;
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
    this.readyPool(this.threads - 1);
    const pool = this.pool;
    if (!pool) return 1;
    await pool.settled();
    if (this.pool === pool && pool.state() !== 'ready') this.giveUp();
    return 1 + this.liveWorkers;
  }

  forward(a: SequenceForwardArgs): SequenceForwardResult {
    const plan = planPass(a, this.context());
    if (plan.strategy === 'units') {
      const pool = this.readyPool(plan.threads - 1);
      return pool ? this.forwardUnits(a, plan.threads, pool) : this.single.sequenceForward(a);
    }
    if (plan.strategy === 'single') return this.single.sequenceForward(a);
    const pool = this.readyPool(workersOf(plan.chunks));
    if (!pool) return this.single.sequenceForward(a);
    // At inference the output is made first and this thread's chunk writes its rows there
    // itself (no array of its own: fresh memory is dear in browsers).
    const target = a.saveForBackward || a.trace ? a : withTarget(a);
    let parts: ChunkPass[];
    try {
      // Without a save, mergeForward copies every part at once, so replies may be borrowed.
      parts = this.forwardChunks(pool, plan.chunks.map((chunk) => ({ chunk, args: chunkForwardArgs(target, chunk) })), !a.saveForBackward);
    } catch (e) {
      if (!isWorkerError(e)) throw e;
      this.giveUp();
      return this.single.sequenceForward(a);
    }
    const merged = mergeForward(target, parts, pool);
    // The workers' saves are freed by their backward; if the graph is dropped first, here.
    if (merged.saved) {
      const remote = parts.flatMap((p) => (p.chunk.worker !== null && isSavedHandle(p.result.saved) ? [{ worker: p.chunk.worker, savedId: p.result.saved.savedId }] : []));
      this.saves.track(merged.saved, pool, remote);
    }
    return merged;
  }

  /**
   * A hidden-unit split. What fails only there (no shared WebAssembly memory, the shared
   * build refused, a barrier that timed out, its 1 GB memory full) leaves this pass, and
   * later ones for a failed team, on one thread; batch splits keep the pool.
   */
  private forwardUnits(a: SequenceForwardArgs, n: number, pool: WorkerPool): SequenceForwardResult {
    try {
      this.team ??= new UnitTeam(this.variant);
    } catch {
      this.team = false;
    }
    if (this.team === false) return this.single.sequenceForward(a);
    try {
      return this.team.run(a, n, pool);
    } catch (e) {
      if (!(e instanceof RecurError) || (e.code !== 'E_WORKER' && e.code !== 'E_MEMORY')) throw e;
      if (e.code === 'E_WORKER') this.team = false;
      return this.single.sequenceForward(a);
    }
  }

  /**
   * Independent passes that will not be backpropagated, at once (plan.ts `planMany`), with
   * the values each would have alone.
   */
  forwardMany(list: readonly SequenceForwardArgs[]): SequenceForwardResult[] {
    const plan = planMany(list, this.context());
    const each = (): SequenceForwardResult[] => list.map((a) => this.forward(a));
    if (plan.strategy === 'each') return each();
    if (plan.strategy === 'groups') {
      const out: SequenceForwardResult[] = [];
      for (let i = 0; i < list.length; i += plan.size) out.push(...this.forwardMany(list.slice(i, i + plan.size)));
      return out;
    }
    const pool = this.readyPool(workersOf(plan.pieces.map((p) => p.chunk)));
    if (!pool) return each();
    // A worker's whole pass is copied out at once when its y has a target and it has no
    // trace (hN, cN are small): then every reply may be borrowed (split pieces always are
    // copied, by mergeForward).
    const remoteWhole = plan.pieces.filter((p) => p.whole && p.chunk.worker !== null).map((p) => list[p.pass]!);
    const borrow = remoteWhole.every((a) => a.into !== undefined && !a.trace);
    let parts: ChunkPass[];
    try {
      const chunks = plan.pieces.map((p) => {
        const a = list[p.pass]!;
        // The target stays here: a worker's rows are placed in it when they come back.
        const args = !p.whole ? chunkForwardArgs(a, p.chunk) : p.chunk.worker === null ? a : withoutTarget(a);
        return { chunk: p.chunk, args };
      });
      parts = this.forwardChunks(pool, chunks, borrow);
    } catch (e) {
      if (!isWorkerError(e)) throw e;
      this.giveUp();
      return list.map((a) => this.single.sequenceForward(a));
    }
    return list.map((a, pass) => {
      const mine = parts.filter((_, i) => plan.pieces[i]!.pass === pass);
      return mine.length === 1 ? ownWhole(a, mine[0]!.result, borrow) : mergeForward(a, mine, pool);
    });
  }

  backward(b: SequenceBackwardArgs): SequenceGrads {
    const saved = b.result.saved;
    if (!isSplitSaved(saved)) return this.single.sequenceBackward(b);
    // Each chunk's saved state lives in the thread that ran its forward.
    if (saved.pool !== this.pool || this.pool.state() !== 'ready') {
      throw new RecurError('E_WORKER', 'backward: the worker threads that ran this forward pass have since been closed (setThreads, or a worker failure), and their saved state with them; run the forward pass again');
    }
    try {
      const chunks = saved.parts.map((p) => ({ chunk: p.chunk, args: chunkBackwardArgs(b, p) }));
      const grads = this.onOwners(this.pool, 'backward', chunks, (a) => this.single.sequenceBackward(a));
      return mergeBackward(b, saved.parts, grads);
    } catch (e) {
      if (isWorkerError(e)) this.giveUp();
      throw e;
    }
  }

  /** Runs each chunk's forward on its thread; the parts in the order of `chunks` (`borrow`: see WorkerPool.run). */
  private forwardChunks(pool: WorkerPool, chunks: readonly { chunk: Chunk; args: SequenceForwardArgs }[], borrow = false): ChunkPass[] {
    const results = this.onOwners(pool, 'forward', chunks, (a) => this.single.sequenceForward(a), borrow);
    return chunks.map((c, i) => ({ chunk: c.chunk, args: c.args, result: results[i]! }));
  }

  /**
   * Runs one pass per item on the item's thread (`chunk.worker`; null: `local` here), each
   * worker's job carrying the releases of its dropped saves; the results in item order.
   */
  private onOwners<K extends keyof PassArgs>(
    pool: WorkerPool,
    kind: K,
    items: readonly { readonly chunk: Chunk; readonly args: PassArgs[K] }[],
    local: (args: PassArgs[K]) => ReplyValue[K],
    borrow = false,
  ): ReplyValue[K][] {
    const here = items.flatMap((item, i) => (item.chunk.worker === null ? [i] : []));
    const there = items.flatMap((item, i) => (item.chunk.worker === null ? [] : [i]));
    const jobs = there.map((i): Assignment<Extract<Job, { kind: K }>> => {
      const worker = items[i]!.chunk.worker!;
      const release = this.saves.take(worker);
      // { kind: K, args: PassArgs[K] } is the job of kind K (TypeScript cannot pair them itself).
      const job = { kind, args: items[i]!.args, ...(release ? { release } : {}) } as Extract<Job, { kind: K }>;
      return { worker, job };
    });
    const { local: mine, replies } = pool.run(jobs, () => here.map((i) => local(items[i]!.args)), borrow);
    const out: ReplyValue[K][] = new Array<ReplyValue[K]>(items.length);
    here.forEach((i, n) => (out[i] = mine[n]!));
    there.forEach((i, n) => (out[i] = replies[n]!));
    return out;
  }

  close(): void {
    this.pool?.close();
    this.pool = null;
    this.saves.clear();
  }
}

/**
 * A whole pass's result as the caller keeps it: y in the pass's target when it has one and
 * the result is elsewhere (a worker's reply), and with `borrowed` (views of a reply area,
 * valid until the next job) hN and cN copied out.
 */
function ownWhole(a: SequenceForwardArgs, r: SequenceForwardResult, borrowed: boolean): SequenceForwardResult {
  const placed = placeOutput(a, r);
  if (placed === r || !borrowed) return placed;
  return { ...placed, hN: r.hN.slice(), cN: r.cN ? r.cN.slice() : null };
}

/** The pass with an output target: its own, or a new [T, B, P] array. */
function withTarget(a: SequenceForwardArgs): SequenceForwardArgs {
  if (a.into) return a;
  const { T, B, P } = a.dims;
  return { ...a, into: { data: new Float32Array(T * B * P), stride: P, offset: 0 } };
}
