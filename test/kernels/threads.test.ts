// Passes split across worker threads by batch rows: same values as the reference, forward
// bit-identical to one thread, gradients equal up to float32 summation order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsBackend } from '../../src/kernels/js/index.js';
import type { CellMode } from '../../src/kernels/types.js';
import { wasmBackendSync } from '../../src/kernels/wasm/index.js';
import { isSplitSaved } from '../../src/kernels/wasm/threads/split.js';
import { DEFAULT_POLICY } from '../../src/kernels/wasm/threads/threaded.js';
import { assertClose, GRAD_KEYS, makeArgs, type CaseSpec } from './helpers.js';

const wasm = wasmBackendSync()!;

test('threaded passes (3 threads, forced split) match one thread and the reference', () => {
  const before = wasm.threads;
  try {
    const specs: CaseSpec[] = [];
    let seed = 900;
    for (const mode of ['rnn_tanh', 'rnn_relu', 'lstm', 'gru'] as CellMode[]) {
      for (const proj of mode === 'lstm' ? [0, 4] : [0]) {
        for (const [lengths, reverse] of [[false, false], [true, true], [true, false]] as const) {
          specs.push({ mode, T: 6, B: 7, I: 5, H: 9, proj, bias: seed % 2 === 0, lengths, reverse, seed: seed++ });
          // 3- and 2-row chunks: their odd rows take the four-panel one-row tile (gates >= 64).
          specs.push({ mode, T: 4, B: 7, I: 5, H: 20, proj, bias: seed % 2 === 0, lengths, reverse, seed: seed++ });
        }
      }
    }
    // One thread first for every case, then one switch to 3 (workers start once).
    wasm.setThreads(1);
    const single = specs.map((spec) => wasm.sequenceForward(makeArgs(spec)));
    wasm.setThreads(3, { minWork: 0, minRows: 1 });
    specs.forEach((spec, n) => {
      const what = `${spec.mode} proj${spec.proj} lengths${spec.lengths} reverse${spec.reverse}`;
      const args = makeArgs(spec);
      const one = single[n]!;
      const three = wasm.sequenceForward(args);
      assert.ok(isSplitSaved(three.saved), `${what}: the pass was split`);
      assert.deepEqual(three.y, one.y, `${what}: y identical`);
      assert.deepEqual(three.hN, one.hN, `${what}: hN identical`);
      assert.deepEqual(three.cN, one.cN, `${what}: cN identical`);
      assert.deepEqual(three.trace, one.trace, `${what}: trace identical`);
      const want = jsBackend.sequenceForward(args);
      const { T, B, P } = args.dims;
      const upstream = Float32Array.from({ length: T * B * P }, (_, i) => Math.sin(i));
      const dhN = Float32Array.from({ length: B * P }, (_, i) => Math.cos(i));
      const gWant = jsBackend.sequenceBackward({ forward: args, result: want, dy: upstream, dhN, dcN: null, stepGrads: true });
      const gGot = wasm.sequenceBackward({ forward: args, result: three, dy: upstream, dhN, dcN: null, stepGrads: true });
      for (const key of GRAD_KEYS) assertClose(`${what} ${key}`, gGot[key], gWant[key], 1e-4);
    });
  } finally {
    wasm.setThreads(1);
    wasm.setThreads(before, DEFAULT_POLICY);
  }
});

test('startThreads starts the pool and says how many threads large passes use', async () => {
  const before = wasm.threads;
  try {
    wasm.setThreads(1);
    assert.equal(await wasm.startThreads(), 1);
    assert.equal(wasm.liveWorkers, 0);
    wasm.setThreads(2);
    assert.equal(await wasm.startThreads(), 2);
    assert.equal(wasm.liveWorkers, 1, 'started before any pass');
  } finally {
    wasm.setThreads(1);
    wasm.setThreads(before, DEFAULT_POLICY);
  }
});
