import { RecurError } from '../../errors.js';
import type { KernelInstance } from './module.js';

/** Start of the region JS manages; below it sit the module's static data (1 KB up). */
const BASE = 4096;
const ALIGN = 64;
// Slack after the last block: kernels may read a bias up to the next multiple of 16 floats.
const TAIL = 128;

const align = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

/**
 * One growable memory, reused by every call. Long-lived blocks (a streaming kernel's packed
 * weights) are taken from the bottom with a first-fit free list; each call's scratch sits
 * above them and is simply reset at the start of the next call (calls never overlap).
 */
export class Arena {
  private top = BASE;
  private free: { ptr: number; bytes: number }[] = [];
  private cursor = BASE;
  private view: Float32Array;

  constructor(private readonly inst: Pick<KernelInstance, 'memory'>) {
    this.view = new Float32Array(inst.memory.buffer);
  }

  /** A long-lived block of `bytes`, until `release`. */
  keep(bytes: number): number {
    const size = align(bytes);
    const i = this.free.findIndex((f) => f.bytes >= size);
    if (i >= 0) {
      const f = this.free[i]!;
      this.free.splice(i, 1);
      if (f.bytes > size) this.free.push({ ptr: f.ptr + size, bytes: f.bytes - size });
      return f.ptr;
    }
    const ptr = this.top;
    this.top += size;
    this.ensure(this.top);
    return ptr;
  }

  release(ptr: number, bytes: number): void {
    const size = align(bytes);
    if (ptr + size === this.top) this.top = ptr;
    else this.free.push({ ptr, bytes: size });
    // Fold free blocks that now touch the top back into it.
    let folded = true;
    while (folded) {
      const i = this.free.findIndex((f) => f.ptr + f.bytes === this.top);
      folded = i >= 0;
      if (folded) this.top = this.free.splice(i, 1)[0]!.ptr;
    }
  }

  /** Starts a call: forgets the previous call's scratch. */
  begin(): void {
    this.cursor = this.top;
  }

  /** Scratch for `floats` 4-byte values in this call; returns a byte offset. Call `commit` before use. */
  take(floats: number): number {
    const ptr = this.cursor;
    this.cursor += align(floats * 4);
    return ptr;
  }

  /** Grows the memory to cover everything taken; returns a float view valid until the next growth. */
  commit(): Float32Array {
    this.ensure(this.cursor);
    return this.f32();
  }

  /** A float view on the current memory buffer (re-made when growth detached the old one). */
  f32(): Float32Array {
    if (this.view.buffer !== this.inst.memory.buffer || this.view.byteLength === 0) {
      this.view = new Float32Array(this.inst.memory.buffer);
    }
    return this.view;
  }

  /** Copies int32 values into memory at byte offset `ptr`. */
  setInt32(ptr: number, values: Int32Array): void {
    new Int32Array(this.inst.memory.buffer, ptr, values.length).set(values);
  }

  private ensure(end: number): void {
    const need = end + TAIL;
    const have = this.inst.memory.buffer.byteLength;
    if (need <= have) return;
    try {
      this.inst.memory.grow(Math.ceil((need - have) / 65536));
    } catch {
      // WebAssembly memories stop at 4 GB (less in some browsers).
      throw new RecurError('E_MEMORY', `wasm backend: cannot grow kernel memory to ${Math.ceil(need / 2 ** 20)} MB; use a smaller batch or sequence, or setBackend('js')`);
    }
  }
}
