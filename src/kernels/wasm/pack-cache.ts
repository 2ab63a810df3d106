import type { Arena } from './arena.js';
import { packedFloats, type Ptr } from './calls.js';
import type { KernelExports } from './module.js';

/**
 * Kernel memory kept per weight array between calls: packed weight panels next to the bits
 * they were packed from. Inference calls the same layer again and again with the same
 * weights, and packing W_hh costs as much as several time steps at batch 1 (0.55 ms for
 * hidden 256, against ~25 us a step). A call copies the weights in as before, compares
 * them with the kept bits in SIMD (~20 us per MB) and packs only when they changed, so
 * weights edited in place are always seen.
 *
 * Blocks are keyed by the weight array and a layout name, freed when the array is
 * collected, and the least recently used go past a budget (never one taken in the current
 * call). The single-thread kernels keep whole panels (`reserve`/`refresh`); passes split by
 * hidden units keep every thread's slices in one block (`keep`, threads/unit-split.ts).
 */
export interface KeptBlock {
  readonly ptr: Ptr;
  readonly bytes: number;
  /** The block holds packed weights matching its kept bits (set by whoever packs into it). */
  valid: boolean;
  /** Its memory went back to the arena (evicted, or the array was collected). */
  freed: boolean;
  lastUsed: number;
  /**
   * Which bits it holds: a number unique within the cache, new each time `refresh` packs
   * (0: none yet). A block derived from those bits (backward's panels) records it to know
   * they are still the same without comparing them again.
   */
  gen: number;
}

/** Whole panels of one weight array: the raw bits (at block.ptr), then the packed K x N operand. */
export interface PackEntry {
  readonly block: KeptBlock;
  /** How `refresh` packs: a K x N operand with strides (ks, ns). */
  readonly ks: number;
  readonly ns: number;
  readonly K: number;
  readonly N: number;
  readonly packed: Ptr;
}

interface Keyed {
  readonly layout: string;
  readonly block: KeptBlock;
}

/** Bytes of kept blocks per cache before the least recently used go. */
export const PACK_BUDGET = 256 << 20;

const bitsBytes = (floats: number): number => Math.ceil(floats / 16) * 64;

export class PackCache {
  private readonly byArray = new WeakMap<Float32Array, Keyed[]>();
  private readonly live = new Set<KeptBlock>();
  private bytes = 0;
  private epoch = 0;
  private gens = 0;
  /** Calls that reused panels, and that packed (tests read them). */
  hits = 0;
  misses = 0;
  private readonly registry = new FinalizationRegistry<Keyed[]>((list) => list.forEach((x) => this.free(x.block)));

  constructor(
    private readonly arena: Arena,
    private readonly budget = PACK_BUDGET,
  ) {}

  /** Starts a call: blocks kept from now on are not evicted until the next call. */
  beginCall(): void {
    this.epoch++;
  }

  /**
   * The block of `bytes` kept for `weights` in `layout` (a new one, not `valid`, when there
   * was none or it was evicted). Call before the call's scratch is taken: it may take memory.
   */
  keep(weights: Float32Array, layout: string, bytes: number): KeptBlock {
    let list = this.byArray.get(weights);
    if (!list) {
      list = [];
      this.byArray.set(weights, list);
      this.registry.register(weights, list);
    }
    const at = list.findIndex((x) => x.layout === layout);
    if (at >= 0 && !list[at]!.block.freed) {
      list[at]!.block.lastUsed = this.epoch;
      return list[at]!.block;
    }
    if (at >= 0) list.splice(at, 1);
    this.evictFor(bytes);
    const block: KeptBlock = { ptr: this.arena.keep(bytes), bytes, valid: false, freed: false, lastUsed: this.epoch, gen: 0 };
    this.live.add(block);
    this.bytes += bytes;
    list.push({ layout, block });
    return block;
  }

  /** The panels of `weights` packed as a K x N operand with strides (ks, ns); fill with `refresh`. */
  reserve(weights: Float32Array, ks: number, ns: number, K: number, N: number): PackEntry {
    const raw = bitsBytes(K * N);
    const block = this.keep(weights, `panels ${ks},${ns},${K},${N}`, raw + packedFloats(K, N) * 4);
    return { block, ks, ns, K, N, packed: block.ptr + raw };
  }

  /**
   * The packed panels of the weights now at `src` (copied in by the caller): reused when
   * their bits match the kept ones, else packed again.
   */
  refresh(k: KernelExports, e: PackEntry, src: Ptr): Ptr {
    const floats = e.K * e.N;
    if (e.block.valid && k.sameBits(src, e.block.ptr, floats) === 1) {
      this.hits++;
      return e.packed;
    }
    this.misses++;
    k.pack(src, e.ks, e.ns, e.K, e.N, e.packed);
    this.arena.f32().copyWithin(e.block.ptr >> 2, src >> 2, (src >> 2) + floats);
    e.block.valid = true;
    e.block.gen = ++this.gens;
    return e.packed;
  }

  /**
   * The block for `weights` packed as a K x N operand with strides (ks, ns) from the bits of
   * generation `gen` (a `refresh`ed block's): `ready` while it still holds that generation
   * (no bits compared); else the caller packs into `block.ptr` and calls `filled`. Call
   * before the call's scratch is taken.
   */
  derived(weights: Float32Array, gen: number, ks: number, ns: number, K: number, N: number): { block: KeptBlock; ready: boolean } {
    const block = this.keep(weights, `derived ${ks},${ns},${K},${N}`, packedFloats(K, N) * 4);
    const ready = block.valid && block.gen === gen;
    if (ready) this.hits++;
    else this.misses++;
    return { block, ready };
  }

  /** Marks a derived block packed from the bits of generation `gen`. */
  filled(block: KeptBlock, gen: number): void {
    block.valid = true;
    block.gen = gen;
  }

  private free(b: KeptBlock): void {
    if (b.freed) return;
    b.freed = true;
    b.valid = false;
    this.live.delete(b);
    this.arena.release(b.ptr, b.bytes);
    this.bytes -= b.bytes;
  }

  /** Frees least recently used blocks (never one kept in this call) until `bytes` fit. */
  private evictFor(bytes: number): void {
    if (this.bytes + bytes <= this.budget) return;
    const old = [...this.live].filter((b) => b.lastUsed < this.epoch).sort((a, b) => a.lastUsed - b.lastUsed);
    for (const b of old) {
      if (this.bytes + bytes <= this.budget) break;
      this.free(b);
    }
  }
}
