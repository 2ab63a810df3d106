import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linear } from '../../src/autograd/nn-ops.js';
import { OptionError, Rng, SequenceClassifier, Tensor } from '../../src/index.js';
import { randomTensor } from '../helpers/gradcheck.js';

const config = { cell: 'gru' as const, hiddenSize: 4, numLayers: 2, dropout: 0, bidirectional: true, vocabSize: 0, embeddingDim: 0, inputSize: 3, numClasses: 5 };

test("SequenceClassifier pooling 'mean': the head reads the top layer's outputs averaged over each sequence's steps", () => {
  const mean = new SequenceClassifier({ ...config, pooling: 'mean' }, 3);
  const x = randomTensor([6, 2, 3], new Rng(8));
  const lengths = [6, 4];
  const logits = mean.forward(x, 6, 2, lengths);
  assert.deepEqual(logits.shape, [2, 5]);
  // by hand: the recurrent outputs [6, 2, 8], averaged over 6 and 4 steps, then the linear head
  const { output } = mean.rnn.forward(x, undefined, { lengths });
  const pooled = new Float32Array(2 * 8);
  for (let b = 0; b < 2; b++) {
    for (let t = 0; t < lengths[b]!; t++) for (let f = 0; f < 8; f++) pooled[b * 8 + f]! += output.data[(t * 2 + b) * 8 + f]! / lengths[b]!;
  }
  const expected = linear(new Tensor(pooled, [2, 8]), mean.fc.weight, mean.fc.bias);
  logits.data.forEach((v, i) => assert.ok(Math.abs(v - expected.data[i]!) < 1e-5, `logit ${i}: ${v} vs ${expected.data[i]}`));
  // same weights as 'last' (pooling adds no parameters), different logits
  const last = new SequenceClassifier(config, 3);
  assert.equal(last.parameterCount(), mean.parameterCount());
  const lastLogits = last.forward(x, 6, 2, lengths);
  assert.ok(lastLogits.data.some((v, i) => Math.abs(v - logits.data[i]!) > 1e-3));
  // 'last' written out is the default
  const explicit = new SequenceClassifier({ ...config, pooling: 'last' }, 3).forward(x, 6, 2, lengths);
  assert.deepEqual([...explicit.data], [...lastLogits.data]);
});

test('SequenceClassifier: an unknown pooling is an OptionError', () => {
  assert.throws(() => new SequenceClassifier({ ...config, pooling: 'max' as 'mean' }, 0), (e: unknown) => e instanceof OptionError && /pooling must be 'last' or 'mean', got 'max'/.test(e.message));
});
