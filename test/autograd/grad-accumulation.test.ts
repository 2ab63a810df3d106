// Gradients of recurrent passes accumulate as PyTorch's do: a second backward adds to .grad,
// and no two tensors ever share one gradient array (the first gradient of a tensor is the
// pass's own fresh array, taken over rather than copied).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsBackend } from '../../src/kernels/js/index.js';
import { wasmBackendSync } from '../../src/kernels/wasm/index.js';
import { DEFAULT_POLICY } from '../../src/kernels/wasm/threads/plan.js';
import { getBackend, gru, lstm, setBackend, Tensor, weightedSum, type Backend } from '../../src/index.js';

const wasm = wasmBackendSync()!;

const setups: { name: string; backend: Backend; threads?: number }[] = [
  { name: 'js', backend: jsBackend },
  { name: 'wasm, 1 thread', backend: wasm, threads: 1 },
  { name: 'wasm, batch split on 2 threads', backend: wasm, threads: 2 },
];

for (const { name, backend, threads } of setups) {
  test(`recurrent gradients accumulate over two backwards and are never shared (${name})`, () => {
    const before = getBackend();
    const beforeThreads = wasm.threads;
    setBackend(backend);
    if (threads) wasm.setThreads(threads, { minWork: 0, minRows: 1 });
    try {
      for (const layer of [lstm({ inputSize: 3, hiddenSize: 5, numLayers: 2, seed: 3 }), gru({ inputSize: 3, hiddenSize: 5, bidirectional: true, seed: 4 })]) {
        const x = new Tensor(Float32Array.from({ length: 6 * 4 * 3 }, (_, i) => Math.cos(i * 0.7)), [6, 4, 3], { requiresGrad: true });
        const initial = layer.zeroState(4) as unknown as Record<string, Tensor>;
        const state = Object.fromEntries(Object.entries(initial).map(([k, z]) => [k, new Tensor(Float32Array.from({ length: z.size }, (_, i) => Math.sin(i + k.length)), z.shape, { requiresGrad: true })]));
        const weightsOf = (k: number) => Float32Array.from({ length: 6 * 4 * 5 * layer.numDirections }, (_, i) => Math.sin(i * 1.3 + k));
        const tensors = () => [...Object.values(layer.stateDict()), x, ...Object.values(state)];
        const run = (k: number) => {
          weightedSum(layer.forward(x, state as never).output, weightsOf(k)).backward();
          return tensors().map((t) => Float32Array.from(t.grad!));
        };
        const zero = () => tensors().forEach((t) => (t.grad = null));
        const first = run(1);
        const arrays = tensors().map((t) => t.grad!);
        assert.equal(new Set(arrays).size, arrays.length, 'every tensor has a gradient array of its own');
        zero();
        const second = run(2);
        zero();
        run(1);
        const both = run(2); // accumulated onto the first: a backend reusing its arrays would give 2x the second
        tensors().forEach((_, k) => {
          both[k]!.forEach((v, i) => {
            const want = first[k]![i]! + second[k]![i]!;
            assert.ok(Math.abs(v - want) <= 1e-6 * (1 + Math.abs(want)), `${name}: element ${i} of tensor ${k}: ${v} vs ${want}`);
          });
        });
      }
    } finally {
      setBackend(before);
      if (threads) {
        wasm.setThreads(1);
        wasm.setThreads(beforeThreads, DEFAULT_POLICY);
      }
    }
  });
}
