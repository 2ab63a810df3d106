import { OptionError } from '../../errors.js';
import type { StepKernel, StepKernelOptions } from '../types.js';
import { gateCount } from '../types.js';
import type { Arena } from './arena.js';
import { callForward, foldedInputBias, packedFloats, recurrentBias, round16 } from './calls.js';
import type { KernelExports } from './module.js';
import type { HeldSave, SavedArrays } from './saved.js';

// A kernel dropped without dispose() still returns its memory once collected.
const released = new FinalizationRegistry<() => void>((free) => free());

/** See `Backend.prepareStep`: the packed weights and every buffer live in one kept block. */
export function prepareStepKernel(k: KernelExports, arena: Arena, o: StepKernelOptions): StepKernel {
  const { mode, batch: B, inputSize: I, hiddenSize: H, outSize: P, weights: w } = o;
  if (![B, I, H, P].every((n) => Number.isInteger(n) && n >= 1)) {
    throw new OptionError(`prepareStep: batch, inputSize, hiddenSize and outSize must be integers >= 1, got ${B}, ${I}, ${H}, ${P}`);
  }
  const G = gateCount(mode) * H;
  const lstm = mode === 'lstm';
  const proj = lstm && w.wHr !== null;
  const gru = mode === 'gru';

  // One long-lived block, carved into the pieces below (offsets in floats).
  const sizes = {
    wih: packedFloats(I, G), bias: round16(G), whh: packedFloats(P, G), bhh: gru ? round16(G) : 0,
    whr: proj ? packedFloats(H, P) : 0, x: B * I, xg: B * G, hs: 2 * B * P, cs: lstm ? 2 * B * H : 0,
    gates: B * G, hn: gru ? B * H : 0, y: B * P, hg: B * G, mb: proj ? B * H : 0, pb: proj ? B * P : 0,
    m: proj ? B * H : 0,
  };
  const off: Record<string, number> = {};
  let total = 0;
  for (const [name, n] of Object.entries(sizes)) {
    off[name] = total;
    total += round16(n);
  }
  const bytes = total * 4;
  const base = arena.keep(bytes);
  const at = (name: string): number => (sizes[name as keyof typeof sizes] ? base + off[name]! * 4 : 0);
  let live = true;
  const free = () => {
    if (live) arena.release(base, bytes);
    live = false;
  };

  // The weights `stepSaved` hands to backward: copied at the first such step after a refresh
  // (the values packed then; the kernel's contract is that they do not change in between).
  let weightsCopy: Pick<SavedArrays, 'wIh' | 'wHh' | 'wHr'> | null = null;
  const run = (x: Float32Array, h: Float32Array, c: Float32Array | null, save: boolean): Float32Array => {
    if (!live) throw new OptionError('StepKernel.step: the kernel was disposed');
    const mem = arena.f32();
    const hs = at('hs') >> 2;
    const cs = at('cs') >> 2;
    mem.set(x.subarray(0, B * I), at('x') >> 2);
    mem.set(h.subarray(0, B * P), hs);
    if (lstm) {
      if (c) mem.set(c.subarray(0, B * H), cs);
      else mem.fill(0, cs, cs + B * H);
    }
    k.gemm(at('x'), I, B, I, at('wih'), G, at('xg'), G, at('bias'), 0);
    // Saving, T = 1: gates, hn and m hold this step's rows, as a sequence pass keeps them.
    callForward(k, {
      mode, T: 1, B, H, P, xg: at('xg'), whhPacked: at('whh'), bhh: at('bhh'), whrPacked: at('whr'),
      hs: at('hs'), cs: at('cs'), gates: at('gates'), hn: at('hn'), m: save ? at('m') : 0, save,
      y: at('y'), lengths: 0, reverse: false, hg: at('hg'), mb: at('mb'), pb: at('pb'), hiddenMask: 0, maskedH: 0,
    });
    return mem;
  };
  const publish = (mem: Float32Array, hOut: Float32Array, cOut: Float32Array | null): void => {
    const hs = at('hs') >> 2;
    const cs = at('cs') >> 2;
    hOut.set(mem.subarray(hs + B * P, hs + 2 * B * P));
    if (cOut && lstm) cOut.set(mem.subarray(cs + B * H, cs + 2 * B * H));
  };

  const kernel: StepKernel = {
    refresh() {
      weightsCopy = null;
      arena.begin();
      const pWih = arena.take(G * I);
      const pWhh = arena.take(G * P);
      const pWhr = proj ? arena.take(P * H) : 0;
      const mem = arena.commit();
      mem.set(w.wIh, pWih >> 2);
      mem.set(w.wHh, pWhh >> 2);
      if (proj) mem.set(w.wHr!, pWhr >> 2);
      // Zeros stand for a missing bias: the block is reused from one refresh to the next.
      const fill = (ptr: number, values: Float32Array | null): void => {
        if (values) mem.set(values, ptr >> 2);
        else mem.fill(0, ptr >> 2, (ptr >> 2) + G);
      };
      fill(at('bias'), foldedInputBias(mode, w.bIh, w.bHh));
      if (gru) fill(at('bhh'), recurrentBias(mode, w.bHh));
      k.pack(pWih, 1, I, I, G, at('wih'));
      k.pack(pWhh, 1, P, P, G, at('whh'));
      if (proj) k.pack(pWhr, 1, H, H, P, at('whr'));
    },
    step(x, h, c, hOut, cOut) {
      publish(run(x, h, c, false), hOut, cOut);
    },
    stepSaved(x, h, c, hOut, cOut): HeldSave {
      const mem = run(x, h, c, true);
      // Small copies (the states, gates and x of one step) the garbage collector owns.
      const part = (name: string, n: number): Float32Array | null => (at(name) ? mem.slice(at(name) >> 2, (at(name) >> 2) + n) : null);
      weightsCopy ??= { wIh: w.wIh.slice(), wHh: w.wHh.slice(), wHr: proj ? w.wHr!.slice() : null };
      const arrays: SavedArrays = {
        hs: part('hs', 2 * B * P)!, cs: part('cs', 2 * B * H), gates: mode === 'lstm' || gru ? part('gates', B * G) : null,
        hn: part('hn', B * H), m: part('m', B * H), x: part('x', B * I)!, ...weightsCopy,
      };
      publish(mem, hOut, cOut);
      return { arrays };
    },
    dispose() {
      released.unregister(kernel);
      free();
    },
  };
  released.register(kernel, free, kernel);
  kernel.refresh();
  return kernel;
}
