// zeroGrad with PyTorch 1.13's semantics: gradients are zeroed in place (the same arrays),
// backward adds into the existing arrays (the recurrent kernels through `accumulateInto`),
// and two backwards equal one backward of the summed loss.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsBackend } from '../../src/kernels/js/index.js';
import { wasmBackendSync } from '../../src/kernels/wasm/index.js';
import { DEFAULT_POLICY } from '../../src/kernels/wasm/threads/plan.js';
import { addScalars } from '../../src/autograd/ops.js';
import { adam, getBackend, gru, lstm, OptionError, setBackend, sgd, Tensor, weightedSum, type Backend, type RecurrentLayer } from '../../src/index.js';

const wasm = wasmBackendSync()!;

const setups: { name: string; backend: Backend; threads?: number }[] = [
  { name: 'js', backend: jsBackend },
  { name: 'wasm, 1 thread', backend: wasm, threads: 1 },
  { name: 'wasm, batch split on 2 threads', backend: wasm, threads: 2 },
];

function onBackend(backend: Backend, threads: number | undefined, body: () => void): void {
  const before = getBackend();
  const beforeThreads = wasm.threads;
  setBackend(backend);
  if (threads) wasm.setThreads(threads, { minWork: 0, minRows: 1 });
  try {
    body();
  } finally {
    setBackend(before);
    if (threads) {
      wasm.setThreads(1);
      wasm.setThreads(beforeThreads, DEFAULT_POLICY);
    }
  }
}

// Small layers, and W7's shape (the GEMMs' blocked accumulation: 1024 gate rows > one block).
const layers: Record<string, () => RecurrentLayer> = {
  'lstm 2 layers': () => lstm({ inputSize: 3, hiddenSize: 5, numLayers: 2, seed: 3 }),
  'lstm projected': () => lstm({ inputSize: 3, hiddenSize: 6, projSize: 4, seed: 8 }),
  'gru bidirectional': () => gru({ inputSize: 3, hiddenSize: 5, bidirectional: true, seed: 4 }),
  'lstm 64->256': () => lstm({ inputSize: 64, hiddenSize: 256, seed: 42 }),
};

const input = (T: number, B: number, I: number, k: number) => new Tensor(Float32Array.from({ length: T * B * I }, (_, i) => Math.cos(i * 0.7 + k)), [T, B, I]);
const lossOf = (layer: RecurrentLayer, x: Tensor, k: number): Tensor => {
  const y = layer.forward(x).output;
  return weightedSum(y, Float32Array.from({ length: y.size }, (_, i) => Math.sin(i * 1.3 + k)));
};

for (const { name, backend, threads } of setups) {
  for (const [kind, make] of Object.entries(layers)) {
    test(`two backwards after an in-place zeroGrad equal one backward of the summed loss (${kind}, ${name})`, () => {
      onBackend(backend, threads, () => {
        const layer = make();
        const I = layer.parameters()[0]!.shape[1]!;
        const [T, B] = kind === 'lstm 64->256' ? [2, 3] : [5, 4];
        const x1 = input(T, B, I, 1);
        const x2 = input(T, B, I, 2);
        // Reference: one backward of loss1 + loss2, from no gradient at all.
        layer.zeroGrad({ setToNone: true });
        addScalars([lossOf(layer, x1, 1), lossOf(layer, x2, 2)]).backward();
        const want = layer.parameters().map((p) => p.grad!.slice());

        // A first step leaves gradients behind; zeroGrad zeroes those very arrays.
        const arrays = layer.parameters().map((p) => p.grad!);
        layer.zeroGrad();
        layer.parameters().forEach((p, k) => {
          assert.equal(p.grad, arrays[k], `${kind}: parameter ${k} keeps its gradient array`);
          assert.ok(p.grad!.every((v) => v === 0), `${kind}: parameter ${k} zeroed`);
        });
        lossOf(layer, x1, 1).backward();
        const firstOnly = layer.parameters().map((p) => p.grad!.slice());
        lossOf(layer, x2, 2).backward();
        layer.parameters().forEach((p, k) => {
          assert.equal(p.grad, arrays[k], `${kind}: backward added into parameter ${k}'s array`);
          assert.ok(firstOnly[k]!.some((v, i) => v !== p.grad![i]), `${kind}: the second backward changed parameter ${k}'s gradient`);
          const w = want[k]!;
          p.grad!.forEach((v, i) => {
            assert.ok(Math.abs(v - w[i]!) <= 1e-5 * (1 + Math.abs(w[i]!)), `${kind} ${name}: parameter ${k}[${i}]: ${v} vs ${w[i]}`);
          });
        });
      });
    });
  }

  test(`a backward into zeroed arrays gives the bits of a backward into fresh ones (${name})`, () => {
    onBackend(backend, threads, () => {
      const layer = lstm({ inputSize: 64, hiddenSize: 256, seed: 42 });
      const x = input(1, 1, 64, 3);
      layer.zeroGrad({ setToNone: true });
      lossOf(layer, x, 3).backward();
      const fresh = layer.parameters().map((p) => p.grad!.slice());
      lossOf(layer, x, 5).backward(); // something else to zero
      layer.zeroGrad();
      lossOf(layer, x, 3).backward();
      layer.parameters().forEach((p, k) => assert.deepEqual(p.grad, fresh[k], `parameter ${k}`));
    });
  });
}

test('zeroGrad: in place by default, null with setToNone, for modules and optimisers; bad options are named', () => {
  const a = new Tensor([1, 2], [2], { requiresGrad: true });
  const b = new Tensor([3], [1], { requiresGrad: true });
  for (const opt of [sgd([a, b], { lr: 0.1 }), adam([a, b], { lr: 0.1 })]) {
    const ga = new Float32Array([2, -2]);
    a.grad = ga;
    b.grad = null;
    opt.zeroGrad();
    assert.equal(a.grad, ga, `${opt.kind}: same array`);
    assert.deepEqual(a.grad, new Float32Array([0, 0]));
    assert.equal(b.grad, null, `${opt.kind}: a missing gradient stays missing`);
    opt.zeroGrad({ setToNone: true });
    assert.equal(a.grad, null);
    assert.throws(() => opt.zeroGrad({ setToNone: 1 as never }), (e: unknown) => e instanceof OptionError && /setToNone must be true or false/.test(e.message));
    assert.throws(() => opt.zeroGrad({ setToZero: true } as never), (e: unknown) => e instanceof OptionError && /unknown option 'setToZero'/.test(e.message));
  }
  const layer = lstm({ inputSize: 2, hiddenSize: 3, seed: 1 });
  assert.throws(() => layer.zeroGrad({ toNone: true } as never), (e: unknown) => e instanceof OptionError && /Module\.zeroGrad: unknown option 'toNone'/.test(e.message));
});
