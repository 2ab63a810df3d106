import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { noGrad } from '../../src/autograd/graph.js';
import { OptionError } from '../../src/errors.js';
import { exportModelOnnx } from '../../src/io/onnx/export/model.js';
import { CharLm } from '../../src/models/char-lm.js';
import { Forecaster } from '../../src/models/forecaster.js';
import { SequenceClassifier } from '../../src/models/sequence-classifier.js';
import { Rng } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { gru } from '../../src/nn/layers/factories.js';
import { assertClose, ErrorLog, randomTensor, runOrt } from '../io/onnx/helpers.js';
import { softmaxLast } from './helpers.js';

/** Whole models exported to ONNX run in onnxruntime and match recur's forward within 1e-5. */

const log = new ErrorLog();
const randomIds = (n: number, V: number, rng: Rng): Int32Array => Int32Array.from({ length: n }, () => Math.floor(rng.random() * V));

describe('exportModelOnnx vs onnxruntime', () => {
  after(() => console.log(`whole-model export max errors vs onnxruntime:\n${log.summary()}`));

  for (const cell of ['lstm', 'gru', 'rnn'] as const) {
    test(`CharLm ${cell} 2 layers: logits, probabilities, state; streaming in two chunks`, async () => {
      const m = new CharLm({ cell, hiddenSize: 7, numLayers: 2, dropout: 0.3, vocabSize: 11, embeddingDim: 5 }, 3).eval();
      const T = 6, B = 2;
      const ids = randomIds(T * B, 11, new Rng(1));
      const ref = noGrad(() => m.forward(ids, T, B));
      const bytes = exportModelOnnx(m, { softmax: true });
      const zeros = Tensor.zeros([2, B, 7]);
      const feeds = { ids: { int64: ids, shape: [T, B] }, h0: zeros, ...(cell === 'lstm' ? { c0: zeros } : {}) };
      const got = await runOrt(bytes, feeds);
      log.add(`charlm ${cell} logits`, assertClose(got.logits!, ref.logits, 'logits'));
      log.add(`charlm ${cell} probabilities`, assertClose(got.probabilities!, softmaxLast(ref.logits), 'probabilities'));
      log.add(`charlm ${cell} h_n`, assertClose(got.h_n!, ref.state.h, 'h_n'));
      if (cell === 'lstm') log.add('charlm lstm c_n', assertClose(got.c_n!, ref.state.c!, 'c_n'));
      // Streaming: the second half from the first half's state gives the same last logits.
      const first = await runOrt(bytes, { ...feeds, ids: { int64: ids.subarray(0, 3 * B), shape: [3, B] } });
      const rest = await runOrt(bytes, {
        ids: { int64: ids.subarray(3 * B), shape: [3, B] }, h0: first.h_n!, ...(cell === 'lstm' ? { c0: first.c_n! } : {}),
      });
      const tail = new Tensor(ref.logits.data.slice(3 * B * 11), [3, B, 11]);
      log.add(`charlm ${cell} streamed`, assertClose(rest.logits!, tail, 'streamed logits'));
    });
  }

  test('CharLm without state inputs, opset 17', async () => {
    const m = new CharLm({ cell: 'lstm', hiddenSize: 6, numLayers: 1, dropout: 0, vocabSize: 9, embeddingDim: 4 }, 5);
    const ids = randomIds(8, 9, new Rng(2));
    const ref = noGrad(() => m.forward(ids, 8, 1));
    const got = await runOrt(exportModelOnnx(m, { initialState: false, opset: 17 }), { ids: { int64: ids, shape: [8, 1] } });
    assert.equal(got.probabilities, undefined);
    log.add('charlm no-state logits', assertClose(got.logits!, ref.logits, 'logits'));
  });

  for (const [cell, layers] of [['gru', 2], ['lstm', 1], ['rnn', 3]] as const) {
    test(`Forecaster ${cell} ${layers} layer(s)`, async () => {
      const m = new Forecaster({ cell, hiddenSize: 8, numLayers: layers, dropout: 0.2, inputSize: 3, horizon: 4 }, 9).eval();
      const x = randomTensor([5, 10, 3], new Rng(4));
      const ref = noGrad(() => m.forward(x));
      const got = await runOrt(exportModelOnnx(m), { input: x });
      log.add(`forecaster ${cell}`, assertClose(got.output!, ref, 'output'));
    });
  }

  test('Forecaster with a highway (LSTM, last 4 of 10 steps; and a 7-step window, the window being symbolic)', async () => {
    const m = new Forecaster({ cell: 'lstm', hiddenSize: 8, numLayers: 1, dropout: 0, inputSize: 3, horizon: 2, highway: 4 }, 5).eval();
    const bytes = exportModelOnnx(m);
    for (const steps of [10, 7]) {
      const x = randomTensor([5, steps, 3], new Rng(steps));
      const ref = noGrad(() => m.forward(x));
      const got = await runOrt(bytes, { input: x });
      log.add(`forecaster highway, window ${steps}`, assertClose(got.output!, ref, 'output'));
    }
  });

  const classifiers = [
    { name: 'tokens, bidirectional LSTM, 2 layers', cell: 'lstm', layers: 2, bi: true, tokens: true },
    { name: 'tokens, GRU', cell: 'gru', layers: 1, bi: false, tokens: true },
    { name: 'numeric, bidirectional GRU', cell: 'gru', layers: 1, bi: true, tokens: false },
    { name: 'numeric, RNN, 2 layers', cell: 'rnn', layers: 2, bi: false, tokens: false },
    { name: 'numeric, bidirectional GRU, 2 layers, mean pooling', cell: 'gru', layers: 2, bi: true, tokens: false, pooling: 'mean' },
  ] as const;
  for (const c of classifiers) {
    test(`SequenceClassifier ${c.name}, uneven lengths, softmax`, async () => {
      const m = new SequenceClassifier({
        cell: c.cell, hiddenSize: 6, numLayers: c.layers, dropout: 0, bidirectional: c.bi,
        vocabSize: c.tokens ? 13 : 0, embeddingDim: 5, inputSize: c.tokens ? 0 : 2, numClasses: 3,
        ...('pooling' in c ? { pooling: c.pooling } : {}),
      }, 21);
      const T = 7, B = 3;
      const lengths = [7, 3, 5];
      const rng = new Rng(8);
      const ids = randomIds(T * B, 13, rng);
      const x = randomTensor([T, B, 2], rng);
      const ref = noGrad(() => m.forward(c.tokens ? ids : x, T, B, lengths));
      const feeds = { lengths: { int32: lengths, shape: [B] }, ...(c.tokens ? { ids: { int64: ids, shape: [T, B] } } : { input: x }) };
      const got = await runOrt(exportModelOnnx(m, { softmax: true }), feeds);
      log.add(`classifier ${c.name}`, assertClose(got.logits!, ref, 'logits'));
      log.add(`classifier ${c.name} probabilities`, assertClose(got.probabilities!, softmaxLast(ref), 'probabilities'));
    });
  }
});

describe('exportModelOnnx refuses what it cannot export', () => {
  const f = new Forecaster({ cell: 'gru', hiddenSize: 4, numLayers: 1, dropout: 0, inputSize: 2, horizon: 1 });
  test('softmax on a forecaster', () => {
    assert.throws(() => exportModelOnnx(f, { softmax: true }), (e: unknown) => e instanceof OptionError && /softmax does not apply to a Forecaster/.test(e.message));
  });
  test('a bare layer, an unknown option, a low opset', () => {
    const layer = gru({ inputSize: 2, hiddenSize: 3 });
    assert.throws(() => exportModelOnnx(layer as unknown as Forecaster), /expected a CharLm, Forecaster or SequenceClassifier, got RecurrentLayer.*exportOnnx/);
    assert.throws(() => exportModelOnnx(f, { lengths: true } as never), /unknown option\(s\) lengths/);
    assert.throws(() => exportModelOnnx(f, { opset: 13 }), /opset must be an integer >= 14/);
  });
});
