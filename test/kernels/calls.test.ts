// The one bias fold every WASM call uses (sequence passes, step kernels, hidden-unit splits).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldedInputBias, packedFloats, recurrentBias } from '../../src/kernels/wasm/calls.js';

test('RNN and LSTM fold b_hh into the input bias; GRU keeps it for its reset-scaled term', () => {
  const bIh = Float32Array.of(0.5, -0, 2, 0.25);
  const bHh = Float32Array.of(0.25, 1, -2, 0.1);
  for (const mode of ['lstm', 'rnn_tanh', 'rnn_relu'] as const) {
    assert.deepEqual(foldedInputBias(mode, bIh, bHh), Float32Array.of(0.75, 1, 0, Math.fround(0.25 + Math.fround(0.1))));
    assert.equal(foldedInputBias(mode, null, bHh)!.join(), bHh.join(), `${mode}: b_hh alone`);
    assert.equal(recurrentBias(mode, bHh), null);
  }
  assert.equal(foldedInputBias('gru', bIh, bHh), bIh, 'GRU: b_ih as it is');
  assert.equal(recurrentBias('gru', bHh), bHh);
  // Nothing to fold: b_ih itself, so its -0 stays -0 (x + -0 keeps x's sign, x + 0 does not).
  assert.equal(foldedInputBias('lstm', bIh, null), bIh);
  assert.ok(Object.is(foldedInputBias('lstm', bIh, null)![1], -0));
  assert.equal(foldedInputBias('rnn_tanh', null, null), null);
  // Panels are 16 columns wide: a 5 x 17 operand packs into 2 panels of 5 rows.
  assert.equal(packedFloats(5, 17), 2 * 16 * 5);
});
