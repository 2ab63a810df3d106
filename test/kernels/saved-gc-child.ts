// Run by saved-gc.test.ts under `node --expose-gc`: drops graphs without a backward and
// reports what the garbage collector let go of. Prints one JSON line.
import { setBackend } from '../../src/kernels/backend.js';
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
console.log(JSON.stringify({ liveWhileHeld, liveAfterDrop, stepSavesAlive, storeAfterSteps: single.saved.size }));
