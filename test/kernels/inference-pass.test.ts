// The WASM forward pass without saving (inference) takes its own paths through the kernels:
// the input projection made step by step, outputs read from the states, two cell-state slots
// used in turn, only the o gate kept. Its values must match the float64 oracle and be the very
// bits of the same pass with saving (which keeps every step), in every mode and shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CellMode } from '../../src/kernels/types.js';
import { singleThreadBackend } from '../../src/kernels/wasm/single.js';
import { assertClose, makeArgs, SMALL_SHAPES, type CaseSpec } from './helpers.js';
import { oracleForward } from './oracle.js';

const builds = [
  { name: 'default build', backend: singleThreadBackend()! },
  { name: 'simd128 build', backend: singleThreadBackend('simd128')! },
];
const modes: CellMode[] = ['rnn_tanh', 'rnn_relu', 'lstm', 'gru'];
// Odd and even T (the last cell state in slot T & 1), batch 1 and batches past the GEMM's
// 128-row block, hidden sizes with and without a tail of 1-3 units.
const shapes = [
  ...SMALL_SHAPES,
  { T: 5, B: 130, I: 9, H: 16, proj: 5 },
];

test('a forward pass without saving gives the bits of one with saving, and the oracle values', () => {
  let seed = 500;
  let cases = 0;
  for (const { name, backend } of builds) {
    for (const mode of modes) {
      for (const shape of shapes) {
        for (const proj of mode === 'lstm' ? [0, shape.proj] : [0]) {
          for (const lengths of [false, true]) {
            for (const reverse of [false, true]) {
              const spec: CaseSpec = { mode, ...shape, proj, bias: seed % 2 === 0, lengths, reverse, seed: seed++ };
              const what = `${name} ${mode} T${spec.T} B${spec.B} H${spec.H}${proj ? ` P${proj}` : ''}${lengths ? ' lengths' : ''}${reverse ? ' reverse' : ''}`;
              const plain = backend.sequenceForward(makeArgs(spec, false, false));
              const kept = backend.sequenceForward(makeArgs(spec, false, true));
              assert.equal(plain.trace, null, what);
              assert.deepEqual(plain.y, kept.y, `${what}: y`);
              assert.deepEqual(plain.hN, kept.hN, `${what}: hN`);
              assert.deepEqual(plain.cN, kept.cN, `${what}: cN`);
              const want = oracleForward(makeArgs(spec, false, false));
              assertClose(`${what} y`, plain.y, Float32Array.from(want.y), 1e-5);
              assertClose(`${what} hN`, plain.hN, Float32Array.from(want.hN), 1e-5);
              assertClose(`${what} cN`, plain.cN, want.cN && Float32Array.from(want.cN), 1e-5);
              cases++;
            }
          }
        }
      }
    }
  }
  assert.equal(cases, builds.length * (3 * 5 + 2 * 5) * 4);
});
