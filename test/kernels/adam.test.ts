// The WASM Adam update (float32 SIMD, as PyTorch's CPU Adam) against the reference update
// (double arithmetic, float32 storage): equal to float32 rounding over many steps, tails
// included, and the optimiser runs it for large parameters on the WASM backend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adamStep } from '../../src/kernels/js/adam.js';
import { singleThreadBackend } from '../../src/kernels/wasm/single.js';
import { adam, getBackend, setBackend, Tensor } from '../../src/index.js';
import { assertClose, seeded } from './helpers.js';

function run(step: typeof adamStep, n: number, steps: number, beta2 = 0.999): { p: Float32Array; m: Float32Array; v: Float32Array } {
  const r = seeded(17);
  const p = Float32Array.from({ length: n }, () => r(1));
  const m = new Float32Array(n);
  const v = new Float32Array(n);
  for (let t = 1; t <= steps; t++) {
    // Gradients of mixed scale, with exact zeros, so sqrt(v) + eps is exercised near 0.
    const g = Float32Array.from({ length: n }, (_, i) => (i % 97 === 0 ? 0 : r(i % 5 === 0 ? 1e-3 : 2)));
    step(p, g, m, v, { beta1: 0.9, beta2, eps: 1e-8, stepSize: 2e-3 / (1 - 0.9 ** t), bc2Sqrt: Math.sqrt(1 - beta2 ** t) });
  }
  return { p, m, v };
}

test('WASM Adam matches the reference update to float32 rounding', () => {
  const wasm = singleThreadBackend()!;
  assert.ok(wasm.adamStep);
  // beta2 near 1: 1 - beta2 must not be taken after rounding beta2 to float32.
  for (const [n, beta2] of [[4096, 0.999], [10001, 0.999], [4099, 0.99999]] as const) {
    const want = run(adamStep, n, 25, beta2);
    const got = run(wasm.adamStep!, n, 25, beta2);
    assertClose(`n ${n} beta2 ${beta2} p`, got.p, want.p, 1e-6);
    assertClose(`n ${n} beta2 ${beta2} m`, got.m, want.m, 1e-6);
    assertClose(`n ${n} beta2 ${beta2} v`, got.v, want.v, 1e-6);
    // The parameters moved, or the comparison proves nothing.
    const start = run(adamStep, n, 0).p;
    assert.ok(got.p.some((x, i) => Math.abs(x - start[i]!) > 1e-2));
  }
});

test('the optimiser takes the backend Adam for large parameters', () => {
  const previous = getBackend();
  try {
    const results: Float32Array[] = [];
    for (const backend of ['wasm', 'js']) {
      setBackend(backend);
      const w = new Tensor(Float32Array.from({ length: 5000 }, (_, i) => Math.sin(i)), [5000]);
      w.requiresGrad = true;
      const opt = adam([w], { lr: 1e-2 });
      for (let s = 0; s < 5; s++) {
        w.grad = Float32Array.from({ length: 5000 }, (_, i) => Math.cos(i * (s + 1)));
        opt.step();
      }
      results.push(w.data.slice());
    }
    assertClose('wasm vs js', results[0]!, results[1]!, 1e-6);
    // Not bit-identical: the WASM update really ran (float32 arithmetic, not the reference).
    assert.ok(results[0]!.some((x, i) => x !== results[1]![i]), 'the backends computed the same bits: the WASM kernel did not run');
  } finally {
    setBackend(previous);
  }
});
