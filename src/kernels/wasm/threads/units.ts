import { RecurError } from '../../../errors.js';
import type { SequenceForwardArgs, SequenceForwardResult } from '../../types.js';
import { gateCount } from '../../types.js';
import { Arena } from '../arena.js';
import { MODE_ID, packedFloats } from '../forward.js';
import { loadSharedKernels, sharedMemory, type KernelVariant, type SharedKernelExports } from '../module.js';
import type { Job } from './job.js';
import type { WorkerPool } from './pool.js';

/**
 * Inference passes at batch 1-7 split by hidden units across threads that share one memory
 * (assembly/units.ts). Batch chunks cannot split these; instead each thread streams its own
 * slice of W_hh at every step (at batch 1 the step is a matrix-vector product bound by
 * that stream), and the threads meet at a barrier per step. Values are bit-identical to one
 * thread: each gate column sums in the same order.
 */

/** Threads (of `threads`) that split `a` by units: each a multiple of 16 units. 1: it does not qualify. */
export function unitThreads(a: SequenceForwardArgs, threads: number): number {
  if (a.saveForBackward || a.trace || a.variant || a.dropout || a.weights.wHr) return 1;
  const { T, B, H } = a.dims;
  if (T === 0 || B === 0) return 1;
  for (let n = Math.min(threads, H >> 4); n >= 2; n--) if (H % (16 * n) === 0) return n;
  return 1;
}

/** One thread's arguments of assembly/units.ts's forwardUnits. */
type UnitsCall = Parameters<SharedKernelExports['forwardUnits']>;

/** What the caller writes into the barrier counter when its own staging failed (units.ts ABORT). */
const ABORT = 0x40000000;
/** Kernel memory for kept weights (bits and packed slices) before the least recently used go. */
const BUDGET = 256 << 20;

/** A worker's part of a split pass: the team's memory and the kernel call for its units. */
export interface UnitsJob {
  readonly team: number;
  readonly memory: WebAssembly.Memory;
  readonly variant: KernelVariant;
  readonly call: UnitsCall;
}

/** Weights as last packed, per weight array: their bits, and every thread's packed slices. */
interface Packed {
  /** The block: the bits of W_ih, then of W_hh, then the slices. */
  readonly block: number;
  readonly bitsIh: number;
  readonly bitsHh: number;
  readonly slices: number;
  readonly bytes: number;
  /** Mode, sizes and threads the slices are laid out for. */
  readonly key: string;
  /** The slices hold the bits packed (a call has succeeded since the block was taken). */
  ready: boolean;
  /** Its block went back to the arena (least recently used past the budget). */
  freed: boolean;
}

let teams = 0;

/** The memory a split pass runs in, this thread's instance on it, and the packed weights. */
export class UnitTeam {
  readonly id = ++teams;
  private readonly memory = sharedMemory();
  private readonly k: SharedKernelExports;
  private readonly arena: Arena;
  private readonly packed = new WeakMap<Float32Array, Packed>();
  /** Live entries, least recently used first. */
  private readonly order = new Set<Packed>();
  private keptBytes = 0;
  private readonly registry = new FinalizationRegistry<Packed>((p) => this.free(p));

  constructor(private readonly variant: KernelVariant) {
    this.k = loadSharedKernels(this.memory, variant);
    this.arena = new Arena({ memory: this.memory });
  }

  /** Runs `a` on n threads: this one and workers 0..n-2 of `pool`. */
  run(a: SequenceForwardArgs, n: number, pool: WorkerPool): SequenceForwardResult {
    const { mode, weights: w, reverse } = a;
    const { T, B, I, H } = a.dims;
    const q = gateCount(mode);
    const G = q * H;
    const Hj = H / n;
    const Gj = q * Hj;
    const TB = T * B;
    const lstm = mode === 'lstm';
    const slice = packedFloats(I, Gj) + packedFloats(H, Gj);
    const kept = this.keep(w.wHh, G * I, G * H, n * slice, `${mode} ${I} ${H} ${n}`);

    this.arena.begin();
    const pWih = this.arena.take(G * I);
    const pWhh = this.arena.take(G * H);
    const pX = this.arena.take(TB * I);
    const pHs = this.arena.take((T + 1) * B * H);
    const pCs = lstm ? this.arena.take((T + 1) * B * H) : 0;
    const pY = this.arena.take(TB * H);
    const pLens = a.lengths ? this.arena.take(B) : 0;
    const pSync = this.arena.take(16);
    const gated = mode === 'lstm' || mode === 'gru';
    const own = Array.from({ length: n }, () => ({
      xg: this.arena.take(TB * Gj),
      hg: this.arena.take(B * Gj),
      g: gated ? this.arena.take(B * Gj) : 0,
      hn: mode === 'gru' ? this.arena.take(B * Hj) : 0,
      bias: this.arena.take(Gj),
      bhh: mode === 'gru' ? this.arena.take(Gj) : 0,
      staging: this.arena.take(80),
    }));
    this.arena.commit();
    // Zeroed before any worker can arrive at it.
    const sync = new Int32Array(this.memory.buffer, pSync, 1);
    sync[0] = 0;
    const calls = own.map((o, j): UnitsCall => [
      MODE_ID[mode], T, B, I, H, j * Hj, Hj,
      pX, pWih, pWhh, o.bias, o.bhh,
      kept.ready ? 0 : 1, kept.bitsIh, kept.bitsHh, kept.slices + j * slice * 4, kept.slices + (j * slice + packedFloats(I, Gj)) * 4,
      pHs, pCs, pY, pLens, reverse ? 1 : 0,
      o.xg, o.hg, o.g, o.hn, o.staging, pSync, n,
    ]);
    const jobs: Job[] = calls.slice(1).map((call) => ({ kind: 'units', args: { team: this.id, memory: this.memory, variant: this.variant, call } satisfies UnitsJob }));
    // The workers start on the jobs (and wait at the kernel's first barrier) while this
    // thread copies the inputs in.
    const { local, replies } = pool.run(jobs, () => {
      try {
        this.stage(a, { pWih, pWhh, pX, pHs, pCs, pLens }, own, Hj);
      } catch (e) {
        // The workers are waiting at the first barrier: let them go at once.
        Atomics.store(sync, 0, ABORT);
        Atomics.notify(sync, 0);
        throw e;
      }
      return this.k.forwardUnits(...calls[0]!);
    });
    if (local !== 0 || replies.some((r) => r !== 0)) throw new RecurError('E_WORKER', 'wasm worker stopped answering in a pass split by hidden units');
    kept.ready = true;

    const view = this.arena.f32();
    const copy = (ptr: number, count: number): Float32Array => view.slice(ptr >> 2, (ptr >> 2) + count);
    const lastSlot = reverse ? 0 : T;
    return {
      y: copy(pY, TB * H),
      hN: copy(pHs + lastSlot * B * H * 4, B * H),
      cN: lstm ? copy(pCs + lastSlot * B * H * 4, B * H) : null,
      trace: null,
      saved: null,
    };
  }

  /** Copies a pass's inputs into the shared memory, and each thread's biases in its gate order. */
  private stage(
    a: SequenceForwardArgs,
    p: { pWih: number; pWhh: number; pX: number; pHs: number; pCs: number; pLens: number },
    own: readonly { bias: number; bhh: number }[],
    Hj: number,
  ): void {
    const { mode, weights: w, reverse } = a;
    const { T, B, I, H } = a.dims;
    const mem = this.arena.f32();
    const f = (ptr: number): number => ptr >> 2;
    mem.set(w.wIh, f(p.pWih));
    mem.set(w.wHh, f(p.pWhh));
    mem.set(a.x.subarray(0, T * B * I), f(p.pX));
    const initSlot = reverse ? T : 0;
    mem.set(a.h0.subarray(0, B * H), f(p.pHs) + initSlot * B * H);
    if (mode === 'lstm') {
      if (a.c0) mem.set(a.c0.subarray(0, B * H), f(p.pCs) + initSlot * B * H);
      else mem.fill(0, f(p.pCs) + initSlot * B * H, f(p.pCs) + (initSlot + 1) * B * H);
    }
    if (a.lengths) new Int32Array(this.memory.buffer, p.pLens, B).set(a.lengths);
    // Units u0..u0+Hj of each gate. RNN and LSTM fold b_hh into the input bias; GRU keeps
    // it in the reset-scaled term.
    const q = gateCount(mode);
    const folded = mode !== 'gru';
    own.forEach((o, j) => {
      for (let g = 0; g < q; g++) {
        for (let u = 0; u < Hj; u++) {
          const src = g * H + j * Hj + u;
          const bi = w.bIh ? w.bIh[src]! : 0;
          const bh = w.bHh ? w.bHh[src]! : 0;
          // As forward.ts's inputBias: b_ih alone when there is no b_hh (a -0 stays -0).
          mem[f(o.bias) + g * Hj + u] = folded && w.bHh ? bi + bh : bi;
          if (o.bhh) mem[f(o.bhh) + g * Hj + u] = bh;
        }
      }
    });
  }

  /** The kept block for these weights (not `ready` until a call has packed into it). */
  private keep(key: Float32Array, ih: number, hh: number, slices: number, shape: string): Packed {
    const old = this.packed.get(key);
    if (old && !old.freed && old.key === shape) {
      this.order.delete(old);
      this.order.add(old);
      return old;
    }
    if (old) {
      this.registry.unregister(old);
      this.free(old);
    }
    const bitsIhBytes = Math.ceil((ih * 4) / 64) * 64;
    const bitsHhBytes = Math.ceil((hh * 4) / 64) * 64;
    const bytes = bitsIhBytes + bitsHhBytes + slices * 4;
    for (const p of this.order) {
      if (this.keptBytes + bytes <= BUDGET) break;
      this.free(p);
    }
    const block = this.arena.keep(bytes);
    const p: Packed = { block, bitsIh: block, bitsHh: block + bitsIhBytes, slices: block + bitsIhBytes + bitsHhBytes, bytes, key: shape, ready: false, freed: false };
    this.packed.set(key, p);
    this.order.add(p);
    this.keptBytes += bytes;
    this.registry.register(key, p, p);
    return p;
  }

  private free(p: Packed): void {
    if (p.freed) return;
    p.freed = true;
    this.order.delete(p);
    this.keptBytes -= p.bytes;
    this.arena.release(p.block, p.bytes);
  }
}

const joined = new Map<number, SharedKernelExports>();

/** A worker's side: its instance on the team's memory (made on the first job), then its units. */
export function runUnitsJob(job: UnitsJob): number {
  let k = joined.get(job.team);
  if (!k) {
    k = loadSharedKernels(job.memory, job.variant);
    joined.set(job.team, k);
  }
  return k.forwardUnits(...job.call);
}
