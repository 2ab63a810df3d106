import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Linear } from '../../src/nn/layers/linear.js';
import { withEval } from '../../src/nn/with-eval.js';
import { Tensor } from '../../src/tensor/tensor.js';

test('withEval: evaluation mode and no graph inside, the mode restored after, even when it throws', () => {
  const model = new Linear({ inFeatures: 2, outFeatures: 1, seed: 3 });
  assert.equal(model.training, true);
  const y = withEval(model, () => {
    assert.equal(model.training, false);
    return model.forward(new Tensor([1, 2], [1, 2]));
  });
  assert.equal(y.requiresGrad, false, 'no graph recorded');
  assert.equal(model.training, true);

  assert.throws(() => withEval(model, () => {
    throw new Error('boom');
  }), /boom/);
  assert.equal(model.training, true, 'an exception inside leaves the model in training mode');

  // A model already in evaluation mode stays in it.
  model.eval();
  withEval(model, () => undefined);
  assert.equal(model.training, false);
});
