import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gru, lstm, noGrad, OptionError, rnn, Rng, StateDictError } from '../../../src/index.js';
import { recurrentPass } from '../../../src/autograd/recurrent.js';
import type { Backend } from '../../../src/kernels/types.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { randomTensor } from '../../helpers/gradcheck.js';
import { maxAbsDiff } from './helpers.js';

/** Option checking, parameter names and shapes, and where variant passes run. */

const base = { inputSize: 3, hiddenSize: 4 };
const optionError = (re: RegExp) => (e: unknown) => e instanceof OptionError && re.test(e.message);

describe('variant options', () => {
  test('are rejected on the wrong cell type, by name', () => {
    assert.throws(() => gru({ ...base, peephole: true } as never), optionError(/gru: unknown option 'peephole'/));
    assert.throws(() => gru({ ...base, coupleInputForget: true } as never), optionError(/unknown option 'coupleInputForget'/));
    assert.throws(() => lstm({ ...base, resetAfter: false } as never), optionError(/lstm: unknown option 'resetAfter'/));
    assert.throws(() => rnn({ ...base, layerNorm: true } as never), optionError(/rnn: unknown option 'layerNorm'/));
    assert.throws(() => rnn({ ...base, clip: 1 } as never), optionError(/rnn: unknown option 'clip'/));
  });

  test('values are checked', () => {
    assert.throws(() => lstm({ ...base, clip: 0 }), optionError(/clip must be a finite number > 0, got 0/));
    assert.throws(() => lstm({ ...base, clip: Infinity }), optionError(/clip must be a finite number > 0/));
    assert.throws(() => lstm({ ...base, peephole: 1 as unknown as boolean }), optionError(/peephole must be true or false/));
    assert.throws(() => gru({ ...base, recurrentDropout: 1 }), optionError(/recurrentDropout must be a number in \[0, 1\)/));
    assert.throws(() => rnn({ ...base, zoneout: -0.1 }), optionError(/zoneout must be a number in \[0, 1\)/));
    assert.throws(() => gru({ ...base, layerNorm: true, resetAfter: false }), optionError(/layerNorm needs resetAfter: true/));
    assert.throws(() => lstm({ ...base, projSize: 2, peephole: true, zoneout: 0.1 }), optionError(/projSize cannot be combined with the cell variant option\(s\) peephole, zoneout/));
  });

  test('defaults are off and the resolved options say so', () => {
    const o = lstm(base).options;
    assert.deepEqual([o.peephole, o.coupleInputForget, o.clip, o.resetAfter, o.layerNorm, o.recurrentDropout, o.zoneout], [false, false, null, true, false, 0, 0]);
  });
});

describe('variant parameters', () => {
  test('PyTorch-style names and shapes, in stateDict and loadStateDict', () => {
    const layer = lstm({ ...base, peephole: true, layerNorm: true, bidirectional: true, seed: 1 });
    const shapes = Object.fromEntries(Object.entries(layer.stateDict()).map(([k, t]) => [k, [...t.shape]]));
    for (const sfx of ['_l0', '_l0_reverse']) {
      assert.deepEqual(shapes[`weight_p${sfx}`], [12]);
      for (const n of ['ln_ih_weight', 'ln_ih_bias', 'ln_hh_weight', 'ln_hh_bias']) assert.deepEqual(shapes[`${n}${sfx}`], [16]);
      assert.deepEqual(shapes[`ln_c_weight${sfx}`], [4]);
      assert.deepEqual(shapes[`ln_c_bias${sfx}`], [4]);
    }
    assert.deepEqual(Array.from(layer.stateDict().ln_ih_weight_l0!.data), new Array(16).fill(1));
    const g = gru({ ...base, layerNorm: true });
    assert.deepEqual(Object.keys(g.stateDict()).filter((k) => k.startsWith('ln_')), ['ln_ih_weight_l0', 'ln_ih_bias_l0', 'ln_hh_weight_l0', 'ln_hh_bias_l0']);

    const other = lstm({ ...base, peephole: true, layerNorm: true, bidirectional: true, seed: 2 });
    const x = randomTensor([5, 2, 3], new Rng(1));
    const dict = layer.stateDict();
    dict.weight_p_l0!.data.fill(0.5);
    dict.ln_c_bias_l0_reverse!.data.fill(-0.2);
    other.loadStateDict(dict);
    assert.equal(maxAbsDiff(noGrad(() => other.forward(x)).output.data, noGrad(() => layer.forward(x)).output.data), 0);
    const plain = lstm({ ...base, bidirectional: true });
    assert.throws(() => plain.loadStateDict(dict), (e: unknown) => e instanceof StateDictError && /weight_p_l0/.test(e.message));
  });
});

test('variant passes run on the reference kernels whatever backend is given; plain passes on the backend', () => {
  const refuse: Backend = {
    name: 'refuse',
    sequenceForward: () => {
      throw new Error('backend called');
    },
    sequenceBackward: () => {
      throw new Error('backend called');
    },
  };
  const rng = new Rng(1);
  const params = { wIh: randomTensor([12, 3], rng), wHh: randomTensor([12, 4], rng), bIh: null, bHh: null, wHr: null };
  const x = randomTensor([4, 2, 3], rng);
  const h0 = Tensor.zeros([2, 4]);
  const opts = { mode: 'gru' as const, reverse: false, lengths: null, trace: false, backend: refuse };
  assert.throws(() => recurrentPass(x, h0, null, params, opts), /backend called/);
  const variant = { coupleInputForget: false, clip: Infinity, resetAfter: false, inputMask: null, hiddenMask: null, zoneout: null };
  const res = recurrentPass(x, h0, null, params, { ...opts, variant });
  assert.deepEqual(res.y.shape, [4, 2, 4]);
  assert.ok(res.hN.data.some((v) => v !== 0));
});
