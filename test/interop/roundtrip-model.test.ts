import { test } from 'node:test';
import { noGrad } from '../../src/autograd/graph.js';
import { exportModelOnnx } from '../../src/io/onnx/export/model.js';
import { loadOnnx } from '../../src/io/onnx/import/load.js';
import { CharLm } from '../../src/models/char-lm.js';
import { Forecaster } from '../../src/models/forecaster.js';
import { SequenceClassifier } from '../../src/models/sequence-classifier.js';
import { Rng } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { assertClose, randomTensor } from '../io/onnx/helpers.js';
import { softmaxLast } from './helpers.js';

/** recur's own ONNX loader runs the whole-model exports too (no onnxruntime needed, e.g. in a browser). */

const ints = (values: ArrayLike<number>, shape: number[]): Tensor => new Tensor(Float32Array.from(values), shape);

test('loadOnnx runs an exported CharLm (GRU, 2 layers) with softmax and state', () => {
  const m = new CharLm({ cell: 'gru', hiddenSize: 6, numLayers: 2, dropout: 0, vocabSize: 10, embeddingDim: 4 }, 1);
  const ids = Int32Array.from([1, 4, 9, 0, 3, 3, 7, 2]);
  const h0 = randomTensor([2, 2, 6], new Rng(3), 0.5);
  const ref = noGrad(() => m.forward(ids, 4, 2, { h: h0 }));
  const got = loadOnnx(exportModelOnnx(m, { softmax: true })).run({ ids: ints(ids, [4, 2]), h0 });
  assertClose(got.logits!, ref.logits, 'logits');
  assertClose(got.probabilities!, softmaxLast(ref.logits), 'probabilities');
  assertClose(got.h_n!, ref.state.h, 'h_n');
});

test('loadOnnx runs an exported Forecaster (LSTM; GRU with a highway) and SequenceClassifier (bidirectional GRU, lengths)', () => {
  const f = new Forecaster({ cell: 'lstm', hiddenSize: 5, numLayers: 2, dropout: 0, inputSize: 2, horizon: 3 }, 2);
  const x = randomTensor([3, 7, 2], new Rng(4));
  assertClose(loadOnnx(exportModelOnnx(f)).run({ input: x }).output!, noGrad(() => f.forward(x)), 'forecast');
  const hw = new Forecaster({ cell: 'gru', hiddenSize: 4, numLayers: 1, dropout: 0, inputSize: 2, horizon: 3, highway: 2 }, 6);
  assertClose(loadOnnx(exportModelOnnx(hw)).run({ input: x }).output!, noGrad(() => hw.forward(x)), 'forecast with a highway');
  const c = new SequenceClassifier({ cell: 'gru', hiddenSize: 4, numLayers: 2, dropout: 0, bidirectional: true, vocabSize: 8, embeddingDim: 3, inputSize: 0, numClasses: 4 }, 5);
  const ids = Int32Array.from({ length: 15 }, (_, i) => (i * 5) % 8);
  const lengths = [5, 2, 4];
  const got = loadOnnx(exportModelOnnx(c)).run({ ids: ints(ids, [5, 3]), lengths: ints(lengths, [3]) });
  assertClose(got.logits!, noGrad(() => c.forward(ids, 5, 3, lengths)), 'classify');
});
