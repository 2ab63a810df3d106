// Gradients of recurrent passes accumulate as PyTorch's do: a second backward adds to .grad,
// and no two tensors ever share one gradient array (the first gradient of a tensor is the
// pass's own fresh array, taken over rather than copied).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsBackend } from '../../src/kernels/js/index.js';
import { wasmBackendSync } from '../../src/kernels/wasm/index.js';
import { DEFAULT_POLICY } from '../../src/kernels/wasm/threads/threaded.js';
import { clipGradNorm, getBackend, gru, lstm, setBackend, Tensor, weightedSum, type Backend } from '../../src/index.js';

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
        const zero = layer.zeroState(4) as unknown as Record<string, Tensor>;
        const state = Object.fromEntries(Object.entries(zero).map(([k, z]) => [k, new Tensor(Float32Array.from({ length: z.size }, (_, i) => Math.sin(i + k.length)), z.shape, { requiresGrad: true })]));
        const weights = Float32Array.from({ length: 6 * 4 * 5 * (layer.numDirections) }, (_, i) => Math.sin(i * 1.3));
        const run = () => weightedSum(layer.forward(x, state as never).output, weights).backward();
        run();
        const params = Object.values(layer.stateDict());
        const first = [...params, x, ...Object.values(state)].map((t) => Float32Array.from(t.grad!));
        const arrays = [...params, x, ...Object.values(state)].map((t) => t.grad!);
        assert.equal(new Set(arrays).size, arrays.length, 'every tensor has a gradient array of its own');
        // Clipping scales each array once: a shared array would be scaled twice.
        clipGradNorm([...params, x, ...Object.values(state)], 1e-3);
        const norm = Math.hypot(...arrays.flatMap((g) => [...g]));
        assert.ok(Math.abs(norm - 1e-3) < 1e-6, `clipped norm ${norm}`);
        for (const t of [...params, x, ...Object.values(state)]) t.grad = null;
        run();
        run();
        [...params, x, ...Object.values(state)].forEach((t, k) => {
          const twice = first[k]!.map((v) => 2 * v);
          t.grad!.forEach((v, i) => assert.ok(Math.abs(v - twice[i]!) <= 1e-6 * (1 + Math.abs(twice[i]!)), `${name}: element ${i} of tensor ${k}: ${v} vs ${twice[i]}`));
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
