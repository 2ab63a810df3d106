import type { Arena } from './arena.js';
import { packedFloats } from './forward.js';
import type { KernelExports } from './module.js';

/**
 * Packed weight panels kept between calls. Inference calls the same layer again and again
 * with the same weights, and packing W_hh costs as much as several time steps at batch 1
 * (0.55 ms for hidden 256, against ~25 us a step). An entry keeps the weights' bits next to
 * their panels: a call copies the weights in as before, compares them in SIMD (~20 us per
 * MB) and packs only when they changed, so weights edited in place are always seen.
 *
 * Entries are keyed by the weight array and packing, freed when the array is collected,
 * and the least recently used go past a budget.
 */
export interface PackEntry {
  /** How `refresh` packs: a K x N operand with strides (ks, ns). */
  readonly ks: number;
  readonly ns: number;
  readonly K: number;
  readonly N: number;
  readonly raw: number;
  readonly packed: number;
  readonly floats: number;
  readonly bytes: number;
  /** The panels hold the bits at `raw` packed. */
  valid: boolean;
  /** Its memory went back to the arena (evicted, or the array was collected). */
  freed: boolean;
  lastUsed: number;
}

interface Keyed {
  readonly config: string;
  readonly entry: PackEntry;
}

const BUDGET = 256 << 20;

export class PackCache {
  private readonly byArray = new WeakMap<Float32Array, Keyed[]>();
  private readonly live = new Set<PackEntry>();
  private bytes = 0;
  private epoch = 0;
  /** Calls that reused panels, and that packed (tests read them). */
  hits = 0;
  misses = 0;
  private readonly registry = new FinalizationRegistry<Keyed[]>((list) => list.forEach((x) => this.free(x.entry)));

  constructor(
    private readonly k: KernelExports,
    private readonly arena: Arena,
    private readonly budget = BUDGET,
  ) {}

  /** Starts a call: entries reserved from now on are not evicted until the next call. */
  beginCall(): void {
    this.epoch++;
  }

  /**
   * The entry for `weights` packed as a K x N operand with strides (ks, ns). Call before
   * the call's scratch is taken (it may take kernel memory); fill it with `refresh`.
   */
  reserve(weights: Float32Array, ks: number, ns: number, K: number, N: number): PackEntry {
    const config = `${ks},${ns},${K},${N}`;
    let list = this.byArray.get(weights);
    if (!list) {
      list = [];
      this.byArray.set(weights, list);
      this.registry.register(weights, list);
    }
    const at = list.findIndex((x) => x.config === config);
    if (at >= 0 && !list[at]!.entry.freed) {
      list[at]!.entry.lastUsed = this.epoch;
      return list[at]!.entry;
    }
    if (at >= 0) list.splice(at, 1);
    const floats = K * N;
    const rawBytes = Math.ceil(floats / 16) * 64;
    const bytes = rawBytes + packedFloats(K, N) * 4;
    this.evictFor(bytes);
    const raw = this.arena.keep(bytes);
    const entry: PackEntry = { ks, ns, K, N, raw, packed: raw + rawBytes, floats, bytes, valid: false, freed: false, lastUsed: this.epoch };
    this.live.add(entry);
    this.bytes += bytes;
    list.push({ config, entry });
    return entry;
  }

  /**
   * The packed panels of the weights now at byte offset `src` (copied in by the caller):
   * reused when their bits match the entry's, else packed again.
   */
  refresh(e: PackEntry, src: number): number {
    if (e.valid && this.k.sameBits(src, e.raw, e.floats) === 1) {
      this.hits++;
      return e.packed;
    }
    this.misses++;
    this.k.pack(src, e.ks, e.ns, e.K, e.N, e.packed);
    this.arena.f32().copyWithin(e.raw >> 2, src >> 2, (src >> 2) + e.floats);
    e.valid = true;
    return e.packed;
  }

  private free(e: PackEntry): void {
    if (e.freed) return;
    e.freed = true;
    e.valid = false;
    this.live.delete(e);
    this.arena.release(e.raw, e.bytes);
    this.bytes -= e.bytes;
  }

  /** Frees least recently used entries (never one reserved in this call) until `bytes` fit. */
  private evictFor(bytes: number): void {
    if (this.bytes + bytes <= this.budget) return;
    const old = [...this.live].filter((e) => e.lastUsed < this.epoch).sort((a, b) => a.lastUsed - b.lastUsed);
    for (const e of old) {
      if (this.bytes + bytes <= this.budget) break;
      this.free(e);
    }
  }
}
