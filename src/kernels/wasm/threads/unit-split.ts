import { RecurError } from '../../../errors.js';
import type { SequenceForwardArgs, SequenceForwardResult } from '../../types.js';
import { gateCount } from '../../types.js';
import { Arena } from '../arena.js';
import { callForwardUnits, foldedInputBias, packedFloats, recurrentBias, type UnitsCall } from '../calls.js';
import { loadSharedKernels, sharedMemory, type KernelVariant, type SharedKernelExports } from '../module.js';
import { PackCache } from '../pack-cache.js';
import type { WorkerPool } from './pool.js';
import type { Assignment, Job } from './protocol.js';

/**
 * Inference passes at batch 1-7 split by hidden units across threads that share one memory
 * (assembly/units.ts). Batch chunks cannot split these; instead each thread streams its own
 * slice of W_hh at every step (at batch 1 the step is a matrix-vector product bound by
 * that stream), and the threads meet at a barrier per step. Values are bit-identical to one
 * thread: each gate column sums in the same order.
 */

/** What the caller writes into the barrier counter when its own staging failed (assembly/units.ts ABORT). */
const ABORT = 0x40000000;

let teams = 0;

/** The memory a split pass runs in, this thread's instance on it, and the packed weights. */
export class UnitTeam {
  readonly id = ++teams;
  private readonly memory = sharedMemory();
  private readonly k: SharedKernelExports;
  private readonly arena: Arena;
  /** Per W_hh array: the bits of W_ih and W_hh as last packed, then every thread's packed slices. */
  private readonly cache: PackCache;

  constructor(private readonly variant: KernelVariant) {
    this.k = loadSharedKernels(this.memory, variant);
    this.arena = new Arena({ memory: this.memory });
    this.cache = new PackCache(this.arena);
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
    const bitsIh = Math.ceil((G * I * 4) / 64) * 64;
    const bitsHh = Math.ceil((G * H * 4) / 64) * 64;
    this.cache.beginCall();
    const kept = this.cache.keep(w.wHh, `units ${mode} ${I} ${H} ${n}`, bitsIh + bitsHh + n * slice * 4);
    const slices = kept.ptr + bitsIh + bitsHh;

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
    const calls = own.map((o, j): UnitsCall => ({
      mode, T, B, I, H, u0: j * Hj, Hj,
      x: pX, wih: pWih, whh: pWhh, bias: o.bias, bhh: o.bhh,
      fresh: !kept.valid, wihKept: kept.ptr, whhKept: kept.ptr + bitsIh,
      wihPacked: slices + j * slice * 4, whhPacked: slices + (j * slice + packedFloats(I, Gj)) * 4,
      hs: pHs, cs: pCs, y: pY, lengths: pLens, reverse,
      xg: o.xg, hg: o.hg, g: o.g, hn: o.hn, staging: o.staging, sync: pSync, threads: n,
    }));
    const jobs = calls.slice(1).map((call, i): Assignment<Extract<Job, { kind: 'units' }>> => ({
      worker: i,
      job: { kind: 'units', args: { team: this.id, memory: this.memory, variant: this.variant, call } },
    }));
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
      return callForwardUnits(this.k, calls[0]!);
    });
    if (local !== 0 || replies.some((r) => r !== 0)) throw new RecurError('E_WORKER', 'wasm worker stopped answering in a pass split by hidden units');
    kept.valid = true;

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
    // Each thread's units u0..u0+Hj of each gate, from the biases every kernel call uses.
    const bias = foldedInputBias(mode, w.bIh, w.bHh);
    const bhh = recurrentBias(mode, w.bHh);
    const q = gateCount(mode);
    own.forEach((o, j) => {
      for (let g = 0; g < q; g++) {
        const from = g * H + j * Hj;
        const into = g * Hj;
        if (bias) mem.set(bias.subarray(from, from + Hj), f(o.bias) + into);
        else mem.fill(0, f(o.bias) + into, f(o.bias) + into + Hj);
        if (o.bhh) {
          if (bhh) mem.set(bhh.subarray(from, from + Hj), f(o.bhh) + into);
          else mem.fill(0, f(o.bhh) + into, f(o.bhh) + into + Hj);
        }
      }
    });
  }
}
