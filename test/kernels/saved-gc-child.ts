// Run by saved-gc.test.ts under `node --expose-gc`: drops graphs without a backward and
// reports what the garbage collector let go of. Prints one JSON line.
import { setBackend } from '../../src/kernels/backend.js';
import { jsBackend } from '../../src/kernels/js/index.js';
import { singleThreadBackend } from '../../src/kernels/wasm/single.js';
import { lstm } from '../../src/nn/layers/factories.js';
import { Tensor } from '../../src/tensor/tensor.js';

const gc = (globalThis as { gc?: () => void }).gc!;
const single = singleThreadBackend()!;
setBackend(single);
const layer = lstm({ inputSize: 4, hiddenSize: 16, seed: 1 });
const settle = async (): Promise<void> => {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 10));
  }
};

// Sequence passes with gradients, never backpropagated: kept in the store until collected.
let outs: Tensor[] = [];
for (let i = 0; i < 5; i++) outs.push(layer.forward(new Tensor(new Float32Array(3 * 2 * 4).fill(i / 10), [3, 2, 4])).output);
const liveWhileHeld = single.saved.size;
outs = [];
await settle();
const liveAfterDrop = single.saved.size;

// Differentiable steps: their saves are JS arrays only the graph reaches.
const refs: WeakRef<object>[] = [];
const kernel = single.prepareStep({ mode: 'lstm', batch: 1, inputSize: 4, hiddenSize: 16, outSize: 16, weights: { wIh: layer.parameters()[0]!.data, wHh: layer.parameters()[1]!.data, bIh: null, bHh: null, wHr: null } });
(() => {
  const h = new Float32Array(16);
  const c = new Float32Array(16);
  for (let t = 0; t < 100; t++) refs.push(new WeakRef(kernel.stepSaved!(new Float32Array(4).fill(t / 100), h, c, h, c) as object));
})();
await settle();
const stepSavesAlive = refs.filter((r) => r.deref() !== undefined).length;
// A save that borrowed the pack cache's copy of its weights (pack-cache.ts) outlives the
// weight arrays: collecting them frees the cache blocks, which first copies the bits into
// the save, so its backward still gives the gradients of the weights it ran with.
const G = 4 * 16;
const fill = (n: number, s: number): Float32Array => Float32Array.from({ length: n }, (_, i) => Math.sin(i * s) * 0.3);
const base = {
  mode: 'lstm' as const, dims: { T: 3, B: 2, I: 4, H: 16, P: 16 }, x: fill(3 * 2 * 4, 0.7), h0: fill(2 * 16, 0.3), c0: fill(2 * 16, 0.5),
  lengths: null, reverse: false, saveForBackward: true, trace: false,
};
const kept = { wIh: fill(G * 4, 1.1), wHh: fill(G * 16, 1.3), bIh: fill(G, 1.7), bHh: fill(G, 1.9), wHr: null };
const backwardOf = (result: ReturnType<typeof single.sequenceForward>) =>
  single.sequenceBackward({ forward: { ...base, weights: kept }, result, dy: fill(3 * 2 * 16, 0.9), dhN: null, dcN: null, stepGrads: false });
let borrowedWhileAlive = -1;
const borrowing = (() => {
  const weights = { wIh: kept.wIh.slice(), wHh: kept.wHh.slice(), bIh: kept.bIh.slice(), bHh: kept.bHh.slice(), wHr: null };
  // A save of other weights first, backpropagated: the room the borrowing save gets holds
  // wrong bits unless the evacuation really copies into it.
  backwardOf(single.sequenceForward({ ...base, weights: { ...weights, wIh: weights.wIh.map((v) => -v), wHh: weights.wHh.map((v) => 2 * v) } }));
  single.sequenceForward({ ...base, weights, saveForBackward: false });
  const r = single.sequenceForward({ ...base, weights });
  borrowedWhileAlive = single.saved.borrowedParts;
  return r;
})();
await settle();
const borrowedAfterCollect = single.saved.borrowedParts;
const got = backwardOf(borrowing);
const want = jsBackend.sequenceBackward({ forward: { ...base, weights: kept }, result: jsBackend.sequenceForward({ ...base, weights: kept }), dy: fill(3 * 2 * 16, 0.9), dhN: null, dcN: null, stepGrads: false });
const gradError = Math.max(...(['dWHh', 'dWIh', 'dx'] as const).map((k) => Math.max(...got[k]!.map((v, i) => Math.abs(v - want[k]![i]!)))));

console.log(JSON.stringify({ liveWhileHeld, liveAfterDrop, stepSavesAlive, storeAfterSteps: single.saved.size, borrowedWhileAlive, borrowedAfterCollect, gradError }));
