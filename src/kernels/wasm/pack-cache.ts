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
 *
 * In Node the weights are compared where they are (`matches`, memcmp through Buffer), so an
 * unchanged array is not copied in at all: at batch 1 the copy and the compare in kernel
 * memory took 60 of a forward pass's 120 us. A pass saved for backward then borrows the
 * kept bits instead of copying them (`pin`): before the block's bits are overwritten or
 * freed, each pin's `evacuate` copies them to where the save reserved room for them.
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
  /** Saves that read this block's raw bits (`pin`): each is evacuated before they change. */
  pins: Set<Pin> | null;
}

/** A borrower of a block's raw bits: `evacuate` copies them out while they are still there. */
export interface Pin {
  evacuate(): void;
}

/** Whether two float arrays hold the same bits, without copying either (null: not here). */
type BitsEqual = (a: Float32Array, b: Float32Array) => boolean;

interface NodeBuffer {
  from(buffer: ArrayBufferLike, byteOffset: number, length: number): { equals(other: unknown): boolean };
}

/** Node's Buffer.equals (memcmp); null in browsers, where the weights are copied and compared in SIMD. */
function nodeBitsEqual(): BitsEqual | null {
  const g = globalThis as { Buffer?: NodeBuffer; process?: { versions?: { node?: string } } };
  // Only Node's own Buffer: a bundler's polyfill would compare in a JS loop.
  const buffer = g.process?.versions?.node ? g.Buffer : undefined;
  if (!buffer) return null;
  return (a, b) => buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(buffer.from(b.buffer, b.byteOffset, b.byteLength));
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
    /** How `matches` compares (null: it never matches, and callers copy the weights in). */
    private readonly bitsEqual: BitsEqual | null = nodeBitsEqual(),
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
    const block: KeptBlock = { ptr: this.arena.keep(bytes), bytes, valid: false, freed: false, lastUsed: this.epoch, gen: 0, pins: null };
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
  refresh(k: KernelExports, e: PackEntry, src: Ptr, differs = false): Ptr {
    const floats = e.K * e.N;
    if (!differs && e.block.valid && k.sameBits(src, e.block.ptr, floats) === 1) {
      this.hits++;
      return e.packed;
    }
    this.misses++;
    this.evacuate(e.block);
    k.pack(src, e.ks, e.ns, e.K, e.N, e.packed);
    this.arena.f32().copyWithin(e.block.ptr >> 2, src >> 2, (src >> 2) + floats);
    e.block.valid = true;
    e.block.gen = ++this.gens;
    return e.packed;
  }

  /**
   * Whether `weights` hold the bits `e` was packed from, compared in place (no copy into
   * kernel memory): then `e.packed` is ready. False when they differ, when nothing is
   * packed yet, or where no in-place compare exists (browsers): copy them in and `refresh`.
   */
  matches(e: PackEntry, weights: Float32Array): boolean {
    if (!this.bitsEqual || !e.block.valid) return false;
    const floats = e.K * e.N;
    if (weights.length !== floats) return false;
    const kept = new Float32Array(this.arena.f32().buffer, e.block.ptr, floats);
    if (!this.bitsEqual(weights, kept)) return false;
    this.hits++;
    return true;
  }

  /** Whether `matches` can ever answer true here (an in-place compare exists). */
  get comparesInPlace(): boolean {
    return this.bitsEqual !== null;
  }

  /**
   * Lends the raw bits of `block` (at block.ptr) to `pin` until `unpin`: before they are
   * overwritten or freed, `pin.evacuate()` runs (and the pin is dropped).
   */
  pin(block: KeptBlock, pin: Pin): void {
    (block.pins ??= new Set()).add(pin);
  }

  unpin(block: KeptBlock, pin: Pin): void {
    block.pins?.delete(pin);
  }

  /** Marks `block` used by the current call, so no `keep` of this call evicts it. */
  touch(block: KeptBlock): void {
    block.lastUsed = this.epoch;
  }

  /** Runs and drops the pins of `block`: its raw bits are about to change or go. */
  private evacuate(block: KeptBlock): void {
    if (!block.pins?.size) return;
    const pins = [...block.pins];
    block.pins.clear();
    for (const p of pins) p.evacuate();
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
    this.evacuate(b);
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
