import { RecurError } from '../../errors.js';
import type { Arena } from './arena.js';
import type { KeptBlock, PackCache, Pin } from './pack-cache.js';

/**
 * What a backward pass reads, as JS arrays: the form a save takes once it has been moved
 * out of kernel memory (see SavedStore). hs, cs are [(T+1), B, .] with the initial state in
 * slot 0 (forward) or slot T (reverse); x and the weights are the ones the forward used.
 */
export interface SavedArrays {
  readonly hs: Float32Array;
  readonly cs: Float32Array | null;
  readonly gates: Float32Array | null;
  readonly hn: Float32Array | null;
  readonly m: Float32Array | null;
  readonly x: Float32Array;
  readonly wIh: Float32Array;
  readonly wHh: Float32Array;
  readonly wHr: Float32Array | null;
}

export type SavedKey = keyof SavedArrays;
const KEYS: readonly SavedKey[] = ['hs', 'cs', 'gates', 'hn', 'm', 'x', 'wIh', 'wHh', 'wHr'];

/**
 * A forward pass's saved state as the pass returns it: a plain object (it crosses to other
 * threads by structured clone), naming an entry of the store of the thread that ran the pass.
 */
export interface SavedHandle {
  readonly savedId: number;
}

export const isSavedHandle = (v: unknown): v is SavedHandle =>
  typeof v === 'object' && v !== null && typeof (v as { savedId?: unknown }).savedId === 'number';

/**
 * A small pass's saved state held in JS arrays instead of a store entry (a differentiable
 * streaming step): the garbage collector frees it as soon as nothing reaches it, with no
 * finalizer to wait for, and its backward drops the arrays at once (`arrays` becomes null).
 */
export interface HeldSave {
  arrays: SavedArrays | null;
}

export const isHeldSave = (v: unknown): v is HeldSave => typeof v === 'object' && v !== null && 'arrays' in v && !('savedId' in v);

/** The error of a second backward through one pass (its saved state is gone). */
export const freedError = (): RecurError =>
  new RecurError(
    'E_FREED',
    'backward through a recurrent pass whose saved state was already freed: each pass can be backpropagated once (as in PyTorch without retain_graph); run the forward pass again',
  );

/** Byte offsets of each part in kernel memory (0: absent), and the block they sit in. */
export type SavedLayout = Readonly<Record<SavedKey, number>>;

interface Entry {
  /** Block in kernel memory, while resident. */
  ptr: number;
  bytes: number;
  layout: SavedLayout;
  sizes: Readonly<Record<SavedKey, number>>;
  /** The parts moved out to JS arrays (evicted), or null while resident. */
  arrays: SavedArrays | null;
  gens: WeightGens | null;
  /** Weight parts read from a pack-cache block's raw bits instead of this block (see `borrow`). */
  borrowed: Borrowed[];
}

/** A weight part whose bits sit in `block` (at block.ptr) until evacuated into the entry. */
interface Borrowed extends Pin {
  readonly key: 'wIh' | 'wHh';
  readonly block: KeptBlock;
  readonly cache: PackCache;
}

/** The pack-cache generations of the saved W_ih and W_hh bits (see PackCache.derived). */
export interface WeightGens {
  readonly wIh: number;
  readonly wHh: number;
}

// Resident saves above this many bytes move out to JS arrays, oldest first: graphs that are
// never backpropagated (and not yet collected) must not grow the kernel memory without bound.
const DEFAULT_BUDGET = 1 << 30;

/**
 * Forward passes that will be backpropagated keep what backward reads where the kernels
 * wrote it, in long-lived blocks of the kernel memory, instead of copying it out into fresh
 * arrays and back in again (fresh memory is slow: page faults). Like PyTorch's saved
 * tensors, an entry is freed once its backward has run; entries whose handle is collected
 * without a backward are freed then.
 */
export class SavedStore {
  private readonly entries = new Map<number, Entry>();
  private nextId = 1;
  private residentBytes = 0;
  private readonly registry = new FinalizationRegistry<number>((id) => this.release(id));

  constructor(
    private readonly arena: Arena,
    private readonly budget: number = DEFAULT_BUDGET,
  ) {}

  /**
   * Reserves a block for parts of `sizes` floats each (0: absent); returns its handle and
   * layout. With `track`, the entry is freed when the handle is garbage-collected; without,
   * only by `release` (a worker's handle lives on in the thread it was sent to).
   */
  keep(sizes: Readonly<Record<SavedKey, number>>, track: boolean): { handle: SavedHandle; layout: SavedLayout; entry: { gens: WeightGens | null } } {
    const offsets = {} as Record<SavedKey, number>;
    let total = 0;
    for (const k of KEYS) {
      offsets[k] = sizes[k] > 0 ? total : -1;
      total += Math.ceil((sizes[k] * 4) / 64) * 64;
    }
    this.evictFor(total);
    const ptr = this.arena.keep(total);
    const layout = {} as Record<SavedKey, number>;
    for (const k of KEYS) layout[k] = offsets[k]! >= 0 ? ptr + offsets[k]! : 0;
    const id = this.nextId++;
    const entry: Entry = { ptr, bytes: total, layout, sizes, arrays: null, gens: null, borrowed: [] };
    this.entries.set(id, entry);
    this.residentBytes += total;
    const handle: SavedHandle = { savedId: id };
    if (track) this.registry.register(handle, id);
    return { handle, layout, entry };
  }

  /**
   * Lets the save of `handle` read its `key` weights from the raw bits of `block` (which
   * hold exactly the weights the pass ran with) instead of a copy of its own: the cache
   * evacuates them into the room the entry reserved before those bits change or go.
   */
  borrow(handle: SavedHandle, key: 'wIh' | 'wHh', cache: PackCache, block: KeptBlock): void {
    const e = this.entries.get(handle.savedId);
    if (!e || e.arrays) throw new RecurError('E_STATE', 'saved store: borrow on an entry that is not resident');
    const b: Borrowed = { key, block, cache, evacuate: () => this.evacuate(e, b) };
    e.borrowed.push(b);
    cache.pin(block, b);
  }

  /** Copies a borrowed part's bits into the room the entry reserved, and drops the borrow (a moved-out entry has them already). */
  private evacuate(e: Entry, b: Borrowed): void {
    const at = e.borrowed.indexOf(b);
    if (at < 0) return;
    e.borrowed.splice(at, 1);
    b.cache.unpin(b.block, b);
    if (e.arrays) return; // moved out: the arrays were filled from the block then
    const f32 = this.arena.f32();
    f32.copyWithin(e.layout[b.key] >> 2, b.block.ptr >> 2, (b.block.ptr >> 2) + e.sizes[b.key]);
  }

  /** The layout with borrowed parts pointing at the blocks that hold them. */
  private current(e: Entry): SavedLayout {
    if (!e.borrowed.length) return e.layout;
    const at = { ...e.layout };
    for (const b of e.borrowed) at[b.key] = b.block.ptr;
    return at;
  }

  /** Drops an entry's borrows (it is freed or moved out). */
  private returnBorrowed(e: Entry): void {
    for (const b of e.borrowed) b.cache.unpin(b.block, b);
    e.borrowed = [];
  }

  /**
   * The saved parts: a layout in kernel memory, or arrays once moved out. Throws when the
   * entry is gone (its backward already ran), naming what to do.
   */
  lookup(handle: SavedHandle): ({ layout: SavedLayout } | { arrays: SavedArrays }) & { gens: WeightGens | null } {
    const e = this.entries.get(handle.savedId);
    if (!e) throw freedError();
    if (e.arrays) return { arrays: e.arrays, gens: e.gens };
    // The blocks lent to this call must stay put until it ends.
    for (const b of e.borrowed) b.cache.touch(b.block);
    return { layout: this.current(e), gens: e.gens };
  }

  /** Frees an entry (no-op when already freed). */
  release(id: number): void {
    const e = this.entries.get(id);
    if (!e) return;
    this.entries.delete(id);
    this.returnBorrowed(e);
    if (!e.arrays) {
      this.arena.release(e.ptr, e.bytes);
      this.residentBytes -= e.bytes;
    }
  }

  /** Entries alive (resident or moved out), for tests. */
  get size(): number {
    return this.entries.size;
  }

  /** Weight parts read from pack-cache blocks rather than copies of their own (tests read it). */
  get borrowedParts(): number {
    let n = 0;
    for (const e of this.entries.values()) n += e.borrowed.length;
    return n;
  }

  /** Bytes of kernel memory held by resident entries. */
  get bytes(): number {
    return this.residentBytes;
  }

  /** Moves the oldest resident entries out to JS arrays until `bytes` more fit the budget. */
  private evictFor(bytes: number): void {
    if (this.residentBytes + bytes <= this.budget) return;
    const view = this.arena.f32();
    for (const e of this.entries.values()) {
      if (this.residentBytes + bytes <= this.budget) break;
      if (e.arrays) continue;
      const at = this.current(e);
      const part = (k: SavedKey): Float32Array | null => (at[k] ? view.slice(at[k] >> 2, (at[k] >> 2) + e.sizes[k]) : null);
      e.arrays = {
        hs: part('hs')!,
        cs: part('cs'),
        gates: part('gates'),
        hn: part('hn'),
        m: part('m'),
        x: part('x') ?? new Float32Array(0),
        wIh: part('wIh') ?? new Float32Array(0),
        wHh: part('wHh') ?? new Float32Array(0),
        wHr: part('wHr'),
      };
      this.returnBorrowed(e);
      this.arena.release(e.ptr, e.bytes);
      this.residentBytes -= e.bytes;
    }
  }
}
