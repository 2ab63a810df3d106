// The streaming fast path: a step kernel on weights packed once must follow the reference
// pass step after step, and pick up new weights on refresh().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsBackend } from '../../src/kernels/js/index.js';
import type { CellMode } from '../../src/kernels/types.js';
import { wasmBackendSync } from '../../src/kernels/wasm/index.js';
import { assertClose, makeArgs } from './helpers.js';

const wasm = wasmBackendSync();

for (const mode of ['rnn_tanh', 'rnn_relu', 'lstm', 'gru'] as CellMode[]) {
  for (const [B, proj] of [[1, 0], [3, 0], [1, 3]] as const) {
    if (proj > 0 && mode !== 'lstm') continue;
    test(`step kernel ${mode} batch ${B}${proj ? ` proj ${proj}` : ''} follows the reference for 5 steps`, () => {
      assert.ok(wasm, 'the WASM backend is available');
      const T = 5;
      const args = makeArgs({ mode, T, B, I: 3, H: 5, proj, bias: true, lengths: false, reverse: false, seed: 42 + B });
      const { I, H, P } = args.dims;
      const kernel = wasm.prepareStep({ mode, batch: B, inputSize: I, hiddenSize: H, outSize: P, weights: args.weights });
      const h = Float32Array.from(args.h0);
      const c = args.c0 ? Float32Array.from(args.c0) : null;
      let hRef = args.h0;
      let cRef = args.c0;
      for (let t = 0; t < T; t++) {
        const x = args.x.subarray(t * B * I, (t + 1) * B * I);
        kernel.step(x, h, c, h, c);
        const r = jsBackend.sequenceForward({ ...args, dims: { ...args.dims, T: 1 }, x, h0: hRef, c0: cRef, saveForBackward: false, trace: false });
        hRef = r.hN;
        cRef = r.cN;
        assertClose(`${mode} h at step ${t}`, h, hRef, 1e-5);
        assertClose(`${mode} c at step ${t}`, c, cRef, 1e-5);
      }
      // New weights: refresh() re-packs them.
      args.weights.wHh.fill(0);
      kernel.refresh();
      const x = args.x.subarray(0, B * I);
      kernel.step(x, h, c, h, c);
      const r = jsBackend.sequenceForward({ ...args, dims: { ...args.dims, T: 1 }, x, h0: hRef, c0: cRef, saveForBackward: false, trace: false });
      assertClose(`${mode} h after refresh`, h, r.hN, 1e-5);
      kernel.dispose();
      assert.throws(() => kernel.step(x, h, c, h, c), /disposed/);
    });
  }
}
