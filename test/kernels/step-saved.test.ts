// stepSaved: a prepared step that keeps what backward reads in JS arrays. Its backward must
// give the gradients of the same T = 1 sequence pass, and drop those arrays once it has run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CellMode, SequenceBackwardArgs, SequenceForwardArgs, SequenceForwardResult } from '../../src/kernels/types.js';
import { singleThreadBackend } from '../../src/kernels/wasm/single.js';
import type { HeldSave } from '../../src/kernels/wasm/saved.js';
import { assertClose, GRAD_KEYS, makeArgs } from './helpers.js';

const backwardArgs = (forward: SequenceForwardArgs, result: SequenceForwardResult): SequenceBackwardArgs => {
  const { B, H, P } = forward.dims;
  const dhN = Float32Array.from({ length: B * P }, (_, i) => Math.sin(i + 1));
  const dcN = forward.mode === 'lstm' ? Float32Array.from({ length: B * H }, (_, i) => Math.cos(i)) : null;
  return { forward, result, dy: null, dhN, dcN, stepGrads: false };
};

for (const mode of ['rnn_tanh', 'lstm', 'gru'] as CellMode[]) {
  for (const [B, proj] of [[1, 0], [3, 0], [2, 3]] as const) {
    if (proj > 0 && mode !== 'lstm') continue;
    test(`stepSaved ${mode} batch ${B}${proj ? ` proj ${proj}` : ''}: the gradients of the T = 1 pass`, () => {
      const wasm = singleThreadBackend();
      assert.ok(wasm, 'the WASM backend is available');
      const full = makeArgs({ mode, T: 1, B, I: 3, H: 5, proj, bias: true, lengths: false, reverse: false, seed: 11 + B });
      const { I, H, P } = full.dims;
      const want = wasm.sequenceBackward(backwardArgs(full, wasm.sequenceForward(full)));
      const kernel = wasm.prepareStep({ mode, batch: B, inputSize: I, hiddenSize: H, outSize: P, weights: full.weights });
      const h = Float32Array.from(full.h0);
      const c = full.c0 ? Float32Array.from(full.c0) : null;
      const saved = kernel.stepSaved!(full.x, h, c, h, c) as HeldSave;
      assert.equal(wasm.saved.size, 0, 'nothing kept in the kernel store');
      const result: SequenceForwardResult = { y: h, hN: h, cN: c, trace: null, saved };
      const got = wasm.sequenceBackward(backwardArgs(full, result));
      for (const key of GRAD_KEYS) {
        const a = got[key];
        const b = want[key];
        if (a === null || b === null) assert.equal(a, b, key);
        else assertClose(`${mode} ${key}`, a, b, 1e-6);
      }
      assert.equal(saved.arrays, null, 'backward dropped the saved arrays');
      assert.throws(() => wasm.sequenceBackward(backwardArgs(full, result)), /already freed/);
      kernel.dispose();
    });
  }
}
