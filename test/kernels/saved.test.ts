// Saved state of WASM passes: kept in kernel memory between forward and backward, freed by
// backward (as PyTorch frees saved tensors), moved out to JS arrays past a memory budget,
// and never silently wrong when a pass is backpropagated twice or its workers are gone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SequenceBackwardArgs, SequenceForwardArgs, SequenceForwardResult } from '../../src/kernels/types.js';
import { singleThreadBackend } from '../../src/kernels/wasm/single.js';
import { wasmBackendSync } from '../../src/kernels/wasm/index.js';
import { DEFAULT_POLICY } from '../../src/kernels/wasm/threads/plan.js';
import { GRAD_KEYS, makeArgs, type CaseSpec } from './helpers.js';

const spec = (seed: number, mode: CaseSpec['mode'] = 'lstm', proj = 0): CaseSpec => ({ mode, T: 5, B: 4, I: 3, H: 16, proj, bias: true, lengths: true, reverse: seed % 2 === 1, seed });

const backwardArgs = (forward: SequenceForwardArgs, result: SequenceForwardResult): SequenceBackwardArgs => {
  const { T, B, P } = forward.dims;
  return { forward, result, dy: Float32Array.from({ length: T * B * P }, (_, i) => Math.sin(i)), dhN: null, dcN: null, stepGrads: true };
};

test('a save lives from forward to backward, then is freed; a second backward says so', () => {
  const wasm = singleThreadBackend()!;
  const args = makeArgs(spec(1));
  const r = wasm.sequenceForward(args);
  assert.equal(wasm.saved.size, 1);
  assert.ok(wasm.saved.bytes > 0);
  wasm.sequenceBackward(backwardArgs(args, r));
  assert.equal(wasm.saved.size, 0, 'freed by backward');
  assert.equal(wasm.saved.bytes, 0);
  assert.throws(() => wasm.sequenceBackward(backwardArgs(args, r)), /already freed: each pass can be backpropagated once .* run the forward pass again/);
  // Inference saves nothing.
  wasm.sequenceForward(makeArgs(spec(2), false, false));
  assert.equal(wasm.saved.size, 0);
});

test('past the budget the oldest saves move out to JS arrays, with the same gradients', () => {
  const roomy = singleThreadBackend()!;
  const tight = singleThreadBackend(undefined, { savedBudget: 1 })!;
  for (const [mode, proj] of [['lstm', 0], ['lstm', 7], ['gru', 0], ['rnn_tanh', 0]] as const) {
    const cases = [0, 1, 2].map((i) => makeArgs(spec(10 + i, mode, proj)));
    const want = cases.map((a) => roomy.sequenceForward(a));
    const got = cases.map((a) => tight.sequenceForward(a));
    assert.equal(tight.saved.size, 3, 'all three alive');
    assert.equal(tight.saved.bytes * 3, roomy.saved.bytes, 'only the newest (same-sized) save is resident');
    // Backward in any order: moved-out and resident saves alike.
    for (const i of [1, 0, 2]) {
      const g = tight.sequenceBackward(backwardArgs(cases[i]!, got[i]!));
      const w = roomy.sequenceBackward(backwardArgs(cases[i]!, want[i]!));
      for (const key of GRAD_KEYS) assert.deepEqual(g[key], w[key], `${mode} P${proj} case ${i} ${key}`);
    }
    assert.equal(tight.saved.size, 0);
  }
});

test('training steps reuse the same kernel memory: nothing accumulates', () => {
  const wasm = singleThreadBackend()!;
  const args = makeArgs({ ...spec(3), T: 20, B: 8, H: 64 });
  const step = () => wasm.sequenceBackward(backwardArgs(args, wasm.sequenceForward(args)));
  step();
  step();
  assert.equal(wasm.saved.bytes, 0);
  const grown = wasm.memoryBytes;
  const first = step();
  for (let i = 0; i < 10; i++) {
    const g = step();
    assert.deepEqual(g.dWHh, first.dWHh, 'same inputs, same gradients');
  }
  assert.equal(wasm.memoryBytes, grown, 'the kernel memory did not grow');
  assert.equal(wasm.saved.size, 0);
});

test('split passes: backward runs where each chunk was saved; closed workers and double backward are errors', () => {
  const wasm = wasmBackendSync()!;
  const before = wasm.threads;
  try {
    wasm.setThreads(2, { minWork: 0, minRows: 1 });
    const args = makeArgs({ ...spec(4), B: 6 });
    const one = singleThreadBackend()!;
    const want = one.sequenceBackward(backwardArgs(args, one.sequenceForward(args)));
    for (let i = 0; i < 3; i++) {
      const r = wasm.sequenceForward(args);
      const g = wasm.sequenceBackward(backwardArgs(args, r));
      for (const key of GRAD_KEYS) {
        const a = g[key], b = want[key];
        if (a === null || b === null) assert.equal(a, b, key);
        else for (let j = 0; j < a.length; j++) assert.ok(Math.abs(a[j]! - b[j]!) <= 1e-5, `${key}[${j}]`);
      }
      if (i === 2) assert.throws(() => wasm.sequenceBackward(backwardArgs(args, r)), /already freed/);
    }
    const r = wasm.sequenceForward(args);
    wasm.setThreads(1);
    wasm.setThreads(2, { minWork: 0, minRows: 1 });
    assert.throws(() => wasm.sequenceBackward(backwardArgs(args, r)), /worker threads that ran this forward pass have since been closed/);
  } finally {
    wasm.setThreads(1);
    wasm.setThreads(before, DEFAULT_POLICY);
  }
});
