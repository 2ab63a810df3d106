import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  gru,
  lstm,
  NonFiniteError,
  OptionError,
  rnn,
  ShapeError,
  StateDictError,
  Tensor,
} from '../src/index.js';

const expectError = (fn: () => unknown, cls: new (...a: never[]) => Error, pattern: RegExp) =>
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${String(e)}`);
    assert.match((e as Error).message, pattern);
    return true;
  });

test('options: unknown, negative, out of range, wrong kind', () => {
  expectError(() => lstm({ inputSize: 3, hiddenSize: 4, hidenSize: 5 } as never), OptionError, /unknown option 'hidenSize'/);
  expectError(() => lstm({ inputSize: 3, hiddenSize: -4 }), OptionError, /hiddenSize must be an integer >= 1, got -4/);
  expectError(() => gru({ inputSize: 2.5, hiddenSize: 4 }), OptionError, /inputSize must be an integer/);
  expectError(() => rnn({ inputSize: 3, hiddenSize: 4, dropout: 1 }), OptionError, /dropout must be a number in \[0, 1\), got 1/);
  expectError(() => rnn({ inputSize: 3, hiddenSize: 4, nonlinearity: 'sigmoid' as never }), OptionError, /nonlinearity must be one of 'tanh', 'relu'/);
  expectError(() => gru({ inputSize: 3, hiddenSize: 4, projSize: 2 } as never), OptionError, /unknown option 'projSize'/);
  expectError(() => lstm({ inputSize: 3, hiddenSize: 4, projSize: 4 }), OptionError, /projSize must be smaller than hiddenSize/);
  expectError(() => lstm({ inputSize: 3, hiddenSize: 4, numLayers: 0 }), OptionError, /numLayers must be an integer >= 1, got 0/);
  // A tensor's options: `true` in place of { requiresGrad: true } must not quietly mean false.
  expectError(() => new Tensor([1, 2], [2], true as never), OptionError, /Tensor: options must be an object such as \{ requiresGrad: true \}, got true/);
  expectError(() => new Tensor([1, 2], [2], { requireGrad: true } as never), OptionError, /Tensor: unknown option 'requireGrad'; known options: requiresGrad/);
  expectError(() => Tensor.zeros([2], { requiresGrad: 1 } as never), OptionError, /requiresGrad must be true or false, got 1/);
  assert.equal(new Tensor([1, 2], [2], { requiresGrad: true }).requiresGrad, true);
  assert.equal(new Tensor([1, 2], [2], {}).requiresGrad, false);
});

test('input and state shapes are checked, never broadcast', () => {
  const layer = lstm({ inputSize: 3, hiddenSize: 4, numLayers: 2 });
  expectError(() => layer.forward(Tensor.zeros([5, 2, 4])), ShapeError, /input x: expected shape \[seq, batch, 3\] \(seq, batch, features\), got \[5, 2, 4\]/);
  expectError(() => layer.forward(Tensor.zeros([5, 3])), ShapeError, /input x: expected shape/);
  const bad = { h: Tensor.zeros([2, 3, 4]), c: Tensor.zeros([2, 2, 4]) };
  expectError(() => layer.forward(Tensor.zeros([5, 2, 3]), bad), ShapeError, /state.h: expected shape \[2, 2, 4\].*got \[2, 3, 4\]/);
  expectError(() => layer.forward(Tensor.zeros([5, 2, 3]), { h: Tensor.zeros([2, 2, 4]) } as never), ShapeError, /needs c as well as h/);
  const g = gru({ inputSize: 3, hiddenSize: 4, batchFirst: true });
  expectError(() => g.forward(Tensor.zeros([2, 5, 2])), ShapeError, /\[batch, seq, 3\]/);
});

test('lengths: count, range and integrality', () => {
  const layer = gru({ inputSize: 1, hiddenSize: 2 });
  const x = Tensor.zeros([4, 2, 1]);
  expectError(() => layer.forward(x, undefined, { lengths: [4] }), ShapeError, /lengths has 1 entries but the batch has 2/);
  expectError(() => layer.forward(x, undefined, { lengths: [4, 5] }), ShapeError, /lengths\[1\] must be an integer in 1..4.*got 5/);
  expectError(() => layer.forward(x, undefined, { lengths: [0, 2] }), ShapeError, /lengths\[0\].*got 0/);
  expectError(() => layer.forward(x, undefined, { lengths: [2.5, 2] }), ShapeError, /got 2.5/);
});

test('NaN and infinity in inputs and states are refused', () => {
  const layer = rnn({ inputSize: 2, hiddenSize: 2 });
  const x = Tensor.zeros([3, 1, 2]);
  x.data[3] = NaN;
  expectError(() => layer.forward(x), NonFiniteError, /input x: element 3 is NaN/);
  const h = Tensor.zeros([1, 1, 2]);
  h.data[1] = Infinity;
  expectError(() => layer.forward(Tensor.zeros([3, 1, 2]), { h }), NonFiniteError, /state.h: element 1 is Infinity/);
});

test('state dicts: missing, extra, mis-shaped entries name the tensor; nothing is half-loaded', () => {
  const a = lstm({ inputSize: 3, hiddenSize: 4, bidirectional: true, seed: 1 });
  const b = lstm({ inputSize: 3, hiddenSize: 4, bidirectional: true, seed: 2 });
  const dict: Record<string, Tensor> = { ...a.stateDict() };
  delete dict.weight_hh_l0_reverse;
  expectError(() => b.loadStateDict(dict), StateDictError, /missing: 'weight_hh_l0_reverse'/);
  const extra = { ...a.stateDict(), weight_hr_l0: Tensor.zeros([2, 4]) };
  expectError(() => b.loadStateDict(extra), StateDictError, /unexpected: 'weight_hr_l0'/);
  b.loadStateDict(extra, { strict: false });
  assert.deepEqual(b.stateDict().weight_ih_l0!.data, a.stateDict().weight_ih_l0!.data);
  const c = lstm({ inputSize: 3, hiddenSize: 4, bidirectional: true, seed: 3 });
  const before = Float32Array.from(c.stateDict().weight_ih_l0!.data);
  const wrong = { ...a.stateDict(), bias_hh_l0: Tensor.zeros([15]) };
  expectError(() => c.loadStateDict(wrong), StateDictError, /'bias_hh_l0' has shape \[15\], expected \[16\]/);
  assert.deepEqual(c.stateDict().weight_ih_l0!.data, before);
});

test('Tensor: data length must match the shape', () => {
  expectError(() => new Tensor([1, 2, 3], [2, 2]), ShapeError, /3 elements but shape \[2, 2\] needs 4/);
  expectError(() => new Tensor([1, 2], [-1, -2]), ShapeError, /non-negative integers/);
});
